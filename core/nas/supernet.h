// The ZO-DARTS++ supernet (ALGORITHM.md §1, §3): stem, three stages of N searched
// cells with reduction blocks between them, and the head. It holds only the
// network weights; the architecture parameters (α, β, γ) live in the search's
// Architecture and arrive as distributions at every forward, so a perturbed copy
// can run the same weights under a different architecture.
#pragma once

#include "core/nas/fixed_blocks.h"
#include "core/nas/search_cell.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <vector>

namespace zd {

struct SupernetOptions {
  int64_t in_channels = 1;    // 1 grayscale, 3 colour: from the data
  int64_t classes = 2;        // from the data
  int64_t channels = 16;      // C
  int64_t cells = 3;          // N
  bool skip_zero_ops = true;  // compute only the terms with nonzero weight (exact)
  // Activations in channels-last (NHWC) layout. On the CPU, LibTorch's pooling and
  // BatchNorm kernels vectorise over channels in this layout (3x pooling here),
  // while oneDNN convolutions run at the same speed in both.
  bool channels_last = false;
};

// Architecture distributions as the supernet consumes them (stage-major rows).
struct ArchWeights {
  torch::Tensor alpha;  // [3·6, 5] op distributions
  torch::Tensor beta;   // [3·6, 3] kernel distributions; undefined in phase 1
  torch::Tensor gamma;  // [3, N] depth distributions; undefined in phase 1
  // The same values on the host (float, contiguous), which decide what to compute.
  // When set (withHostCopies), forward() reads them instead of copying the
  // distributions back from a GPU, which would make the host wait every step.
  torch::Tensor alpha_host, beta_host, gamma_host;
};
// `w` with its host copies filled in (one transfer for the three).
ArchWeights withHostCopies(ArchWeights w);

class SupernetImpl : public torch::nn::Module {
 public:
  explicit SupernetImpl(const SupernetOptions& options);

  // Logits [B, classes] of images [B, in_channels, H, W].
  torch::Tensor forward(const torch::Tensor& x, const ArchWeights& arch);

  // Phase switch: every cell gets its 5×5 and 3×3 convolutions by weight
  // inheritance. Returns the new parameters (for the weight optimiser). Idempotent.
  std::vector<torch::Tensor> enterPhase2();
  bool inPhase2() const;

  // Multiply-accumulates of the convolutions in the last forward (what was
  // actually computed, so skipping shows), for the benchmark.
  int64_t lastForwardMacs() const { return last_macs_; }
  // What the last forward would have cost computing every op of every cell.
  int64_t lastDenseForwardMacs() const { return last_dense_macs_; }

  const SupernetOptions& options() const { return options_; }
  void setSkipZeroOps(bool skip) { options_.skip_zero_ops = skip; }

 private:
  CellWeights stageWeights(int stage, const ArchWeights& arch, const torch::Tensor& alpha_cpu,
                           const torch::Tensor& beta_cpu) const;

  SupernetOptions options_;
  Stem stem_{nullptr};
  std::vector<std::vector<SearchCell>> cells_;  // [stage][cell]
  std::vector<ReductionBlock> reductions_;      // after stages 1 and 2
  Head head_{nullptr};
  int64_t last_macs_ = 0;
  int64_t last_dense_macs_ = 0;
};
TORCH_MODULE(Supernet);

}  // namespace zd
