#include "core/train/inference.h"

#include "core/common/cuda_device.h"
#include "core/data/batch_augment.h"

#include <torch/torch.h>

namespace zd {

torch::Tensor predictLogits(DiscreteNetwork& network, const torch::Tensor& images_u8, int64_t batch,
                            const torch::Device& device) {
  torch::NoGradGuard no_grad;
  network->eval();
  std::vector<torch::Tensor> parts;
  const int64_t n = images_u8.size(0);
  for (int64_t begin = 0; begin < n; begin += batch) {
    const int64_t b = std::min(batch, n - begin);
    const auto x = toDeviceAsync(toFloatImages(images_u8.narrow(0, begin, b)), device);
    parts.push_back(network->forward(x).to(torch::kFloat));
  }
  if (parts.empty()) return torch::empty({0, network->options().classes}, torch::kFloat);
  // One copy back at the end: a copy per batch would make the host wait for each.
  return torch::cat(parts, 0).to(torch::kCPU);
}

Evaluation evaluateLogits(const torch::Tensor& logits, const torch::Tensor& labels) {
  Evaluation e;
  e.count = logits.size(0);
  if (e.count == 0) return e;
  const auto y = labels.reshape({-1}).to(logits.device(), torch::kLong);
  e.loss = torch::nn::functional::cross_entropy(logits.to(torch::kDouble), y).item<double>();
  e.accuracy = logits.argmax(1).eq(y).sum().item<double>() / static_cast<double>(e.count);
  return e;
}

}  // namespace zd
