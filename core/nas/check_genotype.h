// The derived architecture of ALGORITHM.md §5's check values: 807,266 parameters at
// C = 16 with 1 input channel and 2 classes. A realistic mix of every op, kernel
// sizes and depths 1–3, used by the benchmarks as "the retrained network".
#pragma once
#include "core/nas/genotype.h"

namespace zd {

// Stage 1 depth 1, stage 2 (all 1×1 convolutions) depth 2, stage 3 depth 3.
Genotype checkGenotype();

}  // namespace zd
