#include "core/nas/param_count.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <sstream>

namespace zd {
namespace {

// A k×k conv with bias at C_s in and out channels: (k²·C_s + 1)·C_s.
int64_t convParams(int64_t k, int64_t c) { return (k * k * c + 1) * c; }

void requireShape(const torch::Tensor& t, int64_t rows, int64_t cols, const char* what) {
  if (t.dim() == 2 && t.size(0) == rows && t.size(1) == cols) return;
  std::ostringstream got;
  got << t.sizes();
  throw ConfigError(std::string("expectedParams: ") + what + " must have shape [" + std::to_string(rows) + ", " +
                    std::to_string(cols) + "], got " + got.str());
}

}  // namespace

int64_t reductionParams(int64_t in, int64_t out) {
  // conv a 3×3 in->out + conv b 3×3 out->out, two affine BNs (2·out each), shortcut 1×1.
  return 9 * (in + out) * out + in * out + 4 * out;
}

int64_t fixedParams(int64_t in_channels, int64_t channels, int64_t classes) {
  const int64_t c = channels;
  const int64_t stem = 9 * in_channels * c + 2 * c;            // 3×3 conv without bias + affine BN
  const int64_t head = 2 * 4 * c + 4 * c * classes + classes;  // affine BN(4C) + Linear(4C -> K)
  return stem + reductionParams(c, 2 * c) + reductionParams(2 * c, 4 * c) + head;
}

int64_t edgeParams(const EdgeChoice& edge, int64_t channels) {
  // Cell BatchNorms have no affine parameters (§1): only the conv weights and biases count.
  switch (edge.op) {
    case Op::Conv1x1: return convParams(1, channels);
    case Op::KernelConv: return convParams(edge.kernel, channels);
    default: return 0;
  }
}

int64_t cellParams(const StageGenotype& stage, int64_t channels) {
  int64_t sum = 0;
  for (const EdgeChoice& e : stage.edges) sum += edgeParams(e, channels);
  return sum;
}

int64_t exactParams(const Genotype& genotype, int64_t in_channels, int64_t channels, int64_t classes) {
  int64_t sum = fixedParams(in_channels, channels, classes);
  for (size_t s = 0; s < genotype.stages.size(); ++s) {
    const StageGenotype& st = genotype.stages[s];
    sum += st.depth * cellParams(st, stageChannels(channels, static_cast<int>(s)));
  }
  return sum;
}

int64_t supernetParams(int64_t in_channels, int64_t channels, int64_t cells, int64_t classes) {
  int64_t sum = fixedParams(in_channels, channels, classes);
  for (int s = 0; s < kStages; ++s) {
    const int64_t c = stageChannels(channels, s);
    sum += cells * kEdges * (convParams(1, c) + convParams(kKernelSizes[0], c));
  }
  return sum;
}

torch::Tensor expectedParams(const torch::Tensor& alpha_p, const torch::Tensor& beta_q, const torch::Tensor& gamma_g,
                             int64_t in_channels, int64_t channels, int64_t cells, int64_t classes) {
  requireShape(alpha_p, kStages * kEdges, kOps, "alpha_p");
  if (beta_q.defined()) requireShape(beta_q, kStages * kEdges, kKernels, "beta_q");
  if (gamma_g.defined()) requireShape(gamma_g, kStages, cells, "gamma_g");
  if (cells < 1) throw ConfigError("expectedParams: cells must be >= 1, got " + std::to_string(cells));

  // Double throughout: P is ~1e6 and must match the exact count to the last weight.
  const auto opts = torch::TensorOptions().dtype(torch::kDouble).device(alpha_p.device());
  std::vector<double> conv1(kStages), kconv(kStages * kKernels);
  for (int s = 0; s < kStages; ++s) {
    const int64_t c = stageChannels(channels, s);
    conv1[s] = static_cast<double>(convParams(1, c));
    for (int k = 0; k < kKernels; ++k) kconv[s * kKernels + k] = static_cast<double>(convParams(kKernelSizes[k], c));
  }
  const torch::Tensor conv1_t = torch::tensor(conv1, opts).view({kStages, 1});
  const torch::Tensor kconv_t = torch::tensor(kconv, opts).view({kStages, 1, kKernels});

  const torch::Tensor p = alpha_p.to(torch::kDouble).reshape({kStages, kEdges, kOps});
  // Σ_k q_e[k]·(k²·C_s+1)·C_s per edge; phase 1 has only the 7×7 conv.
  const torch::Tensor kv_cost = beta_q.defined()
                                    ? (beta_q.to(torch::kDouble).reshape({kStages, kEdges, kKernels}) * kconv_t).sum(2)
                                    : kconv_t.select(2, 0);  // [kStages, 1], broadcast over edges
  // edge_e = p_e[conv1x1]·(C_s+1)·C_s + p_e[kvconv]·kv_cost_e;  cell_s = Σ_e edge_e.
  const torch::Tensor edge = p.select(2, static_cast<int>(Op::Conv1x1)) * conv1_t +
                             p.select(2, static_cast<int>(Op::KernelConv)) * kv_cost;
  const torch::Tensor cell = edge.sum(1);
  // stage_s = Σ_d g_s[d]·d·cell_s: the expected depth times the cell's weights.
  const torch::Tensor depth = gamma_g.defined()
                                  ? (gamma_g.to(torch::kDouble) * torch::arange(1, cells + 1, opts)).sum(1)
                                  : torch::full({kStages}, static_cast<double>(cells), opts);
  return (depth * cell).sum() + static_cast<double>(fixedParams(in_channels, channels, classes));
}

}  // namespace zd
