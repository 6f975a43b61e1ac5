#include "core/nas/supernet.h"

#include <torch/torch.h>

namespace zd {

SupernetImpl::SupernetImpl(const SupernetOptions& options) : options_(options) {
  const int64_t c = options.channels;
  stem_ = register_module("stem", Stem(options.in_channels, c));
  cells_.resize(kStages);
  for (int s = 0; s < kStages; ++s) {
    const int64_t stage_channels = c << s;
    for (int64_t i = 0; i < options.cells; ++i)
      cells_[s].push_back(register_module("stage" + std::to_string(s) + "_cell" + std::to_string(i),
                                          SearchCell(stage_channels)));
    if (s + 1 < kStages)
      reductions_.push_back(register_module("reduction" + std::to_string(s),
                                            ReductionBlock(stage_channels, stage_channels * 2)));
  }
  head_ = register_module("head", Head(c << (kStages - 1), options.classes));
}

std::vector<torch::Tensor> SupernetImpl::enterPhase2() {
  std::vector<torch::Tensor> created;
  for (auto& stage : cells_)
    for (auto& cell : stage) {
      auto params = cell->addKernelVariants();
      created.insert(created.end(), params.begin(), params.end());
    }
  return created;
}

ArchWeights withHostCopies(ArchWeights w) {
  // One copy of the three, concatenated: each copy from a GPU waits for its queue.
  std::vector<torch::Tensor> parts;
  for (const auto* t : {&w.alpha, &w.beta, &w.gamma})
    if (t->defined()) parts.push_back(t->detach().reshape({-1}).to(torch::kFloat));
  const auto all = torch::cat(parts).to(torch::kCPU).contiguous();
  int64_t offset = 0;
  const auto take = [&](const torch::Tensor& t) {
    if (!t.defined()) return torch::Tensor();
    auto part = all.narrow(0, offset, t.numel()).view(t.sizes());
    offset += t.numel();
    return part;
  };
  w.alpha_host = take(w.alpha);
  w.beta_host = take(w.beta);
  w.gamma_host = take(w.gamma);
  return w;
}

bool SupernetImpl::inPhase2() const { return cells_[0][0]->hasKernelVariants(); }

CellWeights SupernetImpl::stageWeights(int stage, const ArchWeights& arch, const torch::Tensor& alpha_cpu,
                                       const torch::Tensor& beta_cpu) const {
  CellWeights w;
  w.ops = arch.alpha.narrow(0, stage * kEdges, kEdges);
  if (arch.beta.defined()) w.kernels = arch.beta.narrow(0, stage * kEdges, kEdges);
  const bool skip = options_.skip_zero_ops;
  const auto a = alpha_cpu.accessor<float, 2>();
  for (int e = 0; e < kEdges; ++e) {
    const int row = stage * kEdges + e;
    for (int o = 0; o < kOps; ++o)
      // `none` contributes exact zeros in any mode: it is never computed.
      w.op_on[e][o] = o != static_cast<int>(Op::None) && (!skip || a[row][o] > 0);
    for (int k = 0; k < kKernels; ++k)
      w.kernel_on[e][k] = beta_cpu.defined() && (!skip || beta_cpu.accessor<float, 2>()[row][k] > 0);
  }
  return w;
}

torch::Tensor SupernetImpl::forward(const torch::Tensor& x, const ArchWeights& arch) {
  TORCH_CHECK(arch.alpha.defined(), "supernet forward needs the α distributions");
  TORCH_CHECK(!arch.beta.defined() || inPhase2(), "β given before the phase switch");
  // The host copies decide what to compute; made here unless the caller holds them.
  const ArchWeights host = arch.alpha_host.defined() ? arch : withHostCopies(arch);
  const auto& alpha_cpu = host.alpha_host;
  const auto& beta_cpu = host.beta_host;
  const auto& gamma_cpu = host.gamma_host;
  last_macs_ = x.numel() * options_.channels * 9;  // stem
  int64_t fixed_macs = last_macs_;
  last_dense_macs_ = 0;
  auto h = stem_->forward(options_.channels_last ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x);
  for (int s = 0; s < kStages; ++s) {
    {
      // Every edge: a 1×1 conv and the variable conv at every kernel size in force.
      int64_t k2 = 0;
      for (int k = 0; k < (arch.beta.defined() ? kKernels : 1); ++k) k2 += kKernelSizes[k] * kKernelSizes[k];
      last_dense_macs_ += options_.cells * kEdges * h.numel() * h.size(1) * (1 + k2);
    }
    CellWeights w = stageWeights(s, arch, alpha_cpu, beta_cpu);
    w.macs = &last_macs_;
    const int64_t n = options_.cells;
    if (!arch.gamma.defined()) {
      for (int64_t i = 0; i < n; ++i) h = cells_[s][i]->forward(h, w);
    } else {
      // stage_out = Σ_d γ_d · (output after d cells); cells past the last depth
      // with nonzero weight are not computed when skipping.
      const auto g = gamma_cpu.accessor<float, 2>();
      int64_t deepest = n;
      if (options_.skip_zero_ops)
        while (deepest > 1 && g[s][deepest - 1] <= 0) --deepest;
      torch::Tensor mixed;
      for (int64_t d = 1; d <= deepest; ++d) {
        h = cells_[s][d - 1]->forward(h, w);
        if (options_.skip_zero_ops && g[s][d - 1] <= 0) continue;
        const auto g_d = arch.gamma[s][d - 1];
        mixed = mixed.defined() ? torch::addcmul(mixed, g_d, h) : g_d * h;
      }
      h = mixed;
    }
    if (s + 1 < kStages) {
      // conv_a (3×3, stride 2), conv_b (3×3) and the 1×1 shortcut, at the output size.
      const int64_t in = h.size(1), out_pixels = h.size(0) * (h.size(2) / 2) * (h.size(3) / 2);
      const int64_t reduction = out_pixels * 2 * in * (9 * in + 9 * 2 * in + in);
      last_macs_ += reduction;
      fixed_macs += reduction;
      h = reductions_[s]->forward(h);
    }
  }
  last_dense_macs_ += fixed_macs;
  return head_->forward(h);
}

}  // namespace zd
