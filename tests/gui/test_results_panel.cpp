// The Results page with the real main window, worker and engine: the retrain dialog
// validates every §7 setting; a retraining started from it runs on the worker, its
// curves follow the events, it is evaluated on the test split and the page shows
// exactly metrics.json (accuracy, AUC, per-class table, confusion matrix); cancel
// keeps a checkpoint that "Continue retraining" finishes; the export writes an ONNX
// file verified against the network; an unwritable target is an error, not a crash;
// reopening the run shows the same page from its files; closing the window during a
// retraining cancels it cleanly. On hand-written run folders: the page shows the band,
// the derived size and how it was derived, the paper's argmax and the changes (and
// older runs without them); the retrain dialog keeps the search's width and shows
// the size a changed width gives against the band.
#include "core/nas/genotype.h"
#include "core/nas/param_count.h"
#include "core/run/event_log.h"
#include "core/run/run_directory.h"
#include "core/train/metrics.h"
#include "core/train/train_options.h"
#include "tests/gui/tiny_data.h"
#include "ui/dashboard/count_format.h"
#include "ui/dashboard/run_model.h"
#include "ui/main/main_window.h"
#include "ui/results/confusion_matrix_view.h"
#include "ui/results/results_panel.h"
#include "ui/results/retrain_curves_plot.h"
#include "ui/results/retrain_dialog.h"
#include "ui/results/search_outcome.h"
#include "ui/wizard/config_fields.h"
#include "ui/worker/job_worker.h"

#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include <QtTest>
#include <QtWidgets>

#include <fstream>
#include <set>

