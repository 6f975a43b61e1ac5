// Retraining the derived network (ALGORITHM.md §7): SGD with warm-up and cosine lr,
// label smoothing, mixup / CutMix and the search's augmentation on the train split;
// validation accuracy every epoch, the best epoch's weights kept; a checkpoint every
// epoch (and on cancel) from which a resumed run continues exactly as if it had never
// stopped. Reports through the job event stream (TrainStarted, TrainStepProgress,
// TrainEpochFinished, TrainCheckpointWritten, TrainFinished, TrainFailed).
#pragma once

#include "core/data/image_set.h"
#include "core/nas/discrete_network.h"
#include "core/nas/genotype.h"
#include "core/job/job_events.h"
#include "core/train/train_options.h"

#include <torch/types.h>

#include <filesystem>
#include <vector>

namespace zd {

// The images retraining reads, already resized to the network input (uint8).
struct TrainData {
  ImageSet train;  // trains the weights
  ImageSet val;    // picks the best epoch (may be empty: then the last epoch is kept)
  int64_t classes = 0;
};

struct TrainResult {
  DiscreteNetwork network{nullptr};  // the best epoch's weights, eval mode, on the device
  int best_epoch = -1;
  double best_val_accuracy = 0;
  int epochs_done = 0;
  bool cancelled = false;
  double seconds = 0;                      // of the whole run, resumed parts included
  std::vector<TrainEpochFinished> curves;  // every finished epoch of the run
};

// Not thread-safe: run() on one thread; only the StopToken is touched by others.
class Trainer {
 public:
  // `checkpoint` is where the training state is saved (empty: never); `curves`, when
  // given, is rewritten atomically after every epoch as CSV (writeCurvesCsv).
  Trainer(TrainOptions options, Genotype genotype, torch::Device device, std::filesystem::path checkpoint,
          std::filesystem::path curves = {});

  // Trains (or, with `resume`, continues from the checkpoint) on `data`. Events go to
  // `observer` on the calling thread; `stop` is polled between steps (pause waits,
  // cancel saves the checkpoint and returns with cancelled set). Throws zd::Error on
  // bad input or I/O failure (after emitting TrainFailed).
  TrainResult run(const TrainData& data, JobObserver& observer, StopToken& stop, bool resume);

 private:
  TrainOptions options_;
  Genotype genotype_;
  torch::Device device_;
  std::filesystem::path checkpoint_;
  std::filesystem::path curves_;
};

}  // namespace zd
