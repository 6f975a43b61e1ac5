#include "core/search/architecture.h"

#include "core/nas/sparsemax.h"

#include <torch/torch.h>

namespace zd {
namespace {

torch::Tensor initParameter(std::vector<int64_t> shape, double scale, torch::Device device) {
  return (torch::randn(shape, torch::kFloat) * scale).to(device).requires_grad_(true);
}

Matrix toMatrix(const torch::Tensor& t) {
  Matrix m;
  if (!t.defined()) return m;
  const auto cpu = t.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const auto a = cpu.accessor<double, 2>();
  m.resize(static_cast<size_t>(cpu.size(0)));
  for (int64_t r = 0; r < cpu.size(0); ++r)
    for (int64_t c = 0; c < cpu.size(1); ++c) m[static_cast<size_t>(r)].push_back(a[r][c]);
  return m;
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
