#include "core/job/sgd_step.h"

#include <torch/torch.h>

namespace zd {

void zeroGradients(const std::vector<torch::Tensor>& params) {
  for (auto p : params) {
    auto& g = p.mutable_grad();
    if (g.defined()) {
      g.detach_();
      g.zero_();
    } else {
      g = torch::zeros_like(p);
    }
  }
}

BatchResult StepStats::read() const {
  BatchResult r;
  r.loss = loss.item<double>();
  r.correct = correct.item<int64_t>();
  r.count = count;
  return r;
}

void clipGradientNorm(const std::vector<torch::Tensor>& params, double max_norm) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> norms;
  for (const auto& p : params)
    if (p.grad().defined()) norms.push_back(p.grad().norm(2));
  if (norms.empty()) return;
  const auto total = torch::stack(norms).norm(2);
  // As LibTorch's: scale by max_norm / (‖g‖ + 1e-6) when that is below 1.
  const auto scale = (max_norm / (total + 1e-6)).clamp_max(1.0);
  for (const auto& p : params)
    if (p.grad().defined()) p.grad().mul_(scale.to(p.grad().scalar_type()));
}

void sgdStep(torch::optim::SGD& optimizer, const std::vector<torch::Tensor>& params, const torch::Tensor& loss,
             double grad_clip) {
  loss.backward();
  if (grad_clip > 0) clipGradientNorm(params, grad_clip);
  optimizer.step();
}

void setLearningRate(torch::optim::SGD& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
}

}  // namespace zd
