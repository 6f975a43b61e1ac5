#include "core/nas/sparsemax.h"

#include <torch/torch.h>

namespace zd {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct SparsemaxFunction : public torch::autograd::Function<SparsemaxFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& z) {
    const int64_t k_max = z.size(-1);
    // Sort descending; the support is the largest k with 1 + k·z_(k) > Σ_{j≤k} z_(j).
    const auto sorted = std::get<0>(z.sort(/*dim=*/-1, /*descending=*/true));
    const auto cumsum = sorted.cumsum(-1);
    const auto k = torch::arange(1, k_max + 1, z.options());
    const auto in_support = (1 + k * sorted) > cumsum;
    const auto support_size = in_support.sum(-1, /*keepdim=*/true);  // >= 1 always
    // τ = (Σ_{j≤k} z_(j) − 1) / k
    const auto tau = (cumsum.gather(-1, support_size - 1) - 1) / support_size.to(z.scalar_type());
    auto p = torch::clamp_min(z - tau, 0);
    ctx->save_for_backward({p});
    return p;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    const auto p = ctx->get_saved_variables()[0];
    const auto& g = grad_outputs[0];
    // J = I − 1·1ᵀ/|S| on the support: subtract the mean of g over S, zero elsewhere.
    const auto support = (p > 0).to(g.scalar_type());
    const auto mean_on_support = (g * support).sum(-1, true) / support.sum(-1, true);
    return {support * (g - mean_on_support)};
  }
};

}  // namespace

torch::Tensor sparsemax(const torch::Tensor& z) { return SparsemaxFunction::apply(z); }

torch::Tensor distributionOf(const torch::Tensor& logits, double temperature, Distribution kind) {
  const auto z = logits / temperature;
  return kind == Distribution::Sparsemax ? sparsemax(z) : torch::softmax(z, -1);
}

}  // namespace zd
