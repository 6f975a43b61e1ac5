#include "core/search/darts_second_order_architect.h"

#include "core/search/unrolled_hypergradient.h"
#include "core/search/weight_step.h"

#include <torch/torch.h>

namespace zd {

void DartsSecondOrderArchitect::beginStep(int64_t, const ArchStepContext&, const torch::optim::SGD& network_sgd,
                                          std::mt19937_64&) {
  network_sgd_ = &network_sgd;
}

void DartsSecondOrderArchitect::trainAlongside(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext&) {
  weight_x_ = x;
  weight_y_ = y;
}

std::optional<std::vector<torch::Tensor>> DartsSecondOrderArchitect::estimate(const ArchBatch& batch) {
  if (!weight_x_.defined()) return std::nullopt;  // no weight step yet (cannot happen: updates follow one)
  const auto& ctx = batch.context;
  const auto lossOn = [&](const torch::Tensor& x, const torch::Tensor& y) {
    return [&, x, y] {
      const auto w = arch_.distributions(ctx.temperature, options_.distribution, ctx.phase2);
      return torch::nn::functional::cross_entropy(net_->forward(x, w), y);
    };
  };
  const auto weights = net_->parameters();
  UnrolledStep step;
  step.xi = ctx.lr;
  step.momentum = options_.weights.momentum;
  step.weight_decay = options_.weights.weight_decay;
  step.eps_scale = options_.arch.unrolled_eps;
  // The four extra forwards run in training mode (BatchNorm on batch statistics,
  // as the reference's) but must not move the running statistics.
  std::vector<torch::Tensor> statistics;
  for (const auto& b : net_->buffers()) statistics.push_back(b.clone());
  auto g = unrolledHypergradient(lossOn(weight_x_, weight_y_), lossOn(batch.x, batch.y), weights, batch.active,
                                 network_sgd_ ? momentumBuffers(*network_sgd_, weights) : std::vector<torch::Tensor>{},
                                 step);
  torch::NoGradGuard no_grad;
  const auto buffers = net_->buffers();
  for (size_t i = 0; i < buffers.size(); ++i) buffers[i].copy_(statistics[i]);
  return g;
}

}  // namespace zd