namespace {

void type(RetrainDialog* dialog, const std::string& key, const QString& value) {
  auto* edit = qobject_cast<QLineEdit*>(dialog->fields()->editor(key));
  QVERIFY2(edit, key.c_str());
  edit->selectAll();
  QTest::keyClicks(edit, value);
}

// Leaf keys of a JSON object, dotted.
void leafKeys(const nlohmann::json& j, const std::string& prefix, std::set<std::string>& out) {
  for (const auto& [name, value] : j.items()) {
    const std::string key = prefix + name;
    if (value.is_object()) leafKeys(value, key + ".", out);
    else out.insert(key);
  }
}

// A short retraining: 2 epochs, C=4, one thread.
void makeShort(RetrainDialog* dialog, int epochs) {
  type(dialog, "train.epochs", QString::number(epochs));
  type(dialog, "train.channels", QStringLiteral("4"));
  type(dialog, "train.batch", QStringLiteral("32"));
  type(dialog, "train.warmup_epochs", QStringLiteral("0"));
  type(dialog, "train.augment.resize", QStringLiteral("0"));
  type(dialog, "threads", QStringLiteral("1"));
}

// A searched run's folder written by hand as runSearch leaves it: config.json
// (C = 8, N = 2, a custom band around the derived size), events.jsonl and
// genotype.json. Without `derivation`, as versions before the in-band derivation
// wrote them (no derivation, argmax or changes).
struct HandRun {
  zd::Genotype derived, argmax;
  int64_t derivedParams = 0, argmaxParams = 0;
  double lo = 0, hi = 0;
  std::vector<std::string> changes;
};
constexpr int64_t kHandChannels = 8;

HandRun writeHandRun(const QString& dir, const QString& data, bool derivation) {
  HandRun r;
  r.derived.stages.resize(zd::kStages);
  for (auto& stage : r.derived.stages)
    for (auto& edge : stage.edges) edge = zd::EdgeChoice{zd::Op::Skip, 7};
  r.derived.stages[0].edges[0] = zd::EdgeChoice{zd::Op::KernelConv, 3};
  r.argmax = r.derived;  // the argmax adds a 7×7 conv in stage 3, twice: far above the band
  r.argmax.stages[2].edges[3] = zd::EdgeChoice{zd::Op::KernelConv, 7};
  r.argmax.stages[2].depth = 2;
  r.derivedParams = zd::exactParams(r.derived, /*in_channels=*/1, kHandChannels, /*classes=*/2);
  r.argmaxParams = zd::exactParams(r.argmax, 1, kHandChannels, 2);
  r.lo = static_cast<double>(r.derivedParams) - 2000;
  r.hi = static_cast<double>(r.derivedParams) + 2000;
  r.changes = zd::describeChanges(r.argmax, r.derived);

  const auto run = zd::RunDirectory::create(dir.toStdString());
  zd::RunConfig config;
  config.data.path = data.toStdString();
  config.out = dir.toStdString();
  config.search.network.channels = static_cast<int>(kHandChannels);
  config.search.network.cells = 2;
  config.search.budget.preset = zd::BudgetPreset::Custom;
  config.search.budget.min_params = r.lo;
  config.search.budget.max_params = r.hi;
  run.writeConfig(config);
  zd::RunStarted started;
  started.device = "cpu";
  started.classes = 2;
  started.channels = 1;
  started.epochs = 1;
  started.min_params = r.lo;
  started.max_params = r.hi;
  zd::RunFinished finished{r.derived, r.derivedParams, 1.0, false, {}, 0, {}, {}};
  nlohmann::json j = r.derived.toJson();
  j["string"] = r.derived.toString();
  j["params"] = r.derivedParams;
  if (derivation) {
    finished.argmax_genotype = r.argmax;
    finished.argmax_params = r.argmaxParams;
    finished.derivation = "in-band";
    finished.changes = r.changes;
    j["derivation"] = "in-band";
    j["argmax"] = {{"string", r.argmax.toString()}, {"params", r.argmaxParams}, {"genotype", r.argmax.toJson()}};
    j["changes"] = r.changes;
  }
  j["channels"] = kHandChannels;
  j["in_channels"] = 1;
  j["classes"] = {"dark", "bright"};
  j["budget"] = {{"min", r.lo}, {"max", r.hi}, {"active", true}};
  run.writeJson("genotype.json", j);
  zd::EventLog log(run.eventsPath());
  log.onEvent(started);
  log.onEvent(finished);
  return r;
}

QString channelsShown(RetrainDialog* dialog) {
  return qobject_cast<QLineEdit*>(dialog->fields()->editor("train.channels"))->text();
}

zd::ClassificationMetrics readMetricsFile(const QString& file) {
  std::ifstream in(file.toStdString());
  return zd::metricsFromJson(nlohmann::json::parse(in));
}

}  // namespace

