// The state of one ZO-DARTS++ search and its step: the supernet, the architecture
// parameters, the weights' optimiser and the architect step (zeroth-order or
// DARTS), advanced one weight batch (and, every R steps, one architecture batch) at
// a time. The search loop drives it over epochs and data; the benchmark drives it
// with synthetic batches. Not thread-safe: one thread at a time.
#pragma once

#include "core/nas/genotype.h"
#include "core/nas/supernet.h"
#include "core/search/architect_step.h"
#include "core/search/architecture.h"
#include "core/search/budget.h"
#include "core/search/derivation.h"
#include "core/search/search_options.h"
#include "core/search/weight_step.h"

#include <torch/optim/sgd.h>
#include <torch/serialize/archive.h>

#include <memory>
#include <optional>
#include <random>

namespace zd {

class ConcurrentPair;

struct EpochSettings {
  int epoch = 0;
  int phase = 1;
  double temperature = 0;
  double lr = 0;
  double lambda = 0;
};

struct StepOutcome {
  StepStats weights;                   // the real network's weight step (on the device)
  int64_t macs = 0;                    // conv multiply-accumulates of its forward
  int64_t dense_macs = 0;              // ... had every op been computed
  std::optional<ArchStepResult> arch;  // when this step updated the architecture
};

// Whether the network and its perturbed copy train side by side
// (search.parallel_copies): "on", "off", or "auto" = on for zeroth-order CPU
// searches with at least 2 threads and batches of at most 64 images, where the
// convolutions are too small to keep every core busy (and with LibTorch's OpenMP
// backend). Larger batches already do, and side by side both steps' activations
// are held at once.
bool trainsCopiesSideBySide(const SearchOptions& options, bool cpu, int threads);

class SearchEngine {
 public:
  // Builds the supernet and A on `device` from torch's generator seeded with `seed`.
  SearchEngine(const SearchOptions& options, const SupernetOptions& network, BudgetBand band, torch::Device device);
  ~SearchEngine();

  // Sets T, lr, λ and the phase for `epoch` (entering phase 2 at the switch epoch,
  // with weight inheritance and the new convolutions joining the optimiser).
  EpochSettings beginEpoch(int epoch);

  // Advances the run by one weight step on (x, y); every R-th step also updates A
  // on the architecture batch (xa, ya), which `arch_batch` supplies on demand.
  StepOutcome step(const torch::Tensor& x, const torch::Tensor& y,
                   const std::function<std::pair<torch::Tensor, torch::Tensor>()>& arch_batch, std::mt19937_64& rng);

  // Accuracy and mean loss of the supernet on (x, y) batches, without gradients.
  BatchResult evaluate(const torch::Tensor& x, const torch::Tensor& y);
  // The same for the supernet restricted to `genotype` (one-hot distributions):
  // how a derived architecture does with the search's weights.
  BatchResult evaluate(const torch::Tensor& x, const torch::Tensor& y, const Genotype& genotype);

  ArchWeights distributions() const;
  // The architecture the search delivers now (search.derive), with the argmax.
  Derivation derive() const;
  double expectedParams() const;
  int64_t globalStep() const { return global_step_; }
  // Whether the network and its perturbed copy train side by side (parallel_copies):
  // on CPU threads, or on two CUDA streams.
  bool parallelCopies() const { return pair_ != nullptr || two_streams_; }
  const EpochSettings& settings() const { return settings_; }
  const BudgetBand& band() const { return band_; }
  Supernet& network() { return net_; }
  Architecture& architecture() { return *arch_; }

  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  ArchStepContext context() const;
  BatchResult evaluateUnder(const torch::Tensor& x, const torch::Tensor& y, const ArchWeights& w);
  void enterPhase2();

  SearchOptions options_;
  torch::Device device_;
  BudgetBand band_;
  Supernet net_{nullptr};
  std::unique_ptr<Architecture> arch_;
  std::unique_ptr<ConcurrentPair> pair_;               // set when the two weight steps run side by side on the CPU
  bool two_streams_ = false;                           // ... on two CUDA streams
  bool bf16_ = options_.precision == Precision::Bf16;  // weight steps under bf16 autocast
  std::optional<ArchWeights> step_weights_;            // the weight steps' distributions, until A or T changes
  std::unique_ptr<torch::optim::SGD> sgd_;
  std::unique_ptr<ArchitectStep> architect_;  // search.arch.estimator's
  EpochSettings settings_;
  int64_t global_step_ = 0;
};

}  // namespace zd
