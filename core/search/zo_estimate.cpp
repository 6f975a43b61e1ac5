#include "core/search/zo_estimate.h"

#include <torch/torch.h>

#include <cmath>

namespace zd {

std::vector<torch::Tensor> sampleUnitDirection(const std::vector<torch::Tensor>& like, std::mt19937_64& rng,
                                               torch::Device device) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<torch::Tensor> u;
  double norm2 = 0;
  for (const auto& p : like) {
    std::vector<double> values(static_cast<size_t>(p.numel()));
    for (auto& v : values) {
      v = normal(rng);
      norm2 += v * v;
    }
    u.push_back(torch::tensor(values, torch::kDouble).view(p.sizes()));
  }
  const double norm = std::sqrt(norm2);
  for (auto& t : u) t = (t / norm).to(device, torch::kFloat);
  return u;
}

double zoDirectionalDerivative(const std::vector<torch::Tensor>& g_arch, const std::vector<torch::Tensor>& u,
                               const std::vector<torch::Tensor>& g_weights,
                               const std::vector<torch::Tensor>& weights_perturbed,
                               const std::vector<torch::Tensor>& weights, double mu) {
  torch::NoGradGuard no_grad;
  double g_a_u = 0;
  for (size_t i = 0; i < g_arch.size() && i < u.size(); ++i)
    if (g_arch[i].defined()) g_a_u += (g_arch[i].to(torch::kDouble) * u[i].to(torch::kDouble)).sum().item<double>();
  // Accumulate g_w·(w_perturbed − w) on the device in double, one read at the end.
  torch::Tensor g_w_dw;
  for (size_t i = 0; i < g_weights.size(); ++i) {
    if (!g_weights[i].defined()) continue;
    auto term = (g_weights[i].to(torch::kDouble) * (weights_perturbed[i] - weights[i]).to(torch::kDouble)).sum();
    g_w_dw = g_w_dw.defined() ? g_w_dw + term : term;
  }
  return g_a_u + (g_w_dw.defined() ? g_w_dw.item<double>() : 0.0) / mu;
}

}  // namespace zd
