// The candidate operations of ALGORITHM.md §1, defined once for the search
// supernet and the discrete (retrained, exported) network, so both compute the
// very same functions.
//   none          zeros (never computed: it contributes exact zeros)
//   skip_connect  identity
//   nor_conv_kxk  ReLU → Conv k×k, pad k/2, with bias → BatchNorm without affine
//   avg_pool_3x3  AvgPool 3×3, stride 1, pad 1, padding not counted
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace zd {

constexpr double kBatchNormEps = 1e-5;
constexpr double kBatchNormMomentum = 0.1;

// AvgPool 3×3, stride 1, pad 1, count_include_pad = false.
torch::Tensor avgPool3x3(const torch::Tensor& x);

// The convolution of a conv op: C → C, k×k, stride 1, pad k/2, with bias.
torch::nn::Conv2d makeEdgeConv(int64_t channels, int64_t kernel);

// ReLU → Conv k×k (bias) → BatchNorm (no affine, running statistics): the conv
// op of the discrete network.
class ReluConvBnImpl : public torch::nn::Module {
 public:
  ReluConvBnImpl(int64_t channels, int64_t kernel);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(ReluConvBn);

}  // namespace zd
