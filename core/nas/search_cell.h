// A searched cell (ALGORITHM.md §1–3): a 4-node DAG whose 6 edges each compute a
// mix of the candidate operations, weighted by the stage's distributions.
#pragma once

#include "core/nas/search_space.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <array>
#include <vector>

namespace zd {

// One stage's distributions as the cells consume them, plus which terms to compute.
struct CellWeights {
  torch::Tensor ops;      // [6, 5] op distribution of each edge
  torch::Tensor kernels;  // [6, 3] kernel distribution (7, 5, 3); undefined in phase 1 (7×7 only)
  // Which (edge, op) and (edge, kernel) terms are computed. With skipping, exactly
  // those with nonzero weight: the others add exact zeros to the output and,
  // through sparsemax's Jacobian, exact zeros to every gradient.
  std::array<std::array<bool, kOps>, kEdges> op_on{};
  std::array<std::array<bool, kKernels>, kEdges> kernel_on{};
  // When set, the multiply-accumulates of the convolutions computed are added here
  // (for the benchmark's GMAC/s).
  int64_t* macs = nullptr;
};

class SearchCellImpl : public torch::nn::Module {
 public:
  explicit SearchCellImpl(int64_t channels);

  // node_i = Σ_{j<i} edge_{j→i}(node_j), edge(x) = Σ_o p_o · op_o(x); returns node 3.
  // The conv terms leaving one node are computed as one convolution per kernel
  // size (weights concatenated along the output channels): the same function,
  // fewer and larger kernels.
  torch::Tensor forward(const torch::Tensor& x, const CellWeights& weights);

  // Phase switch (§3): creates every edge's 5×5 and 3×3 convolutions from the
  // centre crops of its trained 7×7 kernel (bias copied). Returns the new
  // parameters, which the caller adds to the weight optimiser.
  std::vector<torch::Tensor> addKernelVariants();
  bool hasKernelVariants() const { return has_variants_; }

 private:
  struct ConvTerm {
    const torch::nn::Conv2d* conv;
    torch::Tensor coefficient;
    int target;
  };
  void addOutgoingTerms(int node, const torch::Tensor& input, const CellWeights& weights,
                        std::array<torch::Tensor, kNodes>& sums) const;
  static void addConvGroup(const std::vector<ConvTerm>& group, int64_t kernel, const torch::Tensor& relu_input,
                           std::array<torch::Tensor, kNodes>& sums, int64_t* macs);

  int64_t channels_;
  bool has_variants_ = false;
  std::vector<torch::nn::Conv2d> conv1x1_;                      // per edge
  std::vector<std::array<torch::nn::Conv2d, kKernels>> kconv_;  // per edge, per kernel (7, 5, 3)
};
TORCH_MODULE(SearchCell);

}  // namespace zd
