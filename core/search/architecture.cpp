#include "core/search/architecture.h"

#include "core/nas/sparsemax.h"
#include "core/nas/tensor_rows.h"

#include <torch/torch.h>

namespace zd {
namespace {

torch::Tensor initParameter(std::vector<int64_t> shape, double scale, torch::Device device) {
  return (torch::randn(shape, torch::kFloat) * scale).to(device).requires_grad_(true);
}

}  // namespace

Architecture::Architecture(int64_t cells, double init_scale, torch::Device device)
    : alpha(initParameter({kStages * kEdges, kOps}, init_scale, device)),
      beta(initParameter({kStages * kEdges, kKernels}, init_scale, device)),
      gamma(initParameter({kStages, cells}, init_scale, device)) {}

std::vector<torch::Tensor> Architecture::active(bool phase2) const {
  if (phase2) return {alpha, beta, gamma};
  return {alpha};
}

ArchWeights Architecture::distributions(double temperature, Distribution kind, bool phase2) const {
  return distributionsOf(all(), temperature, kind, phase2);
}

ArchWeights Architecture::distributionsOf(const std::vector<torch::Tensor>& params, double temperature,
                                          Distribution kind, bool phase2) {
  ArchWeights w;
  w.alpha = distributionOf(params[0], temperature, kind);
  if (phase2) {
    w.beta = distributionOf(params[1], temperature, kind);
    w.gamma = distributionOf(params[2], temperature, kind);
  }
  return w;
}

ArchDistributions toEventDistributions(const ArchWeights& weights) {
  return {toMatrix(weights.alpha), toMatrix(weights.beta), toMatrix(weights.gamma)};
}

}  // namespace zd
