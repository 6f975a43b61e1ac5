#include "core/nas/discrete_network.h"

#include "core/common/error.h"

#include <torch/torch.h>

namespace zd {

DiscreteCellImpl::DiscreteCellImpl(const StageGenotype& genotype, int64_t channels) : genotype_(genotype) {
  for (int e = 0; e < kEdges; ++e) {
    const auto& edge = genotype.edges[e];
    if (edge.op == Op::Conv1x1 || edge.op == Op::KernelConv) {
      const int64_t k = edge.op == Op::Conv1x1 ? 1 : edge.kernel;
      convs_[e] = register_module("edge" + std::to_string(e), ReluConvBn(channels, k));
    }
  }
}

torch::Tensor DiscreteCellImpl::forward(const torch::Tensor& x) {
  std::array<torch::Tensor, kNodes> node;
  node[0] = x;
  for (int i = 1; i < kNodes; ++i) {
    for (int e = 0; e < kEdges; ++e) {
      if (kEdgeTo[e] != i || !node[kEdgeFrom[e]].defined()) continue;
      const auto& in = node[kEdgeFrom[e]];
      torch::Tensor out;
      switch (genotype_.edges[e].op) {
        case Op::None: continue;
        case Op::Skip: out = in; break;
        case Op::AvgPool: out = avgPool3x3(in); break;
        case Op::Conv1x1:
        case Op::KernelConv: out = convs_[e]->forward(in); break;
      }
      node[i] = node[i].defined() ? node[i] + out : out;
    }
  }
  return node[kNodes - 1].defined() ? node[kNodes - 1] : torch::zeros_like(x);
}

DiscreteNetworkImpl::DiscreteNetworkImpl(const Genotype& genotype, const DiscreteNetworkOptions& options)
    : genotype_(genotype), options_(options) {
  if (static_cast<int>(genotype.stages.size()) != kStages)
    throw ConfigError("genotype has " + std::to_string(genotype.stages.size()) + " stages, expected " +
                      std::to_string(kStages));
  const int64_t c = options.channels;
  stem_ = register_module("stem", Stem(options.in_channels, c));
  cells_.resize(kStages);
  for (int s = 0; s < kStages; ++s) {
    const int64_t stage_channels = c << s;
    const auto& stage = genotype.stages[s];
    if (stage.depth < 1) throw ConfigError("genotype stage " + std::to_string(s + 1) + ": depth must be >= 1");
    for (int i = 0; i < stage.depth; ++i)
      cells_[s].push_back(register_module("stage" + std::to_string(s) + "_cell" + std::to_string(i),
                                          DiscreteCell(stage, stage_channels)));
    if (s + 1 < kStages)
      reductions_.push_back(register_module("reduction" + std::to_string(s),
                                            ReductionBlock(stage_channels, stage_channels * 2)));
  }
  head_ = register_module("head", Head(c << (kStages - 1), options.classes));
}

torch::Tensor DiscreteNetworkImpl::forward(const torch::Tensor& x) {
  auto h = stem_->forward(x);
  for (int s = 0; s < kStages; ++s) {
    for (auto& cell : cells_[s]) h = cell->forward(h);
    if (s + 1 < kStages) h = reductions_[s]->forward(h);
  }
  return head_->forward(h);
}

int64_t countParameters(const torch::nn::Module& module) {
  int64_t total = 0;
  for (const auto& p : module.parameters()) total += p.numel();
  return total;
}

}  // namespace zd