class TestResultsPanel : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString data_;
  QString run_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    data_ = writeTinyNpz(dir_.path(), /*train=*/128);
    run_ = dir_.filePath(QStringLiteral("run"));
    MainWindow window;
    QSignalSpy finished(window.worker(), &JobWorker::finished);
    QVERIFY(window.startSearch(tinySearchConfig(data_, run_, 2)));
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.at(0).at(1).toBool(), false);
    // Before any retraining: Retrain is offered, evaluation and export are not.
    ResultsPanel* results = window.results();
    QCOMPARE(results->runDirectory(), run_);
    QVERIFY(results->retrainButton()->isEnabled());
    QVERIFY(!results->exportButton()->isEnabled());
    QVERIFY(!results->hasMetrics());
  }

  void retrainDialogHoldsEverySettingAndValidates() {
    MainWindow window;
    QVERIFY(window.openRun(run_));
    RetrainDialog* dialog = window.results()->openRetrainDialog();
    QVERIFY(dialog);
    // Every retraining setting of the engine has a field (none forgotten).
    std::set<std::string> expected;
    leafKeys(zd::toJson(zd::TrainOptions{}), "train.", expected);
    const auto shownKeys = dialog->fields()->keys();
    const std::set<std::string> shown(shownKeys.begin(), shownKeys.end());
    for (const auto& key : expected) QVERIFY2(shown.count(key), key.c_str());
    // The paper's defaults are shown, at the search's width (tinySearchConfig: C = 4), and valid.
    QCOMPARE(qobject_cast<QLineEdit*>(dialog->fields()->editor("train.epochs"))->text(), QStringLiteral("300"));
    QCOMPARE(channelsShown(dialog), QStringLiteral("4"));
    QVERIFY(dialog->problem().isEmpty());
    QVERIFY(dialog->okButton()->isEnabled());
    // Invalid values are named by their label, and block the dialog.
    type(dialog, "train.epochs", QStringLiteral("0"));
    QVERIFY2(dialog->problem().contains(QStringLiteral("Epochs")), qPrintable(dialog->problem()));
    QVERIFY(!dialog->okButton()->isEnabled());
    type(dialog, "train.epochs", QStringLiteral("20"));
    QVERIFY(dialog->problem().isEmpty());
    type(dialog, "train.lr", QStringLiteral("fast"));
    QVERIFY2(dialog->problem().contains(QStringLiteral("Learning rate")), qPrintable(dialog->problem()));
    type(dialog, "train.lr", QStringLiteral("0.05"));
    type(dialog, "train.cutmix_prob", QStringLiteral("1.5"));
    QVERIFY2(dialog->problem().contains(QStringLiteral("CutMix share")), qPrintable(dialog->problem()));
    type(dialog, "train.cutmix_prob", QStringLiteral("0.25"));
    QVERIFY(dialog->problem().isEmpty());
    QCOMPARE(dialog->config().train.epochs, 20);
    QCOMPARE(dialog->config().train.lr, 0.05);
    QCOMPARE(dialog->config().train.cutmix_prob, 0.25);
    dialog->reject();
  }

  // The page states the band, the derived size and how it was derived, the
  // paper's argmax and what the derivation changed.
  void searchResultShowsTheBandAndBothSizes() {
    const QString dir = dir_.filePath(QStringLiteral("hand-in-band"));
    const HandRun r = writeHandRun(dir, data_, /*derivation=*/true);
    RunModel model;
    QVERIFY(model.replay(dir));
    ResultsPanel panel(&model);
    panel.showRun(dir);
    const QString text = panel.summaryText();
    const QString band = bandRange(r.lo, r.hi);
    QVERIFY2(text.contains(QStringLiteral("Budget band</b> %1 parameters").arg(band)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Derived in the band</b> %1: %2 parameters at the search's width C = 8")
                               .arg(band, formatCount(static_cast<double>(r.derivedParams)))),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("the paper's argmax: %1, outside the band")
                               .arg(formatCount(static_cast<double>(r.argmaxParams)))),
             qPrintable(text));
    QVERIFY(!r.changes.empty());
    for (const auto& change : r.changes)
      QVERIFY2(text.contains(QString::fromStdString(change).toHtmlEscaped()), qPrintable(text));
    QCOMPARE(panel.searchOutcome().argmaxParams, static_cast<double>(r.argmaxParams));
  }

  // A run from before the in-band derivation: its size against the band, no claims about an argmax.
  void olderRunShowsItsSizeWithoutADerivation() {
    const QString dir = dir_.filePath(QStringLiteral("hand-older"));
    const HandRun r = writeHandRun(dir, data_, /*derivation=*/false);
    RunModel model;
    QVERIFY(model.replay(dir));
    ResultsPanel panel(&model);
    panel.showRun(dir);
    const QString text = panel.summaryText();
    QVERIFY2(text.contains(QStringLiteral("Derived architecture</b>: %1 parameters at the search's width C = 8, "
                                          "inside the band")
                               .arg(formatCount(static_cast<double>(r.derivedParams)))),
             qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("argmax")), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("changed")), qPrintable(text));
  }

  // Retraining keeps the search's width; another width shows its size against the band first.
  void retrainDialogKeepsTheSearchWidth() {
    const QString dir = dir_.filePath(QStringLiteral("hand-retrain"));
    const HandRun r = writeHandRun(dir, data_, /*derivation=*/true);
    RunModel model;
    QVERIFY(model.replay(dir));
    ResultsPanel panel(&model);
    panel.showRun(dir);
    RetrainDialog* dialog = panel.openRetrainDialog();
    QVERIFY(dialog);
    QCOMPARE(channelsShown(dialog), QStringLiteral("8"));
    QCOMPARE(dialog->config().train.channels, 8);
    const QString atSearch = formatCount(static_cast<double>(r.derivedParams));
    QVERIFY2(dialog->sizeText().contains(
                 QStringLiteral("C = 8: %1 parameters, the search's width, inside the band").arg(atSearch)),
             qPrintable(dialog->sizeText()));
    QVERIFY(!dialog->outsideBand());

    type(dialog, "train.channels", QStringLiteral("16"));
    const int64_t wide = zd::exactParams(r.derived, 1, 16, 2);
    QVERIFY(dialog->outsideBand());
    const QString expected = QStringLiteral(
                                 "C = 16: %1 parameters, outside the band %2 (at the search's width C = 8: %3)")
                                 .arg(formatCount(static_cast<double>(wide)), bandRange(r.lo, r.hi), atSearch);
    QVERIFY2(dialog->sizeText().contains(expected), qPrintable(dialog->sizeText()));
    QCOMPARE(dialog->config().train.channels, 16);

    // Restore defaults is the paper's protocol at the search's width.
    auto* buttons = dialog->findChild<QDialogButtonBox*>();
    QVERIFY(buttons);
    buttons->button(QDialogButtonBox::RestoreDefaults)->click();
    QCOMPARE(channelsShown(dialog), QStringLiteral("8"));
    QVERIFY(!dialog->outsideBand());
    dialog->reject();
  }

  void retrainThenEvaluateShowsMetricsJson() {
    MainWindow window;
    window.show();
    QVERIFY(window.openRun(run_));
    ResultsPanel* results = window.results();
    QSignalSpy trained(window.worker(), &JobWorker::trainingFinished);
    QSignalSpy evaluated(results, &ResultsPanel::evaluationFinished);
    RetrainDialog* dialog = results->openRetrainDialog();
    QVERIFY(dialog);
    makeShort(dialog, 2);
    QVERIFY2(dialog->problem().isEmpty(), qPrintable(dialog->problem()));
    dialog->okButton()->click();
    QVERIFY(window.worker()->isRunning());
    QCOMPARE(window.worker()->job(), JobWorker::Job::Training);
    QVERIFY(!results->retrainButton()->isEnabled());  // one job at a time
    QVERIFY(results->cancelButton()->isVisible());
    QVERIFY(trained.wait(120000));
    QCOMPARE(trained.at(0).at(1).toBool(), false);  // not cancelled
    QCOMPARE(trained.at(0).at(2).toBool(), false);  // not failed
    QVERIFY(evaluated.count() == 1 || evaluated.wait(60000));
    QCOMPARE(evaluated.at(0).at(0).toBool(), true);

    // The curves follow the two epochs; the progress is full.
    window.model()->flush();
    QCOMPARE(results->curvesPlot()->plot()->graph(0)->dataCount(), 2);
    QCOMPARE(results->curvesPlot()->plot()->graph(3)->dataCount(), 2);
    QCOMPARE(results->progressBar()->value(), results->progressBar()->maximum());
    QVERIFY(!results->cancelButton()->isVisible());

    // The page shows exactly what metrics.json holds.
    const zd::ClassificationMetrics m = readMetricsFile(QDir(run_).filePath(QStringLiteral("metrics.json")));
    QVERIFY(results->hasMetrics());
    QCOMPARE(results->metrics().samples, int64_t{32});
    QCOMPARE(results->metrics().accuracy, m.accuracy);
    QCOMPARE(results->metrics().auc, m.auc);
    std::ifstream metricsFile(QDir(run_).filePath(QStringLiteral("metrics.json")).toStdString());
    const auto classes = nlohmann::json::parse(metricsFile).at("classes").get<std::vector<std::string>>();
    QCOMPARE(results->metrics().classNames.size(), 2);
    QCOMPARE(results->metrics().classNames.at(1).toStdString(), classes.at(1));
    const auto& shown = results->confusionView()->counts();
    QCOMPARE(shown.size(), 2);
    qint64 total = 0, diagonal = 0;
    for (int r = 0; r < 2; ++r) {
      for (int c = 0; c < 2; ++c) {
        QCOMPARE(shown[r][c], m.confusion[r][c]);
        total += shown[r][c];
        diagonal += r == c ? shown[r][c] : 0;
        QVERIFY(!results->confusionView()->cellRect(r, c).isEmpty());
      }
      const double rowTotal = static_cast<double>(shown[r][0] + shown[r][1]);
      if (rowTotal > 0) QCOMPARE(results->confusionView()->rowShare(r, r), shown[r][r] / rowTotal);
    }
    QCOMPARE(total, qint64{32});
    QCOMPARE(static_cast<double>(diagonal) / total, m.accuracy);  // accuracy is the diagonal's share
    QCOMPARE(results->perClassTable()->rowCount(), 2);
    QCOMPARE(results->perClassTable()->item(1, 0)->text().toStdString(), classes.at(1));
    QCOMPARE(results->perClassTable()->item(0, 1)->text(), QString::number(shown[0][0] + shown[0][1]));
    QVERIFY(results->exportButton()->isEnabled());
  }

  void exportWritesAVerifiedModel() {
    MainWindow window;
    QVERIFY(window.openRun(run_));
    ResultsPanel* results = window.results();
    QVERIFY(results->exportButton()->isEnabled());
    QSignalSpy exported(results, &ResultsPanel::exportFinished);
    const QString file = dir_.filePath(QStringLiteral("exported.onnx"));
    results->exportTo(file);
    QVERIFY(exported.wait(60000));
    QCOMPARE(exported.at(0).at(0).toBool(), true);
    QVERIFY(QFileInfo::exists(file));
    QVERIFY2(results->exportResult().contains(QStringLiteral("OK")), qPrintable(results->exportResult()));
    QVERIFY2(results->exportResult().contains(QStringLiteral("32 image(s)")), qPrintable(results->exportResult()));

    // A folder that does not exist: an error dialog, no file, no crash.
    QSignalSpy errors(results, &ResultsPanel::errorOccurred);
    const QString bad = dir_.filePath(QStringLiteral("no/such/folder/model.onnx"));
    results->exportTo(bad);
    QVERIFY(exported.wait(60000));
    QCOMPARE(exported.at(1).at(0).toBool(), false);
    QCOMPARE(errors.count(), 1);
    QVERIFY(!QFileInfo::exists(bad));
    QVERIFY(window.findChild<QMessageBox*>(QStringLiteral("errorDialog")));
  }

  void cancelledRetrainingContinues() {
    MainWindow window;
    QVERIFY(window.openRun(run_));
    ResultsPanel* results = window.results();
    QSignalSpy trained(window.worker(), &JobWorker::trainingFinished);
    QSignalSpy evaluated(results, &ResultsPanel::evaluationFinished);
    // The run was retrained before: starting over asks first, then archives that training.
    int asked = 0;
    results->setReplaceConfirmation([&asked]() { return ++asked > 0; });
    const QString firstModel = QDir(run_).filePath(QStringLiteral("model.pt"));
    QVERIFY(QFileInfo::exists(firstModel));
    RetrainDialog* dialog = results->openRetrainDialog();
    QVERIFY(dialog);
    // Long enough (tiny epochs take milliseconds) for the cancel to land mid-run.
    makeShort(dialog, 40);
    dialog->okButton()->click();
    // Cancel once the first epoch is done.
    bool cancelled = false;
    connect(window.worker(), &JobWorker::event, &window, [&](const zd::JobEvent& e) {
      if (std::holds_alternative<zd::TrainEpochFinished>(e) && !cancelled) {
        cancelled = true;
        results->cancelButton()->click();
      }
    });
    QVERIFY(trained.wait(120000));
    QCOMPARE(asked, 1);
    QCOMPARE(QDir(QDir(run_).filePath(QStringLiteral("retrain-archive")))
                 .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                 .size(),
             1);
    QVERIFY(cancelled);
    QVERIFY2(
        trained.at(0).at(1).toBool(),
        qPrintable(QStringLiteral("not cancelled; epochs done: %1").arg(window.model()->data().retrainEpoch.size())));
    window.model()->flush();
    QVERIFY(window.model()->data().retrainCancelled);
    QVERIFY(!results->continueButton()->isHidden());
    QVERIFY(results->continueButton()->isEnabled());
    QVERIFY(results->findChild<QLabel*>(QStringLiteral("retrainStatus"))->text().contains(QStringLiteral("cancelled")));

    results->continueButton()->click();
    QVERIFY(window.worker()->isRunning());
    QVERIFY(trained.wait(120000));
    QCOMPARE(trained.at(1).at(1).toBool(), false);
    window.model()->flush();
    QCOMPARE(window.model()->data().retrainEpoch.size(), 40);  // epochs 0..39, none twice
    QVERIFY(results->continueButton()->isHidden());
    // The finished retraining is evaluated (not the cancelled one).
    QVERIFY(evaluated.wait(60000));
    QCOMPARE(evaluated.count(), 1);
    QVERIFY(results->hasMetrics());
  }

  void reopenedRunShowsTheSamePage() {
    MainWindow first;
    QVERIFY(first.openRun(run_));
    MainWindow second;
    QVERIFY(second.openRun(run_));
    ResultsPanel* a = first.results();
    ResultsPanel* b = second.results();
    QVERIFY(b->hasMetrics());
    QCOMPARE(b->metrics().accuracy, a->metrics().accuracy);
    QCOMPARE(b->confusionView()->counts(), a->confusionView()->counts());
    QCOMPARE(b->curvesPlot()->plot()->graph(0)->dataCount(), a->curvesPlot()->plot()->graph(0)->dataCount());
    QVERIFY(b->retrainButton()->isEnabled());
    QVERIFY(b->exportButton()->isEnabled());
  }

  // Closing the window during a retraining asks, cancels it (checkpoint written), then closes.
  void closingDuringRetrainingCancelsIt() {
    auto* window = new MainWindow;
    window->setAttribute(Qt::WA_DeleteOnClose, false);
    window->show();
    QVERIFY(window->openRun(run_));
    ResultsPanel* results = window->results();
    results->setReplaceConfirmation([]() { return true; });
    int asked = 0;
    window->setStopConfirmation([&asked]() { return ++asked > 0; });
    QSignalSpy trained(window->worker(), &JobWorker::trainingFinished);
    RetrainDialog* dialog = results->openRetrainDialog();
    QVERIFY(dialog);
    makeShort(dialog, 500);
    dialog->okButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(!window->model()->data().retrainEpoch.isEmpty(), 60000);
    QVERIFY(!window->close());  // not yet: the retraining stops first
    QCOMPARE(asked, 1);
    QVERIFY(trained.wait(60000));
    QCOMPARE(trained.at(0).at(1).toBool(), true);  // cancelled
    QTRY_VERIFY(!window->isVisible());
    QVERIFY(QFileInfo::exists(QDir(run_).filePath(QStringLiteral("train_checkpoint.pt"))));
    QVERIFY(!QFileInfo::exists(QDir(run_).filePath(QStringLiteral("model.pt"))));  // archived, not replaced
    delete window;
  }
};

QTEST_MAIN(TestResultsPanel)
#include "test_results_panel.moc"
