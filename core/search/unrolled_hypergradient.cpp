#include "core/search/unrolled_hypergradient.h"

#include <torch/torch.h>

#include <cmath>

namespace zd {
namespace {

// ∂loss/∂inputs with zeros for inputs the loss does not reach.
std::vector<torch::Tensor> gradients(const torch::Tensor& loss, const std::vector<torch::Tensor>& inputs) {
  auto g = torch::autograd::grad({loss}, inputs, /*grad_outputs=*/{}, /*retain_graph=*/false,
                                 /*create_graph=*/false, /*allow_unused=*/true);
  for (size_t i = 0; i < g.size(); ++i)
    if (!g[i].defined()) g[i] = torch::zeros_like(inputs[i]);
  return g;
}

// weights[i] += scale · direction[i] for every weight.
void shift(const std::vector<torch::Tensor>& weights, const std::vector<torch::Tensor>& direction, double scale) {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < weights.size(); ++i) weights[i].add_(direction[i], scale);
}

}  // namespace

std::vector<torch::Tensor> unrolledHypergradient(const std::function<torch::Tensor()>& train_loss,
                                                 const std::function<torch::Tensor()>& val_loss,
                                                 const std::vector<torch::Tensor>& weights,
                                                 const std::vector<torch::Tensor>& arch,
                                                 const std::vector<torch::Tensor>& momentum_buffers,
                                                 const UnrolledStep& step) {
  std::vector<torch::Tensor> original;
  for (const auto& w : weights) original.push_back(w.detach().clone());

  // w' = w − ξ·(m·b + ∇_w L_train + δ·w)
  const auto g_train = gradients(train_loss(), weights);
  std::vector<torch::Tensor> virtual_step;
  for (size_t i = 0; i < weights.size(); ++i) {
    auto d = g_train[i] + step.weight_decay * original[i];
    if (i < momentum_buffers.size() && momentum_buffers[i].defined()) d = d + step.momentum * momentum_buffers[i];
    virtual_step.push_back(d);
  }
  shift(weights, virtual_step, -step.xi);

  // ∇_A L_val(w', A) and ∇_{w'} L_val(w', A) from one backward.
  std::vector<torch::Tensor> inputs = arch;
  inputs.insert(inputs.end(), weights.begin(), weights.end());
  const auto g_val = gradients(val_loss(), inputs);
  std::vector<torch::Tensor> g_arch(g_val.begin(), g_val.begin() + static_cast<long>(arch.size()));
  const std::vector<torch::Tensor> v(g_val.begin() + static_cast<long>(arch.size()), g_val.end());

  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < weights.size(); ++i) weights[i].copy_(original[i]);
  }
  double norm2 = 0;
  for (const auto& t : v) norm2 += t.pow(2).sum().item<double>();
  const double norm = std::sqrt(norm2);
  if (!(norm > 0)) return g_arch;  // L_val does not depend on w: no implicit part
  const double eps = step.eps_scale / norm;

  // The Hessian-vector product by a central difference around w.
  shift(weights, v, eps);
  const auto g_plus = gradients(train_loss(), arch);
  shift(weights, v, -2 * eps);
  const auto g_minus = gradients(train_loss(), arch);
  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < weights.size(); ++i) weights[i].copy_(original[i]);
    for (size_t i = 0; i < arch.size(); ++i) g_arch[i] = g_arch[i] - step.xi * (g_plus[i] - g_minus[i]) / (2 * eps);
  }
  return g_arch;
}

}  // namespace zd
