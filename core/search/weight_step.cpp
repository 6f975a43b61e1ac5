#include "core/search/weight_step.h"

#include "core/common/torch_compat.h"
#include "core/search/search_options.h"

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

StepStats weightStep(Supernet& net, torch::optim::SGD& optimizer, const torch::Tensor& x,
                     const torch::Tensor& y, const ArchWeights& arch, double grad_clip, bool bf16) {
  const auto params = net->parameters();
  zeroGradients(params);
  torch::Tensor logits;
  {
    CudaBf16Autocast autocast(bf16);  // backward runs in the forward's precisions
    logits = net->forward(x, arch);
  }
  const auto loss = torch::nn::functional::cross_entropy(logits.to(torch::kFloat), y);
  loss.backward();
  clipGradientNorm(params, grad_clip);
  optimizer.step();
  StepStats s;
  s.loss = loss.detach();
  s.correct = logits.detach().argmax(1).eq(y).sum();
  s.count = y.size(0);
  return s;
}

void setLearningRate(torch::optim::SGD& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
}

std::unique_ptr<torch::optim::SGD> makeWeightOptimizer(const std::vector<torch::Tensor>& params,
                                                       const WeightOptimOptions& options, double lr) {
  return std::make_unique<torch::optim::SGD>(params, torch::optim::SGDOptions(lr)
                                                         .momentum(options.momentum)
                                                         .nesterov(options.nesterov)
                                                         .weight_decay(options.weight_decay));
}

void copyMomentum(const torch::optim::SGD& from, const std::vector<torch::Tensor>& from_params,
                  torch::optim::SGD& to, const std::vector<torch::Tensor>& to_params) {
  torch::NoGradGuard no_grad;
  auto& target_state = to.state();
  for (size_t i = 0; i < to_params.size() && i < from_params.size(); ++i) {
    target_state.erase(optimizerStateKey(to, to_params[i]));
    const auto it = from.state().find(optimizerStateKey(from, from_params[i]));
    if (it == from.state().end()) continue;
    const auto& momentum = static_cast<const torch::optim::SGDParamState&>(*it->second).momentum_buffer();
    if (!momentum.defined()) continue;
    auto state = std::make_unique<torch::optim::SGDParamState>();
    state->momentum_buffer(momentum.clone());
    target_state[optimizerStateKey(to, to_params[i])] = std::move(state);
  }
}

}  // namespace zd
