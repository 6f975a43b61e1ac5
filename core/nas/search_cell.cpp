#include "core/nas/search_cell.h"

#include "core/nas/candidate_ops.h"
#include "core/nas/normalized_terms.h"

#include <torch/torch.h>

namespace zd {
namespace {

// sum += coefficient · value, as one fused kernel (addcmul) once the sum exists:
// one pass over the activations instead of a multiply and an add.
void accumulate(torch::Tensor& sum, const torch::Tensor& coefficient, const torch::Tensor& value) {
  sum = sum.defined() ? torch::addcmul(sum, coefficient, value) : coefficient * value;
}

}  // namespace

SearchCellImpl::SearchCellImpl(int64_t channels) : channels_(channels) {
  for (int e = 0; e < kEdges; ++e) {
    const std::string edge = "edge" + std::to_string(e);
    conv1x1_.push_back(register_module(edge + "_conv1x1", makeEdgeConv(channels, 1)));
    std::array<torch::nn::Conv2d, kKernels> kernels{nullptr, nullptr, nullptr};
    kernels[0] = register_module(edge + "_conv7x7", makeEdgeConv(channels, kKernelSizes[0]));
    kconv_.push_back(kernels);
  }
}

std::vector<torch::Tensor> SearchCellImpl::addKernelVariants() {
  std::vector<torch::Tensor> created;
  if (has_variants_) return created;
  torch::NoGradGuard no_grad;
  for (int e = 0; e < kEdges; ++e) {
    const auto& big = kconv_[e][0];
    for (int ki = 1; ki < kKernels; ++ki) {
      const int64_t k = kKernelSizes[ki];
      const int64_t offset = (kKernelSizes[0] - k) / 2;
      auto conv = makeEdgeConv(channels_, k);
      conv->to(big->weight.device());
      // Weight inheritance: the centre k×k crop of the trained 7×7 kernel.
      conv->weight.copy_(big->weight.narrow(2, offset, k).narrow(3, offset, k));
      conv->bias.copy_(big->bias);
      kconv_[e][ki] = register_module("edge" + std::to_string(e) + "_conv" + std::to_string(k) + "x" +
                                          std::to_string(k),
                                      conv);
      created.push_back(conv->weight);
      created.push_back(conv->bias);
    }
  }
  has_variants_ = true;
  return created;
}

torch::Tensor SearchCellImpl::forward(const torch::Tensor& x, const CellWeights& weights) {
  // sums[i] accumulates node i's incoming edge terms; node 0 is the input.
  std::array<torch::Tensor, kNodes> sums;
  sums[0] = x;
  for (int j = 0; j < kNodes - 1; ++j) {
    // A node all of whose inputs were skipped is exactly zero, and so is every
    // op applied to it (BatchNorm of a constant is 0): nothing to compute.
    if (sums[j].defined()) addOutgoingTerms(j, sums[j], weights, sums);
  }
  const auto& out = sums[kNodes - 1];
  return out.defined() ? out : torch::zeros_like(x);
}

void SearchCellImpl::addOutgoingTerms(int node, const torch::Tensor& input, const CellWeights& w,
                                      std::array<torch::Tensor, kNodes>& sums) const {
  const bool phase2 = w.kernels.defined();
  torch::Tensor pooled, relu_input;
  std::vector<ConvTerm> conv1x1_terms;
  std::array<std::vector<ConvTerm>, kKernels> kernel_terms;
  for (int e = 0; e < kEdges; ++e) {
    if (kEdgeFrom[e] != node) continue;
    const int to = kEdgeTo[e];
    const auto& on = w.op_on[e];
    const auto p = w.ops[e];
    if (on[static_cast<int>(Op::Skip)]) accumulate(sums[to], p[static_cast<int>(Op::Skip)], input);
    if (on[static_cast<int>(Op::AvgPool)]) {
      if (!pooled.defined()) pooled = avgPool3x3(input);
      accumulate(sums[to], p[static_cast<int>(Op::AvgPool)], pooled);
    }
    if (on[static_cast<int>(Op::Conv1x1)])
      conv1x1_terms.push_back({&conv1x1_[e], p[static_cast<int>(Op::Conv1x1)], to});
    if (on[static_cast<int>(Op::KernelConv)]) {
      const auto p_conv = p[static_cast<int>(Op::KernelConv)];
      if (!phase2) {
        kernel_terms[0].push_back({&kconv_[e][0], p_conv, to});
      } else {
        for (int ki = 0; ki < kKernels; ++ki)
          if (w.kernel_on[e][ki]) kernel_terms[ki].push_back({&kconv_[e][ki], p_conv * w.kernels[e][ki], to});
      }
    }
  }
  if (conv1x1_terms.empty() && kernel_terms[0].empty() && kernel_terms[1].empty() && kernel_terms[2].empty()) return;
  relu_input = torch::relu(input);  // shared by every conv term leaving this node
  addConvGroup(conv1x1_terms, 1, relu_input, sums, w.macs);
  for (int ki = 0; ki < kKernels; ++ki) addConvGroup(kernel_terms[ki], kKernelSizes[ki], relu_input, sums, w.macs);
}

void SearchCellImpl::addConvGroup(const std::vector<ConvTerm>& group, int64_t kernel, const torch::Tensor& relu_input,
                                  std::array<torch::Tensor, kNodes>& sums, int64_t* macs) {
  if (group.empty()) return;
  torch::Tensor weight, bias;
  if (group.size() == 1) {
    weight = (*group[0].conv)->weight;
    bias = (*group[0].conv)->bias;
  } else {
    std::vector<torch::Tensor> ws, bs;
    for (const auto& t : group) {
      ws.push_back((*t.conv)->weight);
      bs.push_back((*t.conv)->bias);
    }
    weight = torch::cat(ws, 0);
    bias = torch::cat(bs, 0);
  }
  const auto y = torch::conv2d(relu_input, weight, bias, /*stride=*/1, /*padding=*/kernel / 2);
  if (macs) *macs += y.numel() * weight.size(1) * kernel * kernel;
  // BatchNorm without affine is per channel, so normalising the concatenation
  // equals normalising each edge's output on its own.
  std::vector<torch::Tensor> coefficients, bases;
  for (const auto& term : group) {
    coefficients.push_back(term.coefficient);
    bases.push_back(sums[term.target]);
  }
  const auto added = addNormalizedTerms(y, coefficients, bases);
  for (size_t i = 0; i < group.size(); ++i) sums[group[i].target] = added[i];
}

}  // namespace zd
