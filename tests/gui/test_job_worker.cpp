// JobWorker: a tiny search run through the worker delivers every engine event to
// the GUI thread, in the engine's order; cancel keeps a checkpoint that resume
// continues from; engine errors arrive as failed(); pause holds the search.
#include "core/run/run_directory.h"
#include "tests/common/event_recorder.h"
#include "tests/gui/tiny_data.h"
#include "ui/worker/job_worker.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <vector>

namespace {

// Records events as the GUI thread receives them, and the thread they arrive on.
struct Recorder : EventRecorder {
  bool offGuiThread = false;
  void attach(JobWorker& worker) {
    QObject::connect(&worker, &JobWorker::event, &worker, [this](const zd::JobEvent& e) {
      if (QThread::currentThread() != qApp->thread()) offGuiThread = true;
      onEvent(e);
    });
  }
};

}  // namespace

class TestJobWorker : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString data_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    data_ = writeTinyNpz(dir_.path());
  }

  void eventsArriveOnTheGuiThreadInOrder() {
    JobWorker worker;
    Recorder rec;
    rec.attach(worker);
    QSignalSpy finished(&worker, &JobWorker::finished);
    QSignalSpy failed(&worker, &JobWorker::failed);
    QVERIFY(worker.start(tinySearchConfig(data_, dir_.filePath("run-order"), 2), false));
    QVERIFY(worker.isRunning());
    QVERIFY(!worker.start(tinySearchConfig(data_, dir_.filePath("run-other"), 2), false));  // one at a time
    QVERIFY(finished.wait(60000));
    QCOMPARE(failed.count(), 0);
    QVERIFY(!worker.isRunning());
    QCOMPARE(finished.at(0).at(1).toBool(), false);
    QVERIFY(!rec.offGuiThread);

    // The stream as the engine emits it: run_started first, run_finished last,
    // epochs started and finished in order 0, 1, steps 1..n inside each epoch.
    QVERIFY(rec.events.size() > 4);
    QVERIFY(std::holds_alternative<zd::RunStarted>(rec.events.front()));
    QVERIFY(std::holds_alternative<zd::RunFinished>(rec.events.back()));
    const auto started = rec.all<zd::EpochStarted>();
    const auto ended = rec.all<zd::EpochFinished>();
    QCOMPARE(static_cast<int>(started.size()), 2);
    QCOMPARE(static_cast<int>(ended.size()), 2);
    QCOMPARE(started[0].epoch, 0);
    QCOMPARE(started[1].epoch, 1);
    QCOMPARE(ended[1].phase, 2);  // switch_epoch = 1
    const auto& run = std::get<zd::RunStarted>(rec.events.front());
    QCOMPARE(run.weight_images + run.arch_images, int64_t{128});  // train + val, halved
    const int stepsPerEpoch = run.steps_per_epoch;
    QVERIFY(stepsPerEpoch >= 1);
    int epoch = -1, step = 0;
    for (const auto& e : rec.events) {
      if (const auto* s = std::get_if<zd::EpochStarted>(&e)) {
        QCOMPARE(s->epoch, epoch + 1);
        epoch = s->epoch;
        step = 0;
      } else if (const auto* p = std::get_if<zd::StepProgress>(&e)) {
        QCOMPARE(p->epoch, epoch);
        QCOMPARE(p->step, step + 1);
        step = p->step;
      } else if (const auto* f = std::get_if<zd::EpochFinished>(&e)) {
        QCOMPARE(f->epoch, epoch);
        QCOMPARE(step, stepsPerEpoch);
      }
    }
    // Architecture updates are counted over the run: one per R = 2 steps.
    const auto updates = rec.all<zd::ArchitectureUpdated>();
    QCOMPARE(static_cast<int>(updates.size()), 2 * stepsPerEpoch / 2);
    for (std::size_t i = 0; i < updates.size(); ++i) QCOMPARE(updates[i].update, static_cast<int64_t>(i + 1));
    QVERIFY(zd::RunDirectory::isRunDirectory(dir_.filePath("run-order").toStdString()));
  }

  void cancelKeepsACheckpointAndResumeContinues() {
    const QString run = dir_.filePath("run-cancel");
    // Enough epochs that the cancel always lands before the end.
    constexpr int kEpochs = 30;
    auto cancelAfterFirstEpoch = [](JobWorker& worker) {
      connect(&worker, &JobWorker::event, &worker, [&worker](const zd::JobEvent& e) {
        if (std::holds_alternative<zd::EpochFinished>(e)) worker.cancel();
      });
    };
    JobWorker worker;
    Recorder rec;
    rec.attach(worker);
    cancelAfterFirstEpoch(worker);
    QSignalSpy finished(&worker, &JobWorker::finished);
    QVERIFY(worker.start(tinySearchConfig(data_, run, kEpochs), false));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(1).toBool(), true);
    const auto first = rec.all<zd::EpochFinished>();
    QVERIFY(!first.empty() && first.size() < std::size_t{kEpochs});
    QVERIFY(QFileInfo::exists(QDir(run).filePath("checkpoint.pt")));
    QVERIFY(std::get<zd::RunFinished>(rec.events.back()).cancelled);

    // Resumed, the run goes on with the next epoch: none repeated, none skipped.
    JobWorker again;
    Recorder rec2;
    rec2.attach(again);
    cancelAfterFirstEpoch(again);
    QSignalSpy finished2(&again, &JobWorker::finished);
    QVERIFY(again.resumeRun(run));
    QVERIFY(finished2.wait(60000));
    const auto& restarted = std::get<zd::RunStarted>(rec2.events.front());
    QCOMPARE(restarted.start_epoch, first.back().epoch + 1);
    const auto rest = rec2.all<zd::EpochFinished>();
    QVERIFY(!rest.empty());
    for (std::size_t i = 0; i < rest.size(); ++i) QCOMPARE(rest[i].epoch, restarted.start_epoch + static_cast<int>(i));
    QCOMPARE(rec2.all<zd::EpochStarted>().front().epoch, restarted.start_epoch);
  }

  void pauseHoldsTheSearchUntilResumed() {
    JobWorker worker;
    Recorder rec;
    rec.attach(worker);
    QSignalSpy paused(&worker, &JobWorker::pausedChanged);
    QSignalSpy finished(&worker, &JobWorker::finished);
    QVERIFY(worker.start(tinySearchConfig(data_, dir_.filePath("run-pause"), 2), false));
    worker.pause();  // the loop checks before every step, so none may run
    QVERIFY(worker.isPaused());
    QTest::qWait(1500);
    QCOMPARE(rec.all<zd::StepProgress>().size(), std::size_t{0});
    QVERIFY(worker.isRunning());
    QCOMPARE(finished.count(), 0);
    worker.resume();
    QVERIFY(finished.wait(60000));
    QCOMPARE(paused.count(), 2);  // paused, resumed
    QCOMPARE(rec.all<zd::EpochFinished>().size(), std::size_t{2});
    QVERIFY(!rec.all<zd::StepProgress>().empty());
  }

  void engineErrorsArriveAsFailed_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing data") << QStringLiteral("nope.npz") << QStringLiteral("no such file");
    QTest::newRow("not a data set") << QStringLiteral("notes.txt") << QStringLiteral("unsupported kind");
  }
  void engineErrorsArriveAsFailed() {
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const QString path = dir_.filePath(file);
    if (file.endsWith(QLatin1String(".txt"))) {
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("hello");
    }
    JobWorker worker;
    QSignalSpy failed(&worker, &JobWorker::failed);
    QSignalSpy finished(&worker, &JobWorker::finished);
    QVERIFY(worker.start(tinySearchConfig(path, dir_.filePath("run-fail-" + file), 1), false));
    QVERIFY(finished.wait(30000));
    QCOMPARE(failed.count(), 1);
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(path) && message.contains(expected), qPrintable(message));
  }

  void resumingSomethingThatIsNotARunFails() {
    JobWorker worker;
    QSignalSpy failed(&worker, &JobWorker::failed);
    QVERIFY(!worker.resumeRun(dir_.filePath("no-such-run")));
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("no-such-run")));
  }
};

QTEST_MAIN(TestJobWorker)
#include "test_job_worker.moc"
