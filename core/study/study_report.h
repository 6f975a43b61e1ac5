// The report of a study, made from its cells' files whenever asked (so it can be
// written after every finished cell, and by a process that ran none of them):
//   STUDY/study.csv                   one row per cell (CellResult)
//   STUDY/report.md                   mean ± standard deviation per method and budget,
//                                     the paper's relative differences, failures
//   STUDY/plots/accuracy_vs_params.{svg,png}, STUDY/plots/search_time.{svg,png}
#pragma once

#include "core/study/chart.h"
#include "core/study/study_cell.h"
#include "core/study/study_plan.h"

#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace zd {

// Mean and sample standard deviation (n − 1) of the finite values; sd is 0 for one
// value, both NaN for none.
struct MeanSd {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double sd = std::numeric_limits<double>::quiet_NaN();
  int n = 0;
};
MeanSd meanSd(const std::vector<double>& values);

// The done cells of one method at one budget.
struct GroupSummary {
  std::string method;
  std::string budget;
  int cells = 0;  // in the plan
  int done = 0;
  int failed = 0;
  MeanSd test_accuracy, test_auc, val_accuracy, derived_params, argmax_params, search_seconds, retrain_seconds;
};

// Every cell of the study in `study_dir`, in plan order, as its files show it.
// Throws IoError/ConfigError when the folder holds no readable study.json.
std::vector<CellResult> readStudyResults(const std::filesystem::path& study_dir);

// One group per method and budget of the plan, in plan order (budget outer).
std::vector<GroupSummary> summarizeStudy(const StudyPlan& plan, const std::vector<CellResult>& results);

// study.csv's text: a header and one line per result (RFC 4180 quoting; a genotype's
// stages and a message's lines joined by "; ").
std::string studyCsv(const std::vector<CellResult>& results);

// report.md's text.
std::string studyReportMarkdown(const StudyPlan& plan, const std::vector<CellResult>& results,
                                const std::vector<GroupSummary>& groups);

// The two plots: mean test accuracy (%) against mean derived parameters, error bars
// ± one sd both ways, one series per method, points labelled by budget; and mean
// search seconds per method, one bar per budget.
Chart accuracyChart(const std::vector<GroupSummary>& groups);
Chart searchTimeChart(const StudyPlan& plan, const std::vector<GroupSummary>& groups);

// Reads the study and writes study.csv, report.md and the plots (each atomically).
// Returns the results it reported. Throws IoError naming a file it cannot write.
std::vector<CellResult> writeStudyReport(const std::filesystem::path& study_dir);

}  // namespace zd
