// `zodarts study` as a user runs it, on a tiny data set (C=4, N=1, 240 images, a few
// epochs each): 2 methods × 2 seeds, plus a budget no architecture reaches, whose
// cells must fail with their reason without stopping the others. The study is
// killed (SIGKILL to the whole process group) once a search has checkpointed,
// resumed with --resume, and must end with every reachable cell done, the killed
// search continued from its checkpoint, and the CSV, report and plots written.
#include "core/common/atomic_file.h"
#include "core/data/npz_writer.h"
#include "core/run/event_log.h"
#include "tests/common/bar_images.h"

#include <torch/torch.h>

#include <QtTest>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace fs = std::filesystem;

namespace {

// `zodarts study ARGS` in a process group of its own; returns its pid (= group id).
pid_t startStudy(const std::vector<std::string>& args, const fs::path& output) {
  std::vector<std::string> all = {ZODARTS_CLI, "study"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, ZODARTS_CLI, &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return rc == 0 ? pid : -1;
}

// Waits for `pid` to exit; returns its exit status, or -1 after `seconds`.
int waitExit(pid_t pid, int seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(-pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

}  // namespace

class TestStudyEndToEnd : public QObject {
  Q_OBJECT
  fs::path dir_;

 private slots:
  void initTestCase() {
    dir_ = fs::temp_directory_path() / ("zodarts-study-e2e-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    zd::Dataset d;
    d.class_names = {"a", "b", "c"};
    d.train = barImages(60, 1);
    d.val = barImages(20, 2);
    d.test = barImages(20, 3);
    zd::writeMedmnistNpz(dir_ / "tiny.npz", d);
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  void killedStudyResumesToTheSameGrid() {
    const fs::path study = dir_ / "study";
    const fs::path out = dir_ / "output.txt";
    const std::vector<std::string> plan = {"--data",
                                           (dir_ / "tiny.npz").string(),
                                           "--out",
                                           study.string(),
                                           "--methods",
                                           "zo-darts++,random",
                                           "--budgets",
                                           "none,1:2",
                                           "--seeds",
                                           "0,1",
                                           "--channels",
                                           "4",
                                           "--cells",
                                           "1",
                                           "--epochs",
                                           "3",
                                           "--switch-epoch",
                                           "1",
                                           "--batch",
                                           "16",
                                           "--rounds",
                                           "2",
                                           "--no-cache",
                                           "--train-epochs",
                                           "2",
                                           "--train-batch",
                                           "16",
                                           "--train-warmup-epochs",
                                           "0",
                                           "--jobs",
                                           "2",
                                           "--threads",
                                           "2",
                                           "--device",
                                           "cpu"};
    const pid_t first = startStudy(plan, out);
    QVERIFY(first > 0);
    // Kill everything once the first search has written a checkpoint (epoch 1 of 3).
    const fs::path watched = study / "cells" / "zo-darts++_none_s0" / "checkpoint.pt";
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(240);
    while (!fs::exists(watched) && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    QVERIFY2(fs::exists(watched), zd::readFile(out).c_str());
    kill(-first, SIGKILL);
    waitpid(first, nullptr, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the children die with the group

    // The same command again continues it (a differing plan would be refused).
    const pid_t second = startStudy(plan, out);
    const int code = waitExit(second, 480);
    const std::string printed = zd::readFile(out);
    QVERIFY2(code == 3, printed.c_str());  // 3: some cells failed (the unreachable band)
    QVERIFY2(printed.find("holds this study already: continuing it") != std::string::npos, printed.c_str());

    const std::string log = zd::readFile(study / "logs" / "zo-darts++_none_s0.log");
    QVERIFY2(log.find("resuming the search from its checkpoint") != std::string::npos, log.c_str());
    int resumed_at = -1;
    for (const auto& e : zd::readEventLog(study / "cells" / "zo-darts++_none_s0" / "events.jsonl"))
      if (const auto* s = std::get_if<zd::RunStarted>(&e); s && s->start_epoch > 0) resumed_at = s->start_epoch;
    QVERIFY(resumed_at >= 1);

    const QString csv = QString::fromStdString(zd::readFile(study / "study.csv"));
    const auto rows = csv.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 1 + 8);
    int done = 0, failed = 0;
    for (const auto& row : rows.mid(1)) {
      if (row.contains(",none,")) {
        QVERIFY2(row.contains(",done,"), qPrintable(row));
        ++done;
      } else {
        QVERIFY2(row.contains(",failed,") && row.contains("1:2"), qPrintable(row));
        ++failed;
      }
    }
    QCOMPARE(done, 4);
    QCOMPARE(failed, 4);
    const std::string md = zd::readFile(study / "report.md");
    QVERIFY(md.find("| zo-darts++ | none | 2/2 |") != std::string::npos);
    QVERIFY(md.find("| random | none | 2/2 |") != std::string::npos);
    QVERIFY2(md.find("## Failed cells") != std::string::npos, md.c_str());
    std::vector<std::string> plots = {"accuracy_vs_params.svg", "search_time.svg"};
#if ZODARTS_STUDY_PNG
    plots.insert(plots.end(), {"accuracy_vs_params.png", "search_time.png"});
#endif
    for (const auto& plot : plots) QVERIFY2(fs::exists(study / "plots" / plot), plot.c_str());
    QVERIFY(!fs::exists(study / "cells" / "zo-darts++_none_s0" / "cell_running.json"));

    // Run once more: everything reachable is done; only the failed cells are retried.
    const pid_t third = startStudy({"--resume", study.string(), "--jobs", "2", "--threads", "2"}, out);
    QCOMPARE(waitExit(third, 120), 3);
    QVERIFY(zd::readFile(out).find("(4 done earlier)") != std::string::npos);
  }
};

QTEST_GUILESS_MAIN(TestStudyEndToEnd)
#include "test_study_end_to_end.moc"
