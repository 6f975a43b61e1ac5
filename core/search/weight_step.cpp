#include "core/search/weight_step.h"

#include "core/common/torch_compat.h"
#include "core/search/search_options.h"

#include <torch/torch.h>

namespace zd {

StepStats weightStep(Supernet& net, torch::optim::SGD& optimizer, const torch::Tensor& x, const torch::Tensor& y,
                     const ArchWeights& arch, double grad_clip, bool bf16) {
  const auto params = net->parameters();
  zeroGradients(params);
  torch::Tensor logits;
  {
    CudaBf16Autocast autocast(bf16);  // backward runs in the forward's precisions
    logits = net->forward(x, arch);
  }
  const auto loss = torch::nn::functional::cross_entropy(logits.to(torch::kFloat), y);
  sgdStep(optimizer, params, loss, grad_clip);
  StepStats s;
  s.loss = loss.detach();
  s.correct = logits.detach().argmax(1).eq(y).sum();
  s.count = y.size(0);
  return s;
}

std::unique_ptr<torch::optim::SGD> makeWeightOptimizer(const std::vector<torch::Tensor>& params,
                                                       const WeightOptimOptions& options, double lr) {
  return std::make_unique<torch::optim::SGD>(params, torch::optim::SGDOptions(lr)
                                                         .momentum(options.momentum)
                                                         .nesterov(options.nesterov)
                                                         .weight_decay(options.weight_decay));
}

std::vector<torch::Tensor> momentumBuffers(const torch::optim::SGD& optimizer,
                                           const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> buffers;
  for (const auto& p : params) {
    const auto it = optimizer.state().find(optimizerStateKey(optimizer, p));
    buffers.push_back(it == optimizer.state().end()
                          ? torch::Tensor()
                          : static_cast<const torch::optim::SGDParamState&>(*it->second).momentum_buffer());
  }
  return buffers;
}

void copyMomentum(const torch::optim::SGD& from, const std::vector<torch::Tensor>& from_params, torch::optim::SGD& to,
                  const std::vector<torch::Tensor>& to_params) {
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
