#include "core/study/study_report.h"

#include "core/common/atomic_file.h"
#include "core/common/count_text.h"
#include "core/common/error.h"
#include "core/search/budget_words.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace zd {

namespace fs = std::filesystem;

MeanSd meanSd(const std::vector<double>& values) {
  MeanSd m;
  double sum = 0;
  for (double v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++m.n;
    }
  if (m.n == 0) return m;
  m.mean = sum / m.n;
  double squares = 0;
  for (double v : values)
    if (std::isfinite(v)) squares += (v - m.mean) * (v - m.mean);
  m.sd = m.n > 1 ? std::sqrt(squares / (m.n - 1)) : 0.0;
  return m;
}

std::vector<CellResult> readStudyResults(const fs::path& study_dir) {
  const StudyPlan plan = readStudyPlan(study_dir);
  std::vector<CellResult> results;
  for (const auto& cell : expandStudy(plan, study_dir)) results.push_back(readCellResult(cell));
  return results;
}

std::vector<GroupSummary> summarizeStudy(const StudyPlan& plan, const std::vector<CellResult>& results) {
  std::vector<GroupSummary> groups;
  for (const auto& budget : studyBudgets(plan))
    for (Method method : plan.methods) {
      GroupSummary g;
      g.method = nameOf(method);
      g.budget = budgetWord(budget);
      std::vector<double> acc, auc, val, params, argmax, search, retrain;
      for (const auto& r : results) {
        if (r.method != g.method || r.budget != g.budget) continue;
        ++g.cells;
        if (r.status == CellStatus::Failed) ++g.failed;
        if (r.status != CellStatus::Done) continue;
        ++g.done;
        acc.push_back(100.0 * r.test_accuracy);
        auc.push_back(r.test_auc);
        val.push_back(100.0 * r.val_accuracy);
        params.push_back(double(r.derived_params));
        argmax.push_back(double(r.argmax_params));
        search.push_back(r.search_seconds);
        retrain.push_back(r.retrain_seconds);
      }
      g.test_accuracy = meanSd(acc);
      g.test_auc = meanSd(auc);
      g.val_accuracy = meanSd(val);
      g.derived_params = meanSd(params);
      g.argmax_params = meanSd(argmax);
      g.search_seconds = meanSd(search);
      g.retrain_seconds = meanSd(retrain);
      groups.push_back(g);
    }
  return groups;
}

namespace {

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// One line per cell: a multi-stage genotype's lines (and any message's) joined by "; ".
std::string oneLine(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\r') continue;
    out += c == '\n' ? std::string("; ") : std::string(1, c);
  }
  while (out.size() >= 2 && out.compare(out.size() - 2, 2, "; ") == 0) out.resize(out.size() - 2);
  return out;
}

std::string number(double v, int digits) {
  if (!std::isfinite(v)) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// "91.23 ± 0.45" (n shown when not every cell is in), "—" when there is no value.
std::string shown(const MeanSd& m, int digits, int of = 0) {
  if (m.n == 0) return "—";
  std::string s = number(m.mean, digits) + " ± " + number(m.sd, digits);
  if (of > 0 && m.n < of) s += " (n=" + std::to_string(m.n) + ")";
  return s;
}

std::string shownCount(const MeanSd& m) {
  if (m.n == 0) return "—";
  return formatCount(std::round(m.mean)) + " ± " + formatCount(std::round(m.sd));
}

std::string signedNumber(double v, int digits, const std::string& unit) {
  if (!std::isfinite(v)) return "—";
  return (v >= 0 ? "+" : "−") + number(std::abs(v), digits) + unit;
}

const GroupSummary* findGroup(const std::vector<GroupSummary>& groups, const std::string& method,
                              const std::string& budget) {
  for (const auto& g : groups)
    if (g.method == method && g.budget == budget && g.done > 0) return &g;
  return nullptr;
}

}  // namespace

