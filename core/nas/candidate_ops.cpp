#include "core/nas/candidate_ops.h"

#include <torch/torch.h>

namespace zd {

torch::Tensor avgPool3x3(const torch::Tensor& x) {
  return torch::avg_pool2d(x, /*kernel_size=*/{3, 3}, /*stride=*/{1, 1}, /*padding=*/{1, 1},
                           /*ceil_mode=*/false, /*count_include_pad=*/false);
}

torch::nn::Conv2d makeEdgeConv(int64_t channels, int64_t kernel) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(channels, channels, kernel).stride(1).padding(kernel / 2).bias(true));
}

ReluConvBnImpl::ReluConvBnImpl(int64_t channels, int64_t kernel) {
  conv = register_module("conv", makeEdgeConv(channels, kernel));
  bn = register_module("bn", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels)
                                                        .affine(false)
                                                        .track_running_stats(true)
                                                        .eps(kBatchNormEps)
                                                        .momentum(kBatchNormMomentum)));
}

torch::Tensor ReluConvBnImpl::forward(const torch::Tensor& x) { return bn->forward(conv->forward(torch::relu(x))); }

}  // namespace zd
