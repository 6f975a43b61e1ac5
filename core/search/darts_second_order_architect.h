// Second-order DARTS (search.arch.estimator "darts2"; Liu et al. 2019, eqs. 7–8):
// the hypergradient through one virtual SGD step of the weights on the latest
// weight batch, w' = w − ξ·∇_w L_train, with the Hessian-vector product by a
// central difference (unrolled_hypergradient.h); ξ is the weights' learning rate
// in force, the momentum and weight decay those of the weights' optimiser. The
// baseline ZO-DARTS++'s search time is measured against (ALGORITHM.md §8). The
// budget penalty depends on A alone: its exact gradient is added.
//
// The reference takes the architecture step before the weight step on the same
// weight batch; here it follows it (the engine's order for every estimator). The
// virtual steps leave the network's weights and BatchNorm statistics as they were.
#pragma once

#include "core/search/architect_step.h"

namespace zd {

class DartsSecondOrderArchitect : public ArchitectStep {
 public:
  using ArchitectStep::ArchitectStep;

  void beginStep(int64_t step, const ArchStepContext& context, const torch::optim::SGD& network_sgd,
                 std::mt19937_64& rng) override;
  // Keeps the weight batch for the virtual step (trains nothing).
  void trainAlongside(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context) override;

 protected:
  std::optional<std::vector<torch::Tensor>> estimate(const ArchBatch& batch) override;
  bool penaltyApart() const override { return true; }

 private:
  const torch::optim::SGD* network_sgd_ = nullptr;
  torch::Tensor weight_x_, weight_y_;  // the latest weight batch
};

}  // namespace zd