std::string studyCsv(const std::vector<CellResult>& results) {
  std::string out = "id,method,budget,seed,status,stage,derived_params,argmax_params,search_seconds,retrain_seconds,"
                    "test_accuracy,test_auc,val_accuracy,best_epoch,genotype,error\n";
  for (const auto& r : results) {
    const bool done = r.status == CellStatus::Done;
    auto value = [&](double v, int digits) { return done ? number(v, digits) : std::string(); };
    out += csvField(r.id) + "," + csvField(r.method) + "," + csvField(r.budget) + "," + std::to_string(r.seed) + "," +
           nameOf(r.status) + "," + csvField(r.stage) + "," +
           (r.derived_params > 0 ? std::to_string(r.derived_params) : "") + "," +
           (r.argmax_params > 0 ? std::to_string(r.argmax_params) : "") + "," + value(r.search_seconds, 1) + "," +
           value(r.retrain_seconds, 1) + "," + value(r.test_accuracy, 4) + "," + value(r.test_auc, 4) + "," +
           value(r.val_accuracy, 4) + "," + (done ? std::to_string(r.best_epoch) : "") + "," +
           csvField(oneLine(r.genotype)) + "," + csvField(oneLine(r.error)) + "\n";
  }
  return out;
}

std::string studyReportMarkdown(const StudyPlan& plan, const std::vector<CellResult>& results,
                                const std::vector<GroupSummary>& groups) {
  std::ostringstream md;
  const auto& c = plan.base;
  int done = 0, failed = 0, running = 0;
  for (const auto& r : results) {
    done += r.status == CellStatus::Done;
    failed += r.status == CellStatus::Failed;
    running += r.status == CellStatus::Running;
  }
  md << "# Study report\n\n";
  md << "- Data: `" << c.data.path << "`\n";
  md << "- Methods: ";
  for (size_t i = 0; i < plan.methods.size(); ++i) md << (i ? ", " : "") << nameOf(plan.methods[i]);
  md << "; budgets: ";
  const auto budgets = studyBudgets(plan);
  for (size_t i = 0; i < budgets.size(); ++i) md << (i ? ", " : "") << budgetWord(budgets[i]);
  md << "; seeds: ";
  for (size_t i = 0; i < plan.seeds.size(); ++i) md << (i ? ", " : "") << plan.seeds[i];
  md << "\n";
  md << "- Search: " << c.search.epochs << " epochs (size search from epoch " << c.search.switch_epoch
     << "), C = " << c.search.network.channels << ", N = " << c.search.network.cells << ", batch " << c.search.batch
     << ", architecture update every R = " << c.search.arch.rounds << " weight steps\n";
  md << "- Retraining: " << c.train.epochs << " epochs (" << c.train.warmup_epochs << " warm-up), batch "
     << c.train.batch << "; test metrics on the test split, which neither the search nor the retraining saw\n";
  md << "- Cells: " << done << " of " << results.size() << " done";
  if (running) md << ", " << running << " running";
  if (failed) md << ", " << failed << " failed";
  md << "\n\n";

  md << "## Results (mean ± standard deviation over seeds)\n\n";
  md << "| Method | Budget | Done | Test accuracy (%) | Test AUC | Val accuracy (%) | Parameters (derived) | "
        "Parameters (argmax) | Search (s) | Retraining (s) |\n";
  md << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& g : groups)
    md << "| " << g.method << " | " << g.budget << " | " << g.done << "/" << g.cells << " | "
       << shown(g.test_accuracy, 2) << " | " << shown(g.test_auc, 4) << " | " << shown(g.val_accuracy, 2) << " | "
       << shownCount(g.derived_params) << " | " << shownCount(g.argmax_params) << " | " << shown(g.search_seconds, 0)
       << " | " << shown(g.retrain_seconds, 0) << " |\n";
  md << "\n";

  md << "## Relative differences (as the paper reports them)\n\n";
  const std::string reference = nameOf(Method::DartsV2);
  bool any = false;
  md << "| Method | Budget | Accuracy vs " << reference << " (points) | Search time vs " << reference << " |\n";
  md << "|---|---|---|---|\n";
  for (const auto& g : groups) {
    if (g.method == reference || g.done == 0) continue;
    const auto* ref = findGroup(groups, reference, g.budget);
    if (!ref) continue;
    any = true;
    const double time = ref->search_seconds.mean > 0 && g.method != nameOf(Method::Random)
                            ? 100.0 * (g.search_seconds.mean / ref->search_seconds.mean - 1.0)
                            : std::numeric_limits<double>::quiet_NaN();
    md << "| " << g.method << " | " << g.budget << " | "
       << signedNumber(g.test_accuracy.mean - ref->test_accuracy.mean, 2, "") << " | " << signedNumber(time, 1, " %")
       << " |\n";
  }
  if (!any) md << "| — | — | no " << reference << " cell is done at a budget another method has | — |\n";
  md << "\n";
  const std::string unconstrained = nameOf(BudgetPreset::None);
  bool any_budget = false;
  std::ostringstream budget_table;
  budget_table << "| Method | Budget | Parameters vs unconstrained | Accuracy vs unconstrained (points) |\n";
  budget_table << "|---|---|---|---|\n";
  for (const auto& g : groups) {
    if (g.budget == unconstrained || g.done == 0) continue;
    const auto* free = findGroup(groups, g.method, unconstrained);
    if (!free || !(free->derived_params.mean > 0)) continue;
    any_budget = true;
    budget_table << "| " << g.method << " | " << g.budget << " | "
                 << signedNumber(100.0 * (g.derived_params.mean / free->derived_params.mean - 1.0), 1, " %") << " | "
                 << signedNumber(g.test_accuracy.mean - free->test_accuracy.mean, 2, "") << " |\n";
  }
  if (any_budget) md << budget_table.str() << "\n";
  md << "Search times are wall-clock seconds on the machine that ran each cell (cells run side by side share it); "
        "random draws its architecture and searches nothing, so it has no search-time ratio.\n\n";

  md << "## Plots\n\n";
  md << "![Test accuracy against parameters](plots/accuracy_vs_params.svg)\n\n";
  md << "![Search time per method](plots/search_time.svg)\n\n";

  bool any_failed = false;
  for (const auto& r : results)
    if (r.status == CellStatus::Failed) {
      if (!any_failed) md << "## Failed cells\n\n";
      any_failed = true;
      md << "- `" << r.id << "` (" << r.stage << "): " << r.error << "\n";
    }
  if (any_failed) md << "\n`zodarts study --resume STUDY` tries failed cells again.\n\n";
  md << "One row per cell, with its genotype: [study.csv](study.csv).\n";
  return md.str();
}

