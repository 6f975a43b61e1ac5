#include "core/nas/tensor_rows.h"

#include "core/common/error.h"

#include <torch/torch.h>

namespace zd {

Matrix toMatrix(const torch::Tensor& t) {
  Matrix m;
  if (!t.defined()) return m;
  if (t.dim() != 2) throw ConfigError("toMatrix: expected a 2-D tensor, got " + std::to_string(t.dim()) + "-D");
  const auto cpu = t.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const auto a = cpu.accessor<double, 2>();
  m.resize(static_cast<size_t>(cpu.size(0)));
  for (int64_t r = 0; r < cpu.size(0); ++r)
    for (int64_t c = 0; c < cpu.size(1); ++c) m[static_cast<size_t>(r)].push_back(a[r][c]);
  return m;
}

Genotype deriveGenotype(const torch::Tensor& alpha, const torch::Tensor& beta, const torch::Tensor& gamma,
                        int max_depth) {
  return Genotype::fromDistributions({toMatrix(alpha), toMatrix(beta), toMatrix(gamma)}, max_depth);
}

}  // namespace zd
