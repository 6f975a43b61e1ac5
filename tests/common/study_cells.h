// Cell files of a study written by hand, as `zodarts study` leaves them: a done
// cell's cell.json, and the running mark of a process working on a cell. For tests
// of the report and the studio's study view that need no real run.
#pragma once

#include "core/common/atomic_file.h"
#include "core/study/study_cell.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <unistd.h>

inline std::string thisHost() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

inline void writeDoneCell(const zd::StudyCell& cell, double accuracy, int64_t params, double search_seconds) {
  zd::CellResult r;
  r.id = cell.id;
  r.method = zd::nameOf(cell.method);
  r.budget = cell.budget;
  r.seed = cell.seed;
  r.status = zd::CellStatus::Done;
  r.stage = "done";
  r.test_accuracy = accuracy;
  r.test_auc = 0.9;
  r.val_accuracy = accuracy;
  r.derived_params = params;
  r.argmax_params = params;
  r.search_seconds = search_seconds;
  r.retrain_seconds = 10;
  r.genotype = "|skip_connect~0|, with a comma";
  std::filesystem::create_directories(cell.config.out);
  zd::writeFileAtomically(std::filesystem::path(cell.config.out) / zd::kCellResultFile, zd::toJson(r).dump(2));
}

// The mark a process `pid` on `host` leaves while it works on `cell`.
inline void markCellRunning(const zd::StudyCell& cell, int64_t pid, const std::string& host = thisHost()) {
  std::filesystem::create_directories(cell.config.out);
  zd::writeFileAtomically(std::filesystem::path(cell.config.out) / zd::kCellRunningFile,
                          nlohmann::json{{"pid", pid}, {"host", host}}.dump());
}
