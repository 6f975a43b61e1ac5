#include "core/search/direct_gradient_architect.h"

#include <torch/torch.h>

namespace zd {

std::optional<std::vector<torch::Tensor>> DirectGradientArchitect::estimate(const ArchBatch& batch) {
  const auto& active = batch.active;
  auto grads = torch::autograd::grad({batch.loss}, active, /*grad_outputs=*/{}, /*retain_graph=*/false,
                                     /*create_graph=*/false, /*allow_unused=*/true);
  // An unused parameter's gradient is zero (not "none"): Adam's moments still decay.
  for (size_t i = 0; i < grads.size(); ++i)
    if (!grads[i].defined()) grads[i] = torch::zeros_like(active[i]);
  return grads;
}

}  // namespace zd
