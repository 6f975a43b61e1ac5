#include "core/study/study_cell.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_file.h"
#include "core/common/json_fields.h"
#include "core/run/event_log.h"
#include "core/run/run_directory.h"
#include "core/run/run_evaluate.h"
#include "core/run/run_search.h"
#include "core/run/run_train.h"
#include "core/train/trained_model.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>
#include <cmath>
#include <fstream>
#include <limits>
#include <unistd.h>  // getpid, gethostname

namespace zd {

namespace fs = std::filesystem;

nlohmann::json toJson(const CellResult& r) {
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  return {{"id", r.id},
          {"method", r.method},
          {"budget", r.budget},
          {"seed", r.seed},
          {"status", nameOf(r.status)},
          {"stage", r.stage},
          {"error", r.error},
          {"derived_params", r.derived_params},
          {"argmax_params", r.argmax_params},
          {"search_seconds", number(r.search_seconds)},
          {"retrain_seconds", number(r.retrain_seconds)},
          {"test_accuracy", number(r.test_accuracy)},
          {"test_auc", number(r.test_auc)},
          {"val_accuracy", number(r.val_accuracy)},
          {"best_epoch", r.best_epoch},
          {"genotype", r.genotype},
          {"progress", r.progress}};
}

CellResult cellResultFromJson(const nlohmann::json& j) {
  CellResult r;
  KeyedObjectReader reader("", JsonPlace::Kind::Record, "study cell key");
  reader.field("id", r.id);
  reader.field("method", r.method);
  reader.field("budget", r.budget);
  reader.field("seed", r.seed);
  reader.field("status", r.status);
  reader.field("stage", r.stage);
  reader.field("error", r.error);
  reader.field("derived_params", r.derived_params);
  reader.field("argmax_params", r.argmax_params);
  reader.field("search_seconds", r.search_seconds);
  reader.field("retrain_seconds", r.retrain_seconds);
  reader.field("test_accuracy", r.test_accuracy);
  reader.field("test_auc", r.test_auc);
  reader.field("val_accuracy", r.val_accuracy);
  reader.field("best_epoch", r.best_epoch);
  reader.field("genotype", r.genotype);
  reader.field("progress", r.progress);
  reader.read(j);
  return r;
}

namespace {

std::string hostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

nlohmann::json readRecord(const fs::path& path) { return readJsonFile(path, JsonFileKind::Record); }

CellResult blankResult(const StudyCell& cell) {
  CellResult r;
  r.id = cell.id;
  r.method = nameOf(cell.method);
  r.budget = cell.budget;
  r.seed = cell.seed;
  return r;
}

// True when genotype.json holds the result of a search that ran to its end.
bool searchFinished(const fs::path& dir) {
  const fs::path path = dir / "genotype.json";
  if (!fs::exists(path)) return false;
  const auto j = readRecord(path);
  return !j.value("cancelled", true);
}

// Marks the cell as worked on by this process for as long as it lives.
class RunningMark {
 public:
  explicit RunningMark(const fs::path& dir) : path_(dir / kCellRunningFile) {
    writeFileAtomically(path_, nlohmann::json{{"pid", getpid()}, {"host", hostName()}}.dump() + "\n");
  }
  ~RunningMark() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  RunningMark(const RunningMark&) = delete;
  RunningMark& operator=(const RunningMark&) = delete;

