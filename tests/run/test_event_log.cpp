#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/run/event_log.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <unistd.h>  // getpid

namespace fs = std::filesystem;

namespace {

void appendRaw(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::app | std::ios::binary) << text;
}

QStringList namesOf(const std::vector<zd::JobEvent>& events) {
  QStringList names;
  for (const auto& e : events) names << QString::fromStdString(zd::eventName(e));
  return names;
}

}  // namespace

class TestEventLog : public QObject {
  Q_OBJECT
 private:
  fs::path dir_;
  fs::path log_;

 private slots:
  void init() {
    dir_ = fs::temp_directory_path() / ("zd_event_log_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    log_ = dir_ / "events.jsonl";
  }
  void cleanup() { fs::remove_all(dir_); }

  void appendsOneLinePerEventSkippingSteps() {
    {
      zd::EventLog log(log_);
      log.onEvent(zd::EpochStarted{0, 1, 1.5, 0.1, 0});
      log.onEvent(zd::StepProgress{0, 1, 10, 2.3});
      log.onEvent(zd::PhaseChanged{20, 2});
      // Flushed at once: the lines are there while the log is still open.
      QCOMPARE(QString::fromStdString(zd::readFile(log_)).count('\n'), 2);
    }
    QCOMPARE(namesOf(zd::readEventLog(log_)), QStringList({"epoch_started", "phase_changed"}));
  }

  void stepsLoggedWhenAsked() {
    {
      zd::EventLog log(log_, /*log_step_progress=*/true);
      log.onEvent(zd::StepProgress{0, 1, 10, 2.3});
    }
    const auto events = zd::readEventLog(log_);
    QCOMPARE(events.size(), std::size_t(1));
    QCOMPARE(std::get<zd::StepProgress>(events[0]).loss, 2.3);
  }

  void resumedRunAppendsToTheSameFile() {
    {
      zd::EventLog log(log_);
      log.onEvent(zd::RunStarted{});
      log.onEvent(zd::CheckpointWritten{4, "checkpoint.pt"});
    }
    {
      zd::EventLog log(log_);
      log.onEvent(zd::RunFinished{zd::Genotype{}, 10, 1.0, false, {}, 0, {}, {}});
    }
    QCOMPARE(namesOf(zd::readEventLog(log_)), QStringList({"run_started", "checkpoint_written", "run_finished"}));
  }

  // Fragments are written as escaped strings, not raw strings: moc misreads a raw
  // string holding an odd number of quotes and then finds no test class at all.
  void truncatedLastLineIgnored_data() {
    QTest::addColumn<QString>("tail");
    QTest::newRow("cut mid-object") << "{\"event\": \"epoch_finished\", \"epoch\": 3, \"tra";
    QTest::newRow("complete JSON, not an event") << "{\"event\": \"phase_changed\"}\n";
    QTest::newRow("binary garbage") << QString::fromLatin1("\x01\x02\xff");
  }
  void truncatedLastLineIgnored() {
    QFETCH(QString, tail);
    {
      zd::EventLog log(log_);
      log.onEvent(zd::PhaseChanged{20, 2});
    }
    appendRaw(log_, tail.toStdString());
    QCOMPARE(namesOf(zd::readEventLog(log_)), QStringList({"phase_changed"}));
  }

  // The fragment a crash left is cut off, so resuming does not bury it mid-file.
  void resumeAfterCrashDropsTheFragment() {
    {
      zd::EventLog log(log_);
      log.onEvent(zd::PhaseChanged{20, 2});
    }
    appendRaw(log_, "{\"event\": \"epoch_fin");
    {
      zd::EventLog log(log_);
      log.onEvent(zd::CheckpointWritten{20, "checkpoint.pt"});
    }
    QCOMPARE(namesOf(zd::readEventLog(log_)), QStringList({"phase_changed", "checkpoint_written"}));
  }

  void resumeAfterCrashOnTheFirstLine() {
    appendRaw(log_, "{\"event\": \"run_st");
    {
      zd::EventLog log(log_);
      log.onEvent(zd::RunStarted{});
    }
    QCOMPARE(namesOf(zd::readEventLog(log_)), QStringList({"run_started"}));
  }

  void damagedMiddleLineIsAnError_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not JSON") << "{\"event\": \"phase_cha"
                              << "not valid JSON";
    QTest::newRow("missing field") << R"({"event": "phase_changed", "epoch": 1})"
                                   << "field 'phase': missing";
  }
  void damagedMiddleLineIsAnError() {
    QFETCH(QString, line);
    QFETCH(QString, reason);
    {
      zd::EventLog log(log_);
      log.onEvent(zd::PhaseChanged{20, 2});
    }
    appendRaw(log_, "\n" + line.toStdString() + "\n");  // line 3, after a blank line 2
    {
      zd::EventLog log(log_);
      log.onEvent(zd::PhaseChanged{21, 2});
    }
    try {
      zd::readEventLog(log_);
      QFAIL("expected DataError");
    } catch (const zd::DataError& e) {
      const QString message = e.what();
      QVERIFY2(message.contains("events.jsonl line 3: "), qPrintable(message));
      QVERIFY2(message.contains(reason), qPrintable(message));
    }
  }

  void missingFileIsAnIoError() { QVERIFY_THROWS_EXCEPTION(zd::IoError, zd::readEventLog(dir_ / "none.jsonl")); }

  void unwritableFolderIsAnIoError() {
    QVERIFY_THROWS_EXCEPTION(zd::IoError, zd::EventLog(dir_ / "no" / "such" / "events.jsonl"));
  }
};

QTEST_GUILESS_MAIN(TestEventLog)
#include "test_event_log.moc"