Chart accuracyChart(const std::vector<GroupSummary>& groups) {
  Chart chart;
  chart.title = "Test accuracy against model size (mean +/- sd over seeds)";
  chart.x_label = "parameters of the derived architecture";
  chart.y_label = "test accuracy (%)";
  std::map<std::string, size_t> index;
  for (const auto& g : groups) {
    if (!index.count(g.method)) {
      index[g.method] = chart.series.size();
      chart.series.push_back({g.method, {}});
    }
    if (g.done == 0) continue;
    chart.series[index[g.method]].points.push_back({g.derived_params.mean, g.test_accuracy.mean, g.derived_params.sd,
                                                    g.test_accuracy.sd, g.budget});
  }
  return chart;
}

Chart searchTimeChart(const StudyPlan& plan, const std::vector<GroupSummary>& groups) {
  Chart chart;
  chart.title = "Search time per method (mean +/- sd over seeds)";
  chart.x_label = "method";
  chart.y_label = "search time (s)";
  chart.bars = true;
  for (Method m : plan.methods) chart.categories.push_back(nameOf(m));
  for (const auto& budget : studyBudgets(plan)) {
    ChartSeries s{"budget " + budgetWord(budget), {}};
    for (Method m : plan.methods) {
      const auto* g = findGroup(groups, nameOf(m), budgetWord(budget));
      s.points.push_back(g ? ChartPoint{0, g->search_seconds.mean, 0, g->search_seconds.sd, ""}
                           : ChartPoint{0, std::numeric_limits<double>::quiet_NaN(), 0, 0, ""});
    }
    chart.series.push_back(s);
  }
  return chart;
}

std::vector<CellResult> writeStudyReport(const fs::path& study_dir) {
  const StudyPlan plan = readStudyPlan(study_dir);
  const auto results = readStudyResults(study_dir);
  const auto groups = summarizeStudy(plan, results);
  writeFileAtomically(study_dir / "study.csv", studyCsv(results));
  writeFileAtomically(study_dir / "report.md", studyReportMarkdown(plan, results, groups));
  const fs::path plots = study_dir / "plots";
  std::error_code ec;
  fs::create_directories(plots, ec);
  if (ec) throw IoError(plots.string() + ": cannot create the plots folder (" + ec.message() + ")");
  const Chart accuracy = accuracyChart(groups);
  const Chart time = searchTimeChart(plan, groups);
  writeFileAtomically(plots / "accuracy_vs_params.svg", chartSvg(accuracy));
  writeFileAtomically(plots / "search_time.svg", chartSvg(time));
  writeChartPng(accuracy, plots / "accuracy_vs_params.png");
  writeChartPng(time, plots / "search_time.png");
  return results;
}

}  // namespace zd
