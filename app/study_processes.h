// Running a study's cells side by side, each in a process of its own (`zodarts study
// --resume STUDY --cell ID`): a crash, a leak or a stuck cell costs that cell only,
// each process gets its share of the threads (LibTorch's thread count is per
// process), and the same command is what a cluster runs per task (issue 16).
#pragma once

#include "core/study/study_plan.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

namespace zd {

struct CellProcessOptions {
  std::filesystem::path study_dir;
  int jobs = 1;                       // cells at once
  int threads_per_cell = 1;           // --threads of each cell's process
  std::string device_override;        // --device given to each cell ("" = the plan's)
  std::atomic<bool>* stop = nullptr;  // set (by a signal handler): stop the cells, they checkpoint
};

// Runs `cells` (those not done) `options.jobs` at a time, each logging to
// STUDY/logs/<id>.log, rewriting the report after each cell ends. A cell whose
// process dies without saying why (a crash, a kill) is recorded as failed with its
// exit status and the end of its log. Returns the number of cells that ended Done.
// On `stop`, sends SIGTERM to the running cells, waits for them to checkpoint, and
// returns.
int runCellProcesses(const std::vector<StudyCell>& cells, const CellProcessOptions& options);

}  // namespace zd
