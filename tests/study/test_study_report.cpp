// A study's plan, cells and report without running anything: the grid expands into
// the cells a plan names with each method's switches, budget and seed; plans round-
// trip through JSON and bad ones are refused naming the key; the report's means and
// standard deviations, relative differences, CSV rows and cell states are checked
// against values computed by hand from cell files written here; and the charts.
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/study/chart.h"
#include "core/study/study_cell.h"
#include "core/study/study_plan.h"
#include "core/study/study_report.h"
#include "tests/common/study_cells.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

zd::StudyPlan twoByTwo() {
  zd::StudyPlan plan;
  plan.base.data.path = "/data/tiny.npz";
  plan.methods = {zd::Method::ZoDartsPP, zd::Method::DartsV2};
  zd::BudgetOptions none, small;
  small.preset = zd::BudgetPreset::Small;
  plan.budgets = {none, small};
  plan.seeds = {0, 1};
  return plan;
}

QString configErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const zd::ConfigError& e) {
    return QString::fromUtf8(e.what());
  }
  return "NO CONFIG ERROR";
}

}  // namespace

class TestStudyReport : public QObject {
  Q_OBJECT
  fs::path dir_;

 private slots:
  void initTestCase() {
    dir_ = fs::temp_directory_path() / ("zodarts-study-report-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  // Seed outermost, then budget, then method; each cell has its method's switches,
  // its budget and its seed (search, retraining and sampling), in its own folder.
  void planExpandsIntoCells() {
    const auto cells = zd::expandStudy(twoByTwo(), dir_ / "s");
    QCOMPARE(cells.size(), size_t(8));
    QCOMPARE(QString::fromStdString(cells[0].id), QString("zo-darts++_none_s0"));
    QCOMPARE(QString::fromStdString(cells[1].id), QString("darts-v2_none_s0"));
    QCOMPARE(QString::fromStdString(cells[2].id), QString("zo-darts++_small_s0"));
    QCOMPARE(QString::fromStdString(cells[7].id), QString("darts-v2_small_s1"));
    const auto& dv2 = cells[3].config;  // darts-v2, small, seed 0
    QCOMPARE(dv2.search.arch.estimator, zd::Estimator::Darts2);
    QCOMPARE(dv2.search.distribution, zd::Distribution::Softmax);
    QVERIFY(!dv2.search.temperature.anneal && !dv2.search.size_search);
    QCOMPARE(dv2.search.budget.preset, zd::BudgetPreset::Small);
    const auto& zo = cells[4].config;  // zo-darts++, none, seed 1
    QCOMPARE(zo.search.arch.estimator, zd::Estimator::Zo);
    QVERIFY(zo.search.size_search && zo.search.temperature.anneal);
    QCOMPARE(zo.search.budget.preset, zd::BudgetPreset::None);
    QCOMPARE(zo.search.seed, uint64_t(1));
    QCOMPARE(zo.train.seed, uint64_t(1));
    QCOMPARE(fs::path(zo.out), dir_ / "s" / "cells" / "zo-darts++_none_s1");
    // A custom band's word becomes a folder name without ':'.
    auto plan = twoByTwo();
    zd::BudgetOptions band;
    band.preset = zd::BudgetPreset::Custom;
    band.min_params = 20000;
    band.max_params = 1500000;
    plan.budgets = {band};
    plan.seeds = {5};
    QCOMPARE(QString::fromStdString(zd::expandStudy(plan, dir_)[0].id), QString("zo-darts++_20k-1500k_s5"));
  }

  void badPlansAreRefused() {
    auto plan = twoByTwo();
    plan.seeds = {1, 1};
    QVERIFY(configErrorOf([&] { zd::expandStudy(plan, dir_); }).contains("seeds '1' given twice"));
    plan = twoByTwo();
    plan.methods = {};
    QVERIFY(configErrorOf([&] { zd::expandStudy(plan, dir_); }).contains("no methods"));
    plan.methods = {zd::Method::Custom};
    QVERIFY(configErrorOf([&] { zd::expandStudy(plan, dir_); }).contains("custom"));
    plan = twoByTwo();
    plan.base.search.epochs = 0;
    const auto message = configErrorOf([&] { zd::expandStudy(plan, dir_); });
    QVERIFY2(message.contains("study cell zo-darts++_none_s0") && message.contains("search.epochs"),
             qPrintable(message));
    QVERIFY(configErrorOf([&] { zd::studyPlanFromJson({{"methds", {"random"}}}); }).contains("did you mean 'methods'"));
    QVERIFY(configErrorOf([&] { zd::studyPlanFromJson({{"methods", {"random", "dart"}}}); }).contains("methods[1]"));
    QVERIFY(configErrorOf([&] { zd::studyPlanFromJson({{"budgets", {"tiny"}}}); }).contains("budgets[0]"));
  }

  void planRoundTripsThroughJson() {
    auto plan = twoByTwo();
    plan.methods.push_back(zd::Method::Random);
    plan.base.train.epochs = 7;
    const auto j = zd::toJson(plan);
    const auto back = zd::studyPlanFromJson(j);
    QCOMPARE(QString::fromStdString(zd::toJson(back).dump()), QString::fromStdString(j.dump()));
    QCOMPARE(back.base.train.epochs, 7);
    QCOMPARE(back.methods.back(), zd::Method::Random);
    zd::writeStudyPlan(dir_ / "rt", plan);
    QVERIFY(zd::isStudyDirectory(dir_ / "rt"));
    QCOMPARE(QString::fromStdString(zd::toJson(zd::readStudyPlan(dir_ / "rt")).dump()),
             QString::fromStdString(j.dump()));
    try {
      zd::readStudyPlan(dir_ / "nowhere");
      QFAIL("expected IoError");
    } catch (const zd::IoError& e) {
      QVERIFY(QString(e.what()).contains("not a study folder"));
    }
  }

  void meanAndSampleDeviation() {
    const auto m = zd::meanSd({1, 2, 3, 4, std::nan("")});
    QCOMPARE(m.n, 4);
    QCOMPARE(m.mean, 2.5);
    QVERIFY(std::abs(m.sd - std::sqrt(5.0 / 3.0)) < 1e-12);  // Σ(x−2.5)² = 5, over n − 1 = 3
    QCOMPARE(zd::meanSd({7}).sd, 0.0);
    QVERIFY(std::isnan(zd::meanSd({}).mean));
  }

  // Cell files written by hand, the report computed from them.
  void reportFromCellFiles() {
    const fs::path study = dir_ / "report";
    auto plan = twoByTwo();
    zd::writeStudyPlan(study, plan);
    const auto cells = zd::expandStudy(plan, study);
    // zo-darts++ none: 0.90, 0.92 at 100k, 120k params, 50 s, 70 s; darts-v2 none:
    // 0.88, 0.88 at 200k, 100 s, 100 s; zo-darts++ small: 0.89 only (seed 1 failed);
    // darts-v2 small: seed 0 running (this process), seed 1 stopped (a dead pid).
    writeDoneCell(cells[0], 0.90, 100000, 50);
    writeDoneCell(cells[4], 0.92, 120000, 70);
    writeDoneCell(cells[1], 0.88, 200000, 100);
    writeDoneCell(cells[5], 0.88, 200000, 100);
    writeDoneCell(cells[2], 0.89, 40000, 60);
    zd::recordCellFailure(cells[6], "retrain", "data: out of memory");
    markCellRunning(cells[3], getpid());
    const pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, nullptr, 0);
    // A mark from another host counts as running (its pid cannot be asked here);
    // with this host, the dead pid makes it stopped.
    markCellRunning(cells[7], dead, "elsewhere-not");
    QCOMPARE(zd::readCellResult(cells[7]).status, zd::CellStatus::Running);
    markCellRunning(cells[7], dead);

    const auto results = zd::writeStudyReport(study);
    QCOMPARE(results.size(), size_t(8));
    QCOMPARE(results[3].status, zd::CellStatus::Running);
    QCOMPARE(results[6].status, zd::CellStatus::Failed);
    QCOMPARE(QString::fromStdString(results[6].error), QString("data: out of memory"));
    QCOMPARE(results[7].status, zd::CellStatus::Stopped);

    const auto groups = zd::summarizeStudy(plan, results);
    QCOMPARE(groups.size(), size_t(4));
    QCOMPARE(QString::fromStdString(groups[0].method + " " + groups[0].budget), QString("zo-darts++ none"));
    QCOMPARE(groups[0].done, 2);
    QVERIFY(std::abs(groups[0].test_accuracy.mean - 91.0) < 1e-9);
    QVERIFY(std::abs(groups[0].test_accuracy.sd - std::sqrt(2.0)) < 1e-9);  // (±1)² twice, over 1
    QCOMPARE(groups[0].derived_params.mean, 110000.0);
    QCOMPARE(groups[2].failed, 1);

    const QString md = QString::fromStdString(zd::readFile(study / "report.md"));
    QVERIFY2(md.contains("| zo-darts++ | none | 2/2 | 91.00 ± 1.41 |"), qPrintable(md));
    // Accuracy vs darts-v2 at none: 91 − 88 = +3.00 points; search time 60 / 100 − 1 = −40.0 %.
    QVERIFY2(md.contains("| zo-darts++ | none | +3.00 | −40.0 % |"), qPrintable(md));
    // Parameters under the small budget vs unconstrained: 40k / 110k − 1 = −63.6 %, accuracy 89 − 91.
    QVERIFY2(md.contains("| zo-darts++ | small | −63.6 % | −2.00 |"), qPrintable(md));
    QVERIFY2(md.contains("`zo-darts++_small_s1` (retrain): data: out of memory"), qPrintable(md));
    QVERIFY(md.contains("1 running") && md.contains("1 failed"));

    const QString csv = QString::fromStdString(zd::readFile(study / "study.csv"));
    const auto lines = csv.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 9);
    QVERIFY(lines[0].startsWith("id,method,budget,seed,status"));
    QVERIFY2(lines[1].startsWith("zo-darts++_none_s0,zo-darts++,none,0,done,done,100000,100000,50.0,10.0,0.9000,"),
             qPrintable(lines[1]));
    QVERIFY(lines[1].contains("\"|skip_connect~0|, with a comma\""));
    QVERIFY(lines[4].contains(",running,"));
    for (const char* plot : {"accuracy_vs_params.svg", "search_time.svg"})
      QVERIFY(fs::file_size(study / "plots" / plot) > 1000);
  }

