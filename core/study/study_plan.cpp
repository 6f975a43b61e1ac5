#include "core/study/study_plan.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_file.h"
#include "core/common/json_fields.h"
#include "core/search/budget_words.h"
#include "core/search/search_method.h"

#include <nlohmann/json.hpp>

#include <set>

namespace zd {

namespace fs = std::filesystem;

std::vector<BudgetOptions> studyBudgets(const StudyPlan& plan) {
  if (!plan.budgets.empty()) return plan.budgets;
  BudgetOptions none, small;
  small.preset = BudgetPreset::Small;
  return {none, small};
}

nlohmann::json toJson(const StudyPlan& plan) {
  nlohmann::json j;
  j["methods"] = nlohmann::json::array();
  for (Method m : plan.methods) j["methods"].push_back(nameOf(m));
  j["budgets"] = nlohmann::json::array();
  for (const auto& b : studyBudgets(plan)) j["budgets"].push_back(budgetWord(b));
  j["seeds"] = plan.seeds;
  RunConfig base = plan.base;
  base.out.clear();
  j["config"] = toJson(base);
  return j;
}

StudyPlan studyPlanFromJson(const nlohmann::json& j, const RunConfig& base) {
  StudyPlan plan;
  plan.base = base;
  KeyedObjectReader reader("", JsonPlace::Kind::Setting, "study key");
  reader.add("methods", [&](const JsonPlace& at, const nlohmann::json& v) {
    if (!v.is_array()) at.wrongType("a list of methods", v);
    plan.methods.clear();
    for (size_t i = 0; i < v.size(); ++i) {
      Method m{};
      readJson(JsonPlace(at.kind(), "study key", at.path() + "[" + std::to_string(i) + "]"), v[i], m);
      plan.methods.push_back(m);
    }
  });
  reader.add("budgets", [&](const JsonPlace& at, const nlohmann::json& v) {
    if (!v.is_array()) at.wrongType("a list of budgets", v);
    plan.budgets.clear();
    for (size_t i = 0; i < v.size(); ++i) {
      const JsonPlace item(at.kind(), "study key", at.path() + "[" + std::to_string(i) + "]");
      if (!v[i].is_string()) item.wrongType("a budget word", v[i]);
      BudgetOptions b = base.search.budget;
      if (const auto problem = applyBudgetWord(v[i].get<std::string>(), b); !problem.empty()) item.fail(problem);
      plan.budgets.push_back(b);
    }
  });
  reader.add("seeds", [&](const JsonPlace& at, const nlohmann::json& v) {
    if (!v.is_array()) at.wrongType("a list of seeds", v);
    plan.seeds.clear();
    for (size_t i = 0; i < v.size(); ++i) {
      uint64_t seed = 0;
      readJson(JsonPlace(at.kind(), "study key", at.path() + "[" + std::to_string(i) + "]"), v[i], seed);
      plan.seeds.push_back(seed);
    }
  });
  reader.add("config", [&](const JsonPlace& at, const nlohmann::json& v) {
    if (!v.is_object()) at.wrongType("an object of settings", v);
    plan.base = runConfigFromJson(v, base);
  });
  reader.read(j);
  return plan;
}

namespace {

template <class T>
void requireDistinct(const std::vector<T>& items, const std::string& what, std::string (*show)(const T&)) {
  if (items.empty()) throw ConfigError("study: no " + what + " to run (give at least one)");
  std::set<std::string> seen;
  for (const auto& item : items)
    if (!seen.insert(show(item)).second) throw ConfigError("study: " + what + " '" + show(item) + "' given twice");
}

std::string showMethod(const Method& m) { return nameOf(m); }
std::string showBudget(const BudgetOptions& b) { return budgetWord(b); }
std::string showSeed(const uint64_t& s) { return std::to_string(s); }

}  // namespace

std::vector<StudyCell> expandStudy(const StudyPlan& plan, const fs::path& study_dir) {
  const auto budgets = studyBudgets(plan);
  requireDistinct(plan.methods, "methods", showMethod);
  requireDistinct(budgets, "budgets", showBudget);
  requireDistinct(plan.seeds, "seeds", showSeed);
  for (Method m : plan.methods)
    if (m == Method::Custom)
      throw ConfigError("study: method 'custom' names no switches; give named methods (" + enumChoices<Method>() +
                        ") and set ablation switches in the plan's config");
  std::vector<StudyCell> cells;
  for (uint64_t seed : plan.seeds)
    for (const auto& budget : budgets)
      for (Method method : plan.methods) {
        StudyCell cell;
        cell.method = method;
        cell.budget = budgetWord(budget);
        cell.seed = seed;
        std::string budget_id = cell.budget;
        for (char& c : budget_id)
          if (c == ':') c = '-';
        cell.id = std::string(nameOf(method)) + "_" + budget_id + "_s" + std::to_string(seed);
        cell.config = plan.base;
        applyMethod(method, cell.config.search);
        cell.config.search.budget.preset = budget.preset;
        cell.config.search.budget.min_params = budget.min_params;
        cell.config.search.budget.max_params = budget.max_params;
        cell.config.search.seed = seed;
        cell.config.train.seed = seed;
        cell.config.train.derive_seed = seed;
        cell.config.out = cellDirectory(study_dir, cell.id).string();
        try {
          validate(cell.config);
        } catch (const ConfigError& e) {
          throw ConfigError("study cell " + cell.id + ": " + e.what());
        }
        cells.push_back(std::move(cell));
      }
  return cells;
}

fs::path cellDirectory(const fs::path& study_dir, const std::string& id) { return study_dir / "cells" / id; }

void writeStudyPlan(const fs::path& study_dir, const StudyPlan& plan) {
  std::error_code ec;
  fs::create_directories(study_dir, ec);
  if (ec) throw IoError(study_dir.string() + ": cannot create the study folder (" + ec.message() + ")");
  writeFileAtomically(study_dir / kStudyPlanFile, toJson(plan).dump(2) + "\n");
}

StudyPlan readStudyPlan(const fs::path& study_dir) {
  const fs::path path = study_dir / kStudyPlanFile;
  if (!fs::exists(path)) throw IoError(study_dir.string() + ": not a study folder (no " + kStudyPlanFile + ")");
  const nlohmann::json j = readJsonFile(path);
  try {
    return studyPlanFromJson(j);
  } catch (const ConfigError& e) {
    throw ConfigError(path.string() + ": " + e.what());
  }
}

bool isStudyDirectory(const fs::path& dir) { return fs::is_regular_file(dir / kStudyPlanFile); }

}  // namespace zd
