// The fixed parts around the searched cells (§1): the stem, the reduction block
// (a ResNet basic block with stride 2) and the classification head. Shared by the
// supernet and the discrete network. Their BatchNorms are affine with running stats.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace zd {

// Conv 3×3 (in → C, no bias) → BatchNorm(C).
class StemImpl : public torch::nn::Module {
 public:
  StemImpl(int64_t in_channels, int64_t channels);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(Stem);

// a = ReLU→Conv3×3 s2→BN, b = ReLU→Conv3×3 s1→BN, shortcut = AvgPool 2×2 s2 →
// Conv 1×1; output b(a(x)) + shortcut(x). Convolutions have no bias.
class ReductionBlockImpl : public torch::nn::Module {
 public:
  ReductionBlockImpl(int64_t in_channels, int64_t out_channels);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d conv_a{nullptr}, conv_b{nullptr}, shortcut{nullptr};
  torch::nn::BatchNorm2d bn_a{nullptr}, bn_b{nullptr};
};
TORCH_MODULE(ReductionBlock);

// BatchNorm(C) → ReLU → global average pool → Linear(C → classes).
class HeadImpl : public torch::nn::Module {
 public:
  HeadImpl(int64_t channels, int64_t classes);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::BatchNorm2d bn{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(Head);

}  // namespace zd
