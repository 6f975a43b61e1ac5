// The architecture step of ZO-DARTS++ (ALGORITHM.md §4): a zeroth-order estimate
// of the hypergradient dL_val(w*(A), A)/dA from one random direction u, using a
// perturbed copy of the network trained alongside the real one. No second-order
// terms, no Hessian-vector products. (The counterpart of pt.darts' Architect.)
//
// Per weight step t of the run (rounds count over the whole run, not per epoch):
//   beginStep(t)       t mod R = 0: draw u ~ N(0, I), u ← u/‖u‖, μ = mu_scale·‖α‖,
//                      copy the weights into the perturbed network (architecture
//                      A + μu) with an SGD optimiser holding the network's momentum
//                      (arch.perturbed_momentum "fresh": zero momentum, the reference's)
//   trainPerturbed()   the perturbed copy's SGD step on the same batch as the real one
//   step()             when (t+1) mod R = 0: ĝ = (g_A·u + g_w·v)·u with
//                      v = (w_perturbed − w)/μ, plus ∇_A(λ·penalty) in full (§5), then
//                      one Adam step on A (optionally capped in its change of P).
// Not thread-safe, with one exception: trainPerturbed touches only the perturbed
// copy (it reads A, u and μ), so it may run while another thread trains the real
// network (search.parallel_copies).
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

class ZoArchitect {
 public:
  ZoArchitect(Supernet net, Architecture& arch, const SearchOptions& options, torch::Device device);

  // `network_sgd`: the network's optimiser, whose momentum the copy inherits.
  void beginStep(int64_t step, const ArchStepContext& context, const torch::optim::SGD& network_sgd,
                 std::mt19937_64& rng);
  void trainPerturbed(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context);
  bool updateDue(int64_t step) const { return (step + 1) % options_.arch.rounds == 0; }
  ArchStepResult step(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context);

  // Phase switch: the perturbed copy gets its kernel variants too.
  void enterPhase2();

  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive, const ArchStepContext& context);

  torch::optim::Adam& optimizer() { return *adam_; }

 private:
  void startRound(const ArchStepContext& context, const torch::optim::SGD& network_sgd, std::mt19937_64& rng);
  void makePerturbedOptimizer(double lr);
  std::unique_ptr<torch::optim::Adam> makeAdam() const;
  double expectedParamsOf(const ArchWeights& w, torch::Tensor* differentiable) const;
  // The budget penalty under `w` (undefined outside phase 2 or without a band); P in `expected`.
  torch::Tensor penaltyOf(const ArchWeights& w, const ArchStepContext& context, double* expected) const;
  // Shortens the Adam step just taken (from `before`) so that P moves by at most `cap`.
  void limitCountStep(const std::vector<torch::Tensor>& before, double expected_before, double cap,
                      const ArchStepContext& context);

  Supernet net_;
  Supernet perturbed_;
  Architecture& arch_;
  SearchOptions options_;
  torch::Device device_;
  std::unique_ptr<torch::optim::Adam> adam_;
  std::unique_ptr<torch::optim::SGD> perturbed_sgd_;
  std::vector<torch::Tensor> u_;  // unit direction, one tensor per active parameter
  double mu_ = 0;
  bool round_open_ = false;
  bool round_phase2_ = false;                     // which parameters u covers
  std::optional<ArchWeights> perturbed_weights_;  // distributions of A + μu this round
  double perturbed_temperature_ = 0;              // ... at this T
};

}  // namespace zd