  void chartsDrawEveryPoint() {
    QCOMPARE(zd::niceTicks(0, 97), (std::vector<double>{0, 20, 40, 60, 80, 100}));
    const auto fine = zd::niceTicks(0.81, 0.93, 6);  // steps of 0.02 from 0.80 to 0.94
    QCOMPARE(fine.size(), size_t(8));
    for (size_t i = 0; i < fine.size(); ++i) QVERIFY(std::abs(fine[i] - (0.80 + 0.02 * double(i))) < 1e-12);
    zd::Chart chart;
    chart.title = "t <&>";
    chart.series = {{"zo-darts++", {{1e5, 91, 1e4, 1.4, "none"}, {4e4, 89, 0, 0, "small"}}},
                    {"random", {{8e4, 85, 0, 2, "none"}}}};
    const std::string svg = zd::chartSvg(chart);
    auto count = [&](const std::string& what) {
      size_t n = 0;
      for (auto at = svg.find(what); at != std::string::npos; at = svg.find(what, at + 1)) ++n;
      return n;
    };
    QCOMPARE(count("<circle"), size_t(3));
    QVERIFY(svg.find("t &lt;&amp;&gt;") != std::string::npos);
    QVERIFY(svg.find(">random</text>") != std::string::npos);
    QCOMPARE(count("<svg"), size_t(1));
    QVERIFY(svg.rfind("</svg>") != std::string::npos);
    const fs::path png = dir_ / "chart.png";
    if (zd::writeChartPng(chart, png)) {
      const std::string bytes = zd::readFile(png);
      QVERIFY(bytes.size() > 2000 && bytes.substr(1, 3) == "PNG");
    }
  }
};

QTEST_GUILESS_MAIN(TestStudyReport)
#include "test_study_report.moc"
