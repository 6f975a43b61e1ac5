// First-order DARTS (search.arch.estimator "darts1"; Liu et al. 2019, eq. 7 with
// ξ = 0): the hypergradient taken as ∂L_val(w, A)/∂A at the current weights,
// i.e. w*(A) ≈ w. The budget penalty is folded into L_val, so its gradient is
// exact here too. The baseline ZO-DARTS++ is measured against (ALGORITHM.md §8).
#pragma once

#include "core/search/architect_step.h"

namespace zd {

class DirectGradientArchitect : public ArchitectStep {
 public:
  using ArchitectStep::ArchitectStep;

 protected:
  std::optional<std::vector<torch::Tensor>> estimate(const ArchBatch& batch) override;
  bool penaltyApart() const override { return false; }
};

}  // namespace zd
