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
//   trainAlongside()   the perturbed copy's SGD step on the same batch as the real one
//   step()             when (t+1) mod R = 0: ĝ = (g_A·u + g_w·v)·u with
//                      v = (w_perturbed − w)/μ, plus ∇_A(λ·penalty) in full (§5), then
//                      one Adam step on A (ArchitectStep).
#pragma once

#include "core/search/architect_step.h"

namespace zd {

class ZoArchitect : public ArchitectStep {
 public:
  ZoArchitect(Supernet net, Architecture& arch, const SearchOptions& options, torch::Device device);

  void beginStep(int64_t step, const ArchStepContext& context, const torch::optim::SGD& network_sgd,
                 std::mt19937_64& rng) override;
  void trainAlongside(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context) override;
  // The perturbed copy gets its kernel variants too.
  void enterPhase2() override;

 protected:
  std::optional<std::vector<torch::Tensor>> estimate(const ArchBatch& batch) override;
  // "full" adds the penalty's exact gradient to the estimate; "projected" folds it
  // into L_val, so that it is seen only along u.
  bool penaltyApart() const override { return options_.arch.penalty_gradient == PenaltyGradient::Full; }
  void saveState(torch::serialize::OutputArchive& archive) const override;
  void loadState(torch::serialize::InputArchive& archive, const ArchStepContext& context) override;

 private:
  void startRound(const ArchStepContext& context, const torch::optim::SGD& network_sgd, std::mt19937_64& rng);
  void makePerturbedOptimizer(double lr);

  Supernet perturbed_;
  std::unique_ptr<torch::optim::SGD> perturbed_sgd_;
  std::vector<torch::Tensor> u_;  // unit direction, one tensor per active parameter
  double mu_ = 0;
  bool round_open_ = false;
  bool round_phase2_ = false;                     // which parameters u covers
  std::optional<ArchWeights> perturbed_weights_;  // distributions of A + μu this round
  double perturbed_temperature_ = 0;              // ... at this T
};

}  // namespace zd
