// The main window with the real worker, model, dashboard and cell viewer: a tiny
// search never blocks the GUI thread for more than 200 ms and its events reach the
// plots' data; closing during a run asks, then cancels cleanly (checkpoint kept) and
// the run can be resumed; engine errors become dialogs; an earlier run replays.
#include "core/run/run_directory.h"
#include "tests/gui/tiny_data.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/dashboard/run_model.h"
#include "ui/main/main_window.h"
#include "ui/results/results_panel.h"
#include "ui/worker/job_worker.h"

#include <QtTest>
#include <QtWidgets>

namespace {

// The longest gap between ticks of a fast GUI-thread timer: how long the event loop
// was ever kept from running.
class Heartbeat : public QObject {
 public:
  explicit Heartbeat(int intervalMs) {
    connect(&timer_, &QTimer::timeout, this, [this]() {
      if (clock_.isValid()) longest_ = std::max(longest_, clock_.restart());
      else clock_.start();
    });
    timer_.start(intervalMs);
  }
  qint64 longestGapMs() const { return longest_; }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 longest_ = 0;
};

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString data_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    data_ = writeTinyNpz(dir_.path(), /*train=*/224);
  }

  void guiThreadNeverBlocksAndPlotsFollowTheEvents() {
    MainWindow window;
    window.show();
    QCOMPARE(window.windowTitle(), QStringLiteral("ZO-DARTS++ Studio"));
    std::vector<zd::EpochFinished> epochs;
    connect(window.worker(), &JobWorker::event, &window, [&epochs](const zd::JobEvent& e) {
      if (const auto* f = std::get_if<zd::EpochFinished>(&e)) epochs.push_back(*f);
    });
    QSignalSpy finished(window.worker(), &JobWorker::finished);
    // The window's first layout and paint are not the search's doing: let them pass.
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(200);
    Heartbeat heartbeat(/*intervalMs=*/10);
    QVERIFY(window.startSearch(tinySearchConfig(data_, dir_.filePath("run-live"), 3)));
    QVERIFY(finished.wait(90000));
    QVERIFY2(heartbeat.longestGapMs() < 200, qPrintable(QString::number(heartbeat.longestGapMs()) + " ms"));

    // The plot data are the events' values, epoch by epoch.
    QTRY_COMPARE(window.model()->data().epoch.size(), 3);
    const RunPlotData& d = window.model()->data();
    QCOMPARE(static_cast<int>(epochs.size()), 3);
    for (int i = 0; i < 3; ++i) {
      QCOMPARE(d.epoch[i], static_cast<double>(epochs[i].epoch));
      QCOMPARE(d.archAccuracy[i], epochs[i].arch_accuracy);
      QCOMPARE(d.derivedParams[i], static_cast<double>(epochs[i].derived_params));
    }
    QCOMPARE(d.state, RunState::Finished);
    QVERIFY(d.genotype == epochs.back().genotype);
    QVERIFY(!window.resumeAction()->isEnabled());  // nothing to resume
  }

  void closingDuringARunAsksThenCancelsCleanly() {
    const QString run = dir_.filePath("run-close");
    auto* window = new MainWindow;
    window->setAttribute(Qt::WA_DeleteOnClose, false);
    window->show();
    int asked = 0;
    bool answer = false;
    window->setStopConfirmation([&]() {
      ++asked;
      return answer;
    });
    QSignalSpy finished(window->worker(), &JobWorker::finished);
    QVERIFY(window->startSearch(tinySearchConfig(data_, run, 30)));
    QTRY_VERIFY_WITH_TIMEOUT(window->model()->data().epoch.size() >= 1, 60000);

    // "No": the window and the search go on.
    QVERIFY(!window->close());
    QCOMPARE(asked, 1);
    QVERIFY(window->isVisible());
    QVERIFY(window->worker()->isRunning());

    // "Yes": the search is cancelled, writes its checkpoint, then the window closes.
    answer = true;
    window->close();
    QCOMPARE(asked, 2);
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(1).toBool(), true);
    QTRY_VERIFY(!window->isVisible());
    QVERIFY(QFileInfo::exists(QDir(run).filePath("checkpoint.pt")));
    delete window;

    // The cancelled run opens as resumable and resumes where it stopped.
    MainWindow again;
    again.show();
    QVERIFY(again.openRun(run));
    QCOMPARE(again.model()->data().state, RunState::Cancelled);
    QVERIFY(again.resumeAction()->isEnabled());
    const int done = again.model()->data().epoch.size();
    QSignalSpy resumed(again.worker(), &JobWorker::event);
    QVERIFY(again.resumeRun(run));
    QTRY_VERIFY_WITH_TIMEOUT(!resumed.isEmpty(), 30000);
    const auto started = qvariant_cast<zd::JobEvent>(resumed.at(0).at(0));
    QCOMPARE(std::get<zd::RunStarted>(started).start_epoch, done);
    again.worker()->cancel();
    QVERIFY(again.worker()->wait(60000));
  }

  void engineErrorsBecomeDialogs() {
    MainWindow window;
    window.show();
    const QString missing = dir_.filePath("missing.npz");
    QSignalSpy finished(window.worker(), &JobWorker::finished);
    QVERIFY(window.startSearch(tinySearchConfig(missing, dir_.filePath("run-error"), 1)));
    QVERIFY(finished.wait(30000));
    QMessageBox* box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox*>(QStringLiteral("errorDialog"))) != nullptr);
    QVERIFY2(box->text().contains(missing), qPrintable(box->text()));
    QVERIFY(box->isVisible());
    box->accept();
  }

  void openingSomethingElseExplainsWhy() {
    MainWindow window;
    window.show();
    QVERIFY(!window.openRun(dir_.filePath("not-a-run")));
    QMessageBox* box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox*>(QStringLiteral("errorDialog"))) != nullptr);
    QVERIFY2(box->text().contains(QStringLiteral("not-a-run")), qPrintable(box->text()));
  }

  void openedRunReplaysTheLivePlots() {
    const QString run = dir_.filePath("run-live");  // written by the first test
    if (!QFileInfo::exists(QDir(run).filePath("events.jsonl"))) QSKIP("needs the first test's run");
    MainWindow window;
    window.show();
    QVERIFY(window.openRun(run));
    const RunPlotData& d = window.model()->data();
    QCOMPARE(d.epoch.size(), 3);
    QCOMPARE(d.state, RunState::Finished);
    QVERIFY(!window.resumeAction()->isEnabled());
    QVERIFY(window.windowTitle().endsWith(QStringLiteral("run-live")));
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
