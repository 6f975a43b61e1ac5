// A study (issue 13): one data set, its search and retraining settings, and the grid
// of methods × budgets × seeds they are run over. Each point of the grid is a cell,
// searched, retrained and evaluated in its own run directory under the study folder:
//   STUDY/study.json           the plan (this file's JSON), written once
//   STUDY/cells/<cell id>/     a run directory (config.json, events.jsonl, ...)
//   STUDY/study.csv, report.md, plots/   the report (study_report.h)
#pragma once

#include "core/run/run_config.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zd {

inline constexpr const char* kStudyPlanFile = "study.json";

struct StudyPlan {
  // Every setting the cells share (data, search, train, device, threads); a cell sets
  // its method's switches, its budget and its seed over it. `base.out` is unused.
  RunConfig base;
  std::vector<Method> methods{Method::ZoDartsPP, Method::DartsV2, Method::Random};
  std::vector<BudgetOptions> budgets;  // empty means {none, small}
  std::vector<uint64_t> seeds{0, 1, 2};
};

// One point of the grid.
struct StudyCell {
  std::string id;  // "zo-darts++_small_s0": the folder name under cells/
  Method method = Method::ZoDartsPP;
  std::string budget;  // its word (budget_words.h): "none", "small", "200k:1.5M"
  uint64_t seed = 0;
  RunConfig config;  // the whole run's settings; config.out is the cell's folder
};

// The budgets a plan runs over (its own, or none and small).
std::vector<BudgetOptions> studyBudgets(const StudyPlan& plan);

// {"methods": [...], "budgets": [...], "seeds": [...], "config": {every setting}}.
nlohmann::json toJson(const StudyPlan& plan);
// Reads a plan; missing lists keep the defaults, "config" is a (possibly partial) run
// config over `base`. Throws ConfigError naming the key ("study key 'methods[1]':
// expected one of ..., got \"dart\"").
StudyPlan studyPlanFromJson(const nlohmann::json& j, const RunConfig& base = RunConfig{});

// The cells of `plan` in the order they run (seed outermost, so that a study cut
// short has every method and budget at its first seeds), each config validated.
// Throws ConfigError for an empty or repeated list, a custom method (name the
// switches instead), or a cell whose settings are invalid (naming the cell).
std::vector<StudyCell> expandStudy(const StudyPlan& plan, const std::filesystem::path& study_dir);

// STUDY/cells/<id>.
std::filesystem::path cellDirectory(const std::filesystem::path& study_dir, const std::string& id);

// Writes STUDY/study.json atomically (making STUDY). Throws IoError.
void writeStudyPlan(const std::filesystem::path& study_dir, const StudyPlan& plan);
// Reads STUDY/study.json; throws IoError when there is none (naming the folder),
// ConfigError naming the file when it is malformed.
StudyPlan readStudyPlan(const std::filesystem::path& study_dir);
bool isStudyDirectory(const std::filesystem::path& dir);

}  // namespace zd