 private:
  fs::path path_;
};

// The figures of a finished stage, from the files it left.
void fillFromFiles(const fs::path& dir, CellResult& r) {
  if (fs::exists(dir / "genotype.json")) {
    const auto g = readRecord(dir / "genotype.json");
    r.derived_params = g.value("params", int64_t{0});
    if (g.contains("argmax")) r.argmax_params = g.at("argmax").value("params", int64_t{0});
    r.genotype = g.value("string", std::string());
  }
  if (fs::exists(dir / "events.jsonl")) {
    int search_epochs = 0, train_epochs = 0;
    for (const auto& event : readEventLog(dir / "events.jsonl")) {
      if (const auto* s = std::get_if<RunStarted>(&event)) search_epochs = s->epochs;
      if (const auto* t = std::get_if<TrainStarted>(&event)) train_epochs = t->epochs;
      if (const auto* e = std::get_if<EpochFinished>(&event))
        r.progress = "search epoch " + std::to_string(e->epoch + 1) + " of " + std::to_string(search_epochs);
      if (const auto* e = std::get_if<TrainEpochFinished>(&event))
        r.progress = "retraining epoch " + std::to_string(e->epoch + 1) + " of " + std::to_string(train_epochs);
      if (const auto* f = std::get_if<RunFinished>(&event); f && !f->cancelled) r.search_seconds = f->seconds;
      if (const auto* t = std::get_if<TrainFinished>(&event); t && !t->cancelled) {
        r.retrain_seconds = t->seconds;
        r.best_epoch = t->best_epoch;
        r.val_accuracy = t->best_val_accuracy;
      }
    }
  }
  if (fs::exists(dir / "metrics.json")) {
    const auto m = readRecord(dir / "metrics.json");
    const auto metrics = metricsFromJson(m);
    r.test_accuracy = metrics.accuracy;
    r.test_auc = metrics.auc_defined ? metrics.auc : std::numeric_limits<double>::quiet_NaN();
  }
}

// A process of this host that still runs. A killed cell whose parent died too can
// linger as a zombie (where nobody reaps orphans, as in many containers): it
// answers kill(pid, 0) but works on nothing, so /proc's state 'Z' counts as gone.
bool processAlive(int64_t pid) {
  if (pid <= 0 || (kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: trust kill()
  const auto close = line.rfind(')');          // the state follows "(command)"
  if (close == std::string::npos || close + 2 >= line.size()) return true;
  const char state = line[close + 2];
  return state != 'Z' && state != 'X';
}

}  // namespace

void recordCellFailure(const StudyCell& cell, const std::string& stage, const std::string& message) {
  const fs::path dir = cell.config.out;
  std::error_code ec;
  fs::create_directories(dir, ec);
  writeFileAtomically(dir / kCellFailedFile, nlohmann::json{{"stage", stage}, {"error", message}}.dump(2) + "\n");
  fs::remove(dir / kCellRunningFile, ec);
}

CellResult runStudyCell(const StudyCell& cell, JobObserver& observer, StopToken& stop,
                        const std::function<void(const std::string&)>& status) {
  auto say = [&](const std::string& s) {
    if (status) status(cell.id + ": " + s);
  };
  const fs::path dir = cell.config.out;
  CellResult result = blankResult(cell);
  if (fs::exists(dir / kCellResultFile)) {
    say("done earlier, skipped");
    return readCellResult(cell);
  }
  std::string stage = "search";
  try {
    std::error_code ec;
    fs::create_directories(dir.parent_path(), ec);
    if (!searchFinished(dir)) {
      const bool resume = fs::exists(dir / "checkpoint.pt");
      // Begun but never checkpointed: less than an epoch is lost by starting over.
      if (!resume) {
        if (fs::exists(dir)) fs::remove_all(dir);
        // config.json first: it makes the folder a run directory, so the mark beside it
        // does not make runSearch take it for someone else's files.
        RunDirectory::create(dir).writeConfig(cell.config);
      }
      RunningMark mark(dir);
      say(resume ? "resuming the search from its checkpoint" : "searching");
      const auto outcome = runSearch(cell.config, observer, stop, resume, status);
      if (outcome.result.cancelled) {
        result.status = CellStatus::Stopped;
        result.stage = stage;
        return result;
      }
    }
    RunningMark mark(dir);
    stage = "retrain";
    if (!fs::exists(dir / "model.json")) {
      const bool resume = fs::exists(dir / kTrainCheckpointFile);
      say(resume ? "resuming the retraining from its checkpoint" : "retraining");
      const auto outcome = runTraining(dir, cell.config, observer, stop, resume, status);
      if (outcome.result.cancelled) {
        result.status = CellStatus::Stopped;
        result.stage = stage;
        return result;
      }
    }
    stage = "evaluate";
    if (!fs::exists(dir / "metrics.json")) {
      say("evaluating on the test split");
      evaluateRun(dir, cell.config.device, cell.config.threads, status);
    }
    fillFromFiles(dir, result);
    result.progress.clear();
    result.status = CellStatus::Done;
    result.stage = "done";
    fs::remove(dir / kCellFailedFile, ec);
    writeFileAtomically(dir / kCellResultFile, toJson(result).dump(2) + "\n");
    say("done");
    return result;
  } catch (const std::exception& e) {
    recordCellFailure(cell, stage, e.what());
    say(stage + " failed: " + e.what());
    result.status = CellStatus::Failed;
    result.stage = stage;
    result.error = e.what();
    return result;
  }
}

CellResult readCellResult(const StudyCell& cell) {
  const fs::path dir = cell.config.out;
  CellResult r = blankResult(cell);
  if (fs::exists(dir / kCellResultFile)) {
    try {
      CellResult done = cellResultFromJson(readRecord(dir / kCellResultFile));
      done.status = CellStatus::Done;
      return done;
    } catch (const Error& e) {
      r.status = CellStatus::Failed;
      r.error = e.what();
      return r;
    }
  }
  if (!fs::exists(dir)) return r;
  r.stage = fs::exists(dir / "model.json") ? "evaluate" : searchFinished(dir) ? "retrain" : "search";
  try {
    fillFromFiles(dir, r);
  } catch (const Error&) {
    // A file being written by the cell's process right now: its figures come later.
  }
  if (fs::exists(dir / kCellRunningFile)) {
    try {
      const auto mark = readRecord(dir / kCellRunningFile);
      const bool here = mark.value("host", std::string()) == hostName();
      if (!here || processAlive(mark.value("pid", int64_t{0}))) {
        r.status = CellStatus::Running;
        return r;
      }
    } catch (const Error&) {
    }
  }
  if (fs::exists(dir / kCellFailedFile)) {
    try {
      const auto failed = readRecord(dir / kCellFailedFile);
      r.status = CellStatus::Failed;
      r.stage = failed.value("stage", r.stage);
      r.error = failed.value("error", std::string());
      return r;
    } catch (const Error&) {
    }
  }
  r.status = CellStatus::Stopped;
  return r;
}

}  // namespace zd
