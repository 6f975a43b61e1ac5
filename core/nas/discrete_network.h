// The discrete network of a genotype (ALGORITHM.md §7): the supernet's layout with
// one op per kept edge and each stage's own depth. The same op definitions as the
// search, except that every BatchNorm tracks running statistics, so inference is
// deterministic and exportable; its parameter count is exactly §5's formula.
#pragma once

#include "core/nas/candidate_ops.h"
#include "core/nas/genotype.h"
#include "core/nas/fixed_blocks.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <array>
#include <vector>

namespace zd {

class DiscreteCellImpl : public torch::nn::Module {
 public:
  DiscreteCellImpl(const StageGenotype& genotype, int64_t channels);
  // A node without a live input is zero and its outgoing edges are pruned; a cell
  // whose output is unreachable returns zeros.
  torch::Tensor forward(const torch::Tensor& x);

 private:
  StageGenotype genotype_;
  std::array<ReluConvBn, kEdges> convs_{nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
};
TORCH_MODULE(DiscreteCell);

struct DiscreteNetworkOptions {
  int64_t in_channels = 1;
  int64_t classes = 2;
  int64_t channels = 16;  // C
};

class DiscreteNetworkImpl : public torch::nn::Module {
 public:
  DiscreteNetworkImpl(const Genotype& genotype, const DiscreteNetworkOptions& options);
  torch::Tensor forward(const torch::Tensor& x);
  const Genotype& genotype() const { return genotype_; }
  const DiscreteNetworkOptions& options() const { return options_; }

 private:
  Genotype genotype_;
  DiscreteNetworkOptions options_;
  Stem stem_{nullptr};
  std::vector<std::vector<DiscreteCell>> cells_;
  std::vector<ReductionBlock> reductions_;
  Head head_{nullptr};
};
TORCH_MODULE(DiscreteNetwork);

// Σ numel of a module's parameters (buffers excluded).
int64_t countParameters(const torch::nn::Module& module);

}  // namespace zd
