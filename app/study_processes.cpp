#include "app/study_processes.h"

#include "core/common/error.h"
#include "core/study/study_cell.h"
#include "core/study/study_report.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace zd {

namespace fs = std::filesystem;

namespace {

std::string logTail(const fs::path& log, size_t lines) {
  std::ifstream in(log);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) all.push_back(line);
  std::string tail;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    tail += (tail.empty() ? "" : " | ") + all[i];
  return tail;
}

std::string exitText(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return std::string("killed by signal ") + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "exit status " + std::to_string(WEXITSTATUS(status));
}

pid_t spawnCell(const StudyCell& cell, const CellProcessOptions& o, const fs::path& log) {
  std::vector<std::string> args = {"zodarts", "study", "--resume",  o.study_dir.string(),
                                   "--cell",  cell.id, "--threads", std::to_string(o.threads_per_cell)};
  if (!o.device_override.empty()) {
    args.push_back("--device");
    args.push_back(o.device_override);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw IoError("cannot start a process for study cell " + cell.id + ": " + std::strerror(rc));
  return pid;
}

void rewriteReport(const fs::path& study_dir) {
  try {
    writeStudyReport(study_dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warning: the study report could not be written: %s\n", e.what());
  }
}

}  // namespace

int runCellProcesses(const std::vector<StudyCell>& cells, const CellProcessOptions& o) {
  const fs::path logs = o.study_dir / "logs";
  std::error_code ec;
  fs::create_directories(logs, ec);
  if (ec) throw IoError(logs.string() + ": cannot create the log folder (" + ec.message() + ")");
  size_t next = 0;
  int done = 0;
  std::map<pid_t, const StudyCell*> running;
  bool stopping = false;
  const auto total = cells.size();
  size_t finished = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (next < cells.size() || !running.empty()) {
    if (o.stop && o.stop->load() && !stopping) {
      stopping = true;
      std::printf("stopping: the running cells write their checkpoints...\n");
      std::fflush(stdout);
      for (const auto& [pid, cell] : running) kill(pid, SIGTERM);
    }
    while (!stopping && next < cells.size() && static_cast<int>(running.size()) < std::max(1, o.jobs)) {
      const StudyCell& cell = cells[next++];
      const fs::path log = logs / (cell.id + ".log");
      running[spawnCell(cell, o, log)] = &cell;
      std::printf("[%zu/%zu] %s: started (%d thread(s); log %s)\n", finished + running.size(), total, cell.id.c_str(),
                  o.threads_per_cell, log.string().c_str());
      std::fflush(stdout);
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      // Where the running cells are, once a minute (their logs have every step).
      if (std::chrono::steady_clock::now() - last_progress > std::chrono::seconds(60)) {
        last_progress = std::chrono::steady_clock::now();
        for (const auto& [running_pid, cell] : running) {
          const CellResult r = readCellResult(*cell);
          std::printf("  %s: %s\n", cell->id.c_str(), r.progress.empty() ? r.stage.c_str() : r.progress.c_str());
        }
        std::fflush(stdout);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const StudyCell& cell = *it->second;
    running.erase(it);
    ++finished;
    CellResult r = readCellResult(cell);
    const bool clean_exit = WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 130);
    if (!clean_exit && r.status != CellStatus::Failed && r.status != CellStatus::Done) {
      // It died without recording why: a crash, the out-of-memory killer, kill -9.
      const fs::path log = logs / (cell.id + ".log");
      recordCellFailure(cell, r.stage.empty() ? "search" : r.stage,
                        "the cell's process ended: " + exitText(status) + "; last lines of " + log.string() + ": " +
                            logTail(log, 3));
      r = readCellResult(cell);
    }
    if (r.status == CellStatus::Done) {
      ++done;
      std::printf("%s: done — test accuracy %.2f %%, %lld parameters, search %.0f s, retraining %.0f s\n",
                  cell.id.c_str(), 100.0 * r.test_accuracy, static_cast<long long>(r.derived_params), r.search_seconds,
                  r.retrain_seconds);
    } else if (r.status == CellStatus::Failed) {
      std::printf("%s: FAILED in %s: %s\n", cell.id.c_str(), r.stage.c_str(), r.error.c_str());
    } else {
      std::printf("%s: stopped in %s%s\n", cell.id.c_str(), r.stage.c_str(),
                  r.progress.empty() ? "" : (" (" + r.progress + ")").c_str());
    }
    std::fflush(stdout);
    rewriteReport(o.study_dir);
  }
  return done;
}

}  // namespace zd
