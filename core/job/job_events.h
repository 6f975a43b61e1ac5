// The event stream of a long job, a search or a retraining (ARCHITECTURE.md "How a
// search talks to the world").
// Plain values only — no tensors, no Qt types — so the same stream feeds the CLI's
// progress bar, the run directory's events.jsonl and the GUI, and a finished run can
// be replayed from its events.jsonl.
#pragma once

#include "core/nas/arch_distributions.h"
#include "core/nas/genotype.h"

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace zd {

struct RunStarted {
  std::string device;
  int64_t weight_images = 0;  // images in the half that trains the weights
  int64_t arch_images = 0;    // images in the half that trains the architecture
  int64_t classes = 0;
  int64_t channels = 0;
  int epochs = 0;
  int steps_per_epoch = 0;
  int start_epoch = 0;    // > 0 when resumed
  double min_params = 0;  // budget band (0, 0 when none)
  double max_params = 0;
  int64_t supernet_params = 0;
};

struct EpochStarted {
  int epoch = 0;
  int phase = 1;
  double temperature = 0;
  double lr = 0;
  double lambda = 0;  // budget weight λ in force (0 in phase 1 or without budget)
};

struct StepProgress {
  int epoch = 0;
  int step = 0;   // 1-based within the epoch
  int steps = 0;  // steps in the epoch
  double loss = 0;
};

struct ArchitectureUpdated {
  int epoch = 0;
  int64_t update = 0;  // running count of architecture updates in the run
  ArchDistributions distributions;
  double expected_params = 0;
  double penalty = 0;
  double arch_loss = 0;  // cross-entropy on the architecture batch
};

struct PhaseChanged {
  int epoch = 0;
  int phase = 2;
};

struct EpochFinished {
  int epoch = 0;
  int phase = 1;
  double train_loss = 0;
  double train_accuracy = 0;  // on the weight half (augmented batches)
  double arch_loss = 0;
  double arch_accuracy = 0;  // on the architecture half, measured at epoch end
  Genotype genotype;         // the derived architecture
  std::vector<int> depths;
  int64_t derived_params = 0;
  Genotype argmax_genotype;  // the paper's argmax architecture (= genotype unless repaired)
  int64_t argmax_params = 0;
  double expected_params = 0;
  double seconds = 0;  // wall time of the epoch
  // Share of the dense supernet's convolution work actually computed in this
  // epoch's weight steps: what skipping zero-weight ops saved (1 = nothing).
  double compute_fraction = 1;
  ArchDistributions distributions;
};

struct CheckpointWritten {
  int epoch = 0;  // last finished epoch it holds
  std::string path;
};

struct RunFinished {
  Genotype genotype;  // the derived architecture
  int64_t params = 0;
  double seconds = 0;
  bool cancelled = false;
  Genotype argmax_genotype;  // the paper's argmax architecture and its size
  int64_t argmax_params = 0;
  std::string derivation;            // "argmax" or "in-band"
  std::vector<std::string> changes;  // what the derivation changed from the argmax
};

struct RunFailed {
  std::string message;
};

// Retraining the derived network (`zodarts train`) reports through the same stream,
// so the run's events.jsonl and the GUI show both, with events of its own.
struct TrainStarted {
  std::string device;
  Genotype genotype;   // the network being trained
  int64_t params = 0;  // its parameter count
  int64_t train_images = 0;
  int64_t val_images = 0;
  int64_t classes = 0;
  int64_t channels = 0;  // image channels
  int epochs = 0;
  int steps_per_epoch = 0;
  int start_epoch = 0;  // > 0 when resumed
};

struct TrainEpochFinished {
  int epoch = 0;
  double lr = 0;
  double train_loss = 0;      // smoothed, mixed loss of the augmented batches
  double train_accuracy = 0;  // λ-weighted against both labels of a mixed batch
  double val_loss = 0;        // plain cross-entropy on the validation split
  double val_accuracy = 0;
  int best_epoch = 0;  // best validation accuracy so far (this epoch included)
  double best_val_accuracy = 0;
  double seconds = 0;  // wall time of the epoch
};

struct TrainFinished {
  int best_epoch = -1;  // whose weights were kept
  double best_val_accuracy = 0;
  int epochs_done = 0;
  double seconds = 0;
  bool cancelled = false;
};

struct TrainStepProgress {
  int epoch = 0;
  int step = 0;     // 1-based within the epoch
  int steps = 0;    // steps in the epoch
  double loss = 0;  // the batch's (mixed, smoothed) loss
};

struct TrainCheckpointWritten {
  int epoch = 0;  // last finished training epoch it holds
  std::string path;
};

struct TrainFailed {
  std::string message;
};

using JobEvent = std::variant<RunStarted, EpochStarted, StepProgress, ArchitectureUpdated, PhaseChanged, EpochFinished,
                              CheckpointWritten, RunFinished, RunFailed, TrainStarted, TrainEpochFinished,
                              TrainFinished, TrainStepProgress, TrainCheckpointWritten, TrainFailed>;

// True for the retraining's events (Train*), false for the search's.
bool isTrainingEvent(const JobEvent& event);

// Type name used in events.jsonl ("epoch_finished", ...).
std::string eventName(const JobEvent& event);
nlohmann::json toJson(const JobEvent& event);
// Inverse of toJson; throws DataError naming the problem.
JobEvent eventFromJson(const nlohmann::json& j);

// Receives the events of a search on the search's thread. Implementations that
// hand them to another thread (the GUI) copy them.
class JobObserver {
 public:
  virtual ~JobObserver() = default;
  virtual void onEvent(const JobEvent& event) = 0;
};

// Pause and cancel requests, set from any thread, checked by the loop between steps.
struct StopToken {
  std::atomic<bool> cancel{false};
  std::atomic<bool> pause{false};
};

}  // namespace zd
