#include "core/nas/fixed_blocks.h"

#include <torch/torch.h>

namespace zd {
namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

torch::nn::BatchNorm2d affineBn(int64_t channels) {
  return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels));
}

}  // namespace

StemImpl::StemImpl(int64_t in_channels, int64_t channels) {
  conv = register_module("conv", zd::conv(in_channels, channels, /*kernel=*/3, /*stride=*/1));
  bn = register_module("bn", affineBn(channels));
}

torch::Tensor StemImpl::forward(const torch::Tensor& x) { return bn->forward(conv->forward(x)); }

ReductionBlockImpl::ReductionBlockImpl(int64_t in_channels, int64_t out_channels) {
  conv_a = register_module("conv_a", conv(in_channels, out_channels, /*kernel=*/3, /*stride=*/2));
  bn_a = register_module("bn_a", affineBn(out_channels));
  conv_b = register_module("conv_b", conv(out_channels, out_channels, /*kernel=*/3, /*stride=*/1));
  bn_b = register_module("bn_b", affineBn(out_channels));
  shortcut = register_module("shortcut", conv(in_channels, out_channels, /*kernel=*/1, /*stride=*/1));
}

torch::Tensor ReductionBlockImpl::forward(const torch::Tensor& x) {
  auto a = bn_a->forward(conv_a->forward(torch::relu(x)));
  auto b = bn_b->forward(conv_b->forward(torch::relu(a)));
  auto s = shortcut->forward(torch::avg_pool2d(x, /*kernel_size=*/{2, 2}, /*stride=*/{2, 2}));
  return b + s;
}

HeadImpl::HeadImpl(int64_t channels, int64_t classes) {
  bn = register_module("bn", affineBn(channels));
  classifier = register_module("classifier", torch::nn::Linear(channels, classes));
}

torch::Tensor HeadImpl::forward(const torch::Tensor& x) {
  auto h = torch::relu(bn->forward(x));
  h = torch::adaptive_avg_pool2d(h, {1, 1}).flatten(1);
  return classifier->forward(h);
}

}  // namespace zd
