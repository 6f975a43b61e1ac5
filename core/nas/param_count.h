// Parameter counting (ALGORITHM.md §5): the exact count of a derived network and
// the expected count P under the architecture distributions, which is the
// differentiable input of the budget penalty. Both use one formula, so P equals
// the exact count whenever the distributions are one-hot.
// Thread-safety: pure functions.
#pragma once

#include "core/nas/genotype.h"

#include <torch/types.h>

#include <cstdint>

namespace zd {

// C_s = C·2^s, the channels of stage s (0-based): every reduction block doubles them.
inline int64_t stageChannels(int64_t channels, int stage) { return channels << stage; }

// Weights of a reduction block in -> out: two 3×3 convs (no bias), two affine BNs
// and the 1×1 shortcut conv: 9·(in+out)·out + in·out + 4·out.
int64_t reductionParams(int64_t in, int64_t out);

// Weights outside the searched cells: stem, two reduction blocks, head BN and classifier.
int64_t fixedParams(int64_t in_channels, int64_t channels, int64_t classes);

// Weights of one edge's op at C channels: conv 1×1 (C+1)·C, k×k conv (k²C+1)·C, else 0.
int64_t edgeParams(const EdgeChoice& edge, int64_t channels);

// Weights of one cell of `stage` at C channels (the sum over its 6 edges; depth not applied).
int64_t cellParams(const StageGenotype& stage, int64_t channels);

// Exact weights of the discrete network of `genotype`; stage s (0-based) has C·2^s
// channels and depth · cell weights.
int64_t exactParams(const Genotype& genotype, int64_t in_channels, int64_t channels, int64_t classes);

// Weights of the phase-1 supernet: every edge of every cell holds a 1×1 and a 7×7
// conv, `cells` (N) cells per stage.
int64_t supernetParams(int64_t in_channels, int64_t channels, int64_t cells, int64_t classes);

// Expected weights P (0-dim kDouble tensor on alpha_p's device) under the op
// distributions alpha_p [kStages·kEdges, kOps] (stage-major rows), the kernel
// distributions beta_q [kStages·kEdges, kKernels] over (7, 5, 3) — undefined in
// phase 1: every variable conv is 7×7 — and the depth distributions gamma_g
// [kStages, cells] over (1..cells) — undefined in phase 1: depth `cells`; with
// gamma_g defined, `cells` must equal gamma_g.size(1). Differentiable in all
// three inputs; throws ConfigError on a shape mismatch.
torch::Tensor expectedParams(const torch::Tensor& alpha_p, const torch::Tensor& beta_q, const torch::Tensor& gamma_g,
                             int64_t in_channels, int64_t channels, int64_t cells, int64_t classes);

}  // namespace zd
