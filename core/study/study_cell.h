// One cell of a study: search (or draw, for random) → retrain → evaluate in the cell's
// own run directory, each stage resumed from where an earlier attempt stopped, and
// the cell's outcome, read back from its files by anyone (the report, the studio, a
// later `zodarts study`), whichever process ran it.
//   cells/<id>/cell.json          the result: written last, so it means "done"
//   cells/<id>/cell_failed.json   the error of the last attempt (removed on success)
//   cells/<id>/cell_running.json  pid and host of the process working on it now
#pragma once

#include "core/common/enum_names.h"
#include "core/job/job_events.h"
#include "core/study/study_plan.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace zd {

inline constexpr const char* kCellResultFile = "cell.json";
inline constexpr const char* kCellFailedFile = "cell_failed.json";
inline constexpr const char* kCellRunningFile = "cell_running.json";

enum class CellStatus { Pending, Running, Stopped, Failed, Done };
constexpr std::array<EnumName<CellStatus>, 5> namesOf(CellStatus) {
  return {{{CellStatus::Pending, "pending"},
           {CellStatus::Running, "running"},
           {CellStatus::Stopped, "stopped"},
           {CellStatus::Failed, "failed"},
           {CellStatus::Done, "done"}}};
}

// A cell as its files show it: a row of study.csv.
struct CellResult {
  std::string id;
  std::string method;
  std::string budget;
  uint64_t seed = 0;
  CellStatus status = CellStatus::Pending;
  std::string stage;           // where it is or stopped: "search", "retrain", "evaluate"
  std::string error;           // Failed: the message of the last attempt
  int64_t derived_params = 0;  // the architecture retrained (genotype.json "params")
  int64_t argmax_params = 0;   // the paper's per-choice argmax
  double search_seconds = 0;   // search (or draw) wall time, resumed parts included
  double retrain_seconds = 0;
  double test_accuracy = 0;
  double test_auc = 0;      // NaN when undefined
  double val_accuracy = 0;  // of the kept (best) retraining epoch
  int best_epoch = -1;
  std::string genotype;  // its string
  // Not Done: how far the cell's current stage got ("search epoch 3 of 10"); "" when
  // it has not begun an epoch.
  std::string progress;
};

nlohmann::json toJson(const CellResult& result);
// Throws DataError naming the key.
CellResult cellResultFromJson(const nlohmann::json& j);

// Runs `cell` to the end or until `stop`: each stage that is done (genotype.json of an
// uncancelled search, model.json, metrics.json) is skipped, one with a checkpoint is
// resumed, and a search that died before its first checkpoint starts again. Writes
// cell.json when done; on zd::Error or std::exception writes cell_failed.json with
// the message and returns status Failed (a failed cell never stops a study). Events
// go to `observer`; `status` gets one-line messages. The cell's config.threads and
// config.device are used as given.
CellResult runStudyCell(const StudyCell& cell, JobObserver& observer, StopToken& stop,
                        const std::function<void(const std::string&)>& status = {});

// The cell's state from its files: Done (cell.json), Running (cell_running.json of a
// live process on this host, or of another host), Failed (cell_failed.json), Stopped
// (begun, not finished, nobody on it), or Pending (no folder).
CellResult readCellResult(const StudyCell& cell);

// Records that the cell failed outside runStudyCell (its process crashed or was
// killed): writes cell_failed.json with `message` and removes cell_running.json.
void recordCellFailure(const StudyCell& cell, const std::string& stage, const std::string& message);

}  // namespace zd
