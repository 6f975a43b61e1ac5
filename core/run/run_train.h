// Retraining a run's architecture as the CLI and the GUI start it (ALGORITHM.md §7):
// pick the genotype (argmax from genotype.json, or sampled from the final
// distributions in events.jsonl), load the data exactly as the search did, train with
// the config's `train` settings, and leave the trained model in the run directory.
#pragma once

#include "core/nas/genotype.h"
#include "core/run/run_config.h"
#include "core/job/job_events.h"
#include "core/train/trainer.h"

#include <filesystem>
#include <functional>
#include <string>

namespace zd {

struct TrainRunOutcome {
  TrainResult result;
  Genotype genotype;  // the architecture that was trained
  std::filesystem::path run_dir;
};

// Files retraining adds to a run directory.
inline constexpr const char* kTrainCheckpointFile = "train_checkpoint.pt";
inline constexpr const char* kTrainCurvesFile = "train_curves.csv";

// Makes a new run directory `config.out` for retraining `genotype` outside any search
// (zodarts train --genotype FILE --data PATH --out DIR): writes config.json and
// genotype.json. Throws IoError when the folder exists and is not empty or cannot be
// made, ConfigError for an invalid config.
void createTrainRun(const RunConfig& config, const Genotype& genotype);

// Retrains the run in `run_dir` with `config` (its config.json, possibly with the
// caller's overrides; saved back as config.json unless resuming), or with `resume`
// continues from train_checkpoint.pt. Events go to `observer` and the run's
// events.jsonl; `status` receives one-line messages. When not cancelled, writes
// model.pt and model.json (trained_model.h); train_curves.csv is rewritten each epoch.
// Throws zd::Error naming the file or setting at fault (a malformed genotype, data
// that do not fit it, a training already there when not resuming: archive it first
// with archivePreviousTraining).
TrainRunOutcome runTraining(const std::filesystem::path& run_dir, const RunConfig& config, JobObserver& observer,
                            StopToken& stop, bool resume, const std::function<void(const std::string&)>& status = {});

// Moves the files of an earlier retraining of `run_dir` (train_checkpoint.pt,
// train_curves.csv, model.pt, model.json, model.onnx, metrics.json, report.md) into
// a new folder `retrain-archive/<UTC time>/` of the run, so a new retraining can
// start without losing them. Returns that folder, or an empty path when there was
// nothing to move. Throws IoError naming the file that cannot be moved.
std::filesystem::path archivePreviousTraining(const std::filesystem::path& run_dir);

// The genotype of `run_dir` that `train.derive` asks for: genotype.json for "argmax",
// a draw (train.derive_seed) from the last epoch's distributions in events.jsonl for
// "sample". Throws ConfigError/IoError naming the file.
Genotype genotypeToTrain(const std::filesystem::path& run_dir, const RunConfig& config,
                         const std::function<void(const std::string&)>& status = {});

}  // namespace zd
