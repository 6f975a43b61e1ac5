// How the architecture parameters A = (α, β, γ) move (ALGORITHM.md §4–§5): every R
// weight steps, one Adam step on A from an estimate of the hypergradient
// dL_val(w*(A), A)/dA on an architecture batch, plus the budget penalty's exact
// gradient, optionally capped in how far it moves the expected count P.
//
// What every estimator shares lives here: the architecture batch's loss and
// penalty, the rounds, Adam, the count cap, the checkpoint of Adam's state. Each
// estimator (search.arch.estimator) supplies the estimate itself:
//   zo      ZoArchitect (zo_architect.h): the zeroth-order estimate of ZO-DARTS++
//   darts1  DirectGradientArchitect (direct_gradient_architect.h): first-order DARTS,
//           ∂L_val/∂A with w*(A) ≈ w
//   darts2  DartsSecondOrderArchitect (darts_second_order_architect.h): second-order
//           DARTS, through one virtual weight step
// Not thread-safe, with the one exception trainAlongside documents.
#pragma once

#include "core/nas/supernet.h"
#include "core/search/architecture.h"
#include "core/search/budget.h"
#include "core/search/search_options.h"

#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>
#include <torch/serialize/archive.h>

#include <memory>
#include <optional>
#include <random>
#include <vector>

namespace zd {

// What the architecture step needs to know about the moment of the search.
struct ArchStepContext {
  double temperature = 1.5;
  bool phase2 = false;
  double lambda = 0;  // budget weight λ (0: no penalty)
  BudgetBand band;
  double penalty_scale = 1e6;
  double lr = 0.1;  // the weights' learning rate in force
};

struct ArchStepResult {
  double loss = 0;             // cross-entropy on the architecture batch
  double penalty = 0;          // budget penalty (before λ)
  double expected_params = 0;  // P under the current distributions
  int64_t correct = 0;
  int64_t count = 0;
};

// What an estimator sees of one architecture update.
struct ArchBatch {
  const torch::Tensor& x;  // the architecture batch
  const torch::Tensor& y;
  // Its cross-entropy at the current weights, with the weighted penalty folded in
  // unless penaltyApart(); the graph reaches A and the weights.
  const torch::Tensor& loss;
  const std::vector<torch::Tensor>& active;  // A's parameters being searched
  const ArchStepContext& context;
};

class ArchitectStep {
 public:
  ArchitectStep(Supernet net, Architecture& arch, const SearchOptions& options, torch::Device device);
  virtual ~ArchitectStep();
  ArchitectStep(const ArchitectStep&) = delete;
  ArchitectStep& operator=(const ArchitectStep&) = delete;

  // Before the run's weight step `step` (counted over the whole run, not per epoch).
  // `network_sgd`: the network's optimiser, whose state an estimator may copy.
  virtual void beginStep(int64_t step, const ArchStepContext& context, const torch::optim::SGD& network_sgd,
                         std::mt19937_64& rng);
  // Trains what the estimator keeps beside the network on the same weight batch
  // (x, y). It touches only the estimator's own copy (it reads A), so it may run
  // while another thread trains the network (search.parallel_copies).
  virtual void trainAlongside(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context);
  // Whether an architecture update follows weight step `step`: every R-th.
  bool updateDue(int64_t step) const { return (step + 1) % options_.arch.rounds == 0; }
  // One architecture update on the batch (x, y).
  ArchStepResult step(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context);

  // Phase switch (β and γ join the search).
  virtual void enterPhase2();

  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive, const ArchStepContext& context);

  torch::optim::Adam& optimizer() { return *adam_; }

 protected:
  // The hypergradient estimate, one tensor per entry of batch.active (undefined:
  // no gradient this time, so Adam leaves that parameter alone). std::nullopt: no
  // update this time.
  virtual std::optional<std::vector<torch::Tensor>> estimate(const ArchBatch& batch) = 0;
  // Whether the penalty's exact gradient is added to the estimate (true) or folded
  // into the loss the estimate sees (false).
  virtual bool penaltyApart() const = 0;
  // The estimator's own state in the checkpoint (beside Adam's).
  virtual void saveState(torch::serialize::OutputArchive&) const {}
  virtual void loadState(torch::serialize::InputArchive&, const ArchStepContext&) {}

  Supernet net_;
  Architecture& arch_;
  const SearchOptions options_;
  const torch::Device device_;

 private:
  std::unique_ptr<torch::optim::Adam> makeAdam() const;
  double expectedParamsOf(const ArchWeights& w, torch::Tensor* differentiable) const;
  // The budget penalty under `w` (undefined outside phase 2 or without a band); P in `expected`.
  torch::Tensor penaltyOf(const ArchWeights& w, const ArchStepContext& context, double* expected) const;
  // ∂(λ·penalty)/∂A for the penalty kept apart from the estimate (search.arch.penalty_path).
  std::vector<torch::Tensor> penaltyGradients(const torch::Tensor& weighted_penalty,
                                              const std::vector<torch::Tensor>& active, double expected,
                                              const ArchStepContext& context) const;
  // Shortens the Adam step just taken (from `before`) so that P moves by at most `cap`.
  void limitCountStep(const std::vector<torch::Tensor>& before, double expected_before, double cap,
                      const ArchStepContext& context);

  std::unique_ptr<torch::optim::Adam> adam_;
};

// The architect for search.arch.estimator.
std::unique_ptr<ArchitectStep> makeArchitectStep(Supernet net, Architecture& arch, const SearchOptions& options,
                                                 torch::Device device);

}  // namespace zd
