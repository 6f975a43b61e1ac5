// Sparsemax (Martins & Astudillo, 2016) and the temperature-scaled distributions
// of ALGORITHM.md §2. Sparsemax is the Euclidean projection onto the probability
// simplex: unlike softmax it returns exact zeros, which is what lets the supernet
// skip zero-weight operations exactly.
#pragma once

#include "core/nas/search_space.h"

#include <torch/types.h>

namespace zd {

// Sparsemax over the last dimension, with an explicit backward: on the support S
// the Jacobian is I - 1·1ᵀ/|S|, zero outside. Works for any leading shape.
torch::Tensor sparsemax(const torch::Tensor& z);

// p = sparsemax(logits / T) (or softmax for the ZO-DARTS baseline), row-wise.
torch::Tensor distributionOf(const torch::Tensor& logits, double temperature, Distribution kind);

}  // namespace zd
