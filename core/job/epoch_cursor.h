// Where a long job (the search loop, the retraining) is inside its run: the epoch,
// the step in it, the epoch's batch order, the epoch's loss and hits, the time spent,
// and the generator that draws the orders (and whatever else the job draws). Saved in
// the job's checkpoint, so a resumed run continues mid-epoch exactly where the
// interrupted one stopped, with the same batches and the same random numbers.
#pragma once

#include "core/common/device_sum.h"

#include <torch/serialize/archive.h>
#include <torch/types.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

namespace zd {

// A seeded permutation of 0..n-1 from `rng` (identical on every machine), int64.
torch::Tensor permutation(int64_t n, std::mt19937_64& rng);

class EpochCursor {
 public:
  // `images`: the size of what an epoch passes over; `batch`: images per step.
  EpochCursor(uint64_t seed, int64_t images, int64_t batch);

  int epoch() const { return epoch_; }
  int step() const { return step_; }  // steps done in this epoch
  int stepsPerEpoch() const { return steps_per_epoch_; }
  bool epochDone() const { return step_ >= steps_per_epoch_; }
  std::mt19937_64& rng() { return rng_; }

  // An epoch that has not begun its steps draws its batch order.
  void beginEpoch();
  // The images of the current step (host int64 indices into the epoch's order).
  torch::Tensor batchIndices() const;
  // Counts a finished step: its mean loss and (possibly weighted) hits, device
  // tensors that are summed on the device and read only when asked for.
  void finishStep(const torch::Tensor& loss, const torch::Tensor& correct, int64_t count);
  // The epoch so far (waits for the device): mean loss, accuracy, images.
  double meanLoss();
  double accuracy();
  int64_t seen() const { return seen_; }
  // On to the next epoch: step 0, sums and the epoch's seconds reset.
  void nextEpoch();

  // Time. run seconds: every process of the run, this one from startClock();
  // epoch seconds: the time inside this epoch's steps, across interruptions.
  void startClock();
  double runSeconds() const;
  void stepsStarted();
  void stepsStopped();
  double epochSeconds() const { return epoch_seconds_; }

  // Writes and reads epoch, step_in_epoch, `order_key`, loss_sum, correct, seen,
  // epoch_seconds, run_seconds and rng. load throws IoError naming `what` when the
  // order does not fit this cursor's images (another data set).
  void save(torch::serialize::OutputArchive& archive, const std::string& order_key);
  void load(torch::serialize::InputArchive& archive, const std::string& order_key, const std::string& what);

 private:
  using Clock = std::chrono::steady_clock;
  void readPending();

  std::mt19937_64 rng_;
  int64_t images_ = 0;
  int64_t batch_ = 1;
  int steps_per_epoch_ = 1;
  int epoch_ = 0;
  int step_ = 0;
  torch::Tensor order_;  // this epoch's permutation of the images, host
  double loss_sum_ = 0;  // Σ loss · batch size in this epoch (read from the device)
  double correct_ = 0;   // hits in this epoch (λ-weighted in a mixed retraining batch)
  int64_t seen_ = 0;
  DeviceSum pending_loss_, pending_correct_;  // not yet read back from the device
  double epoch_seconds_ = 0;
  double earlier_seconds_ = 0;  // of the run's earlier processes
  Clock::time_point started_ = Clock::now();
  Clock::time_point steps_started_ = Clock::now();
  double carried_ = 0;  // epoch seconds when the steps (re)started
};

}  // namespace zd
