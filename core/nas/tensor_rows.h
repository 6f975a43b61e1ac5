// Between tensors and the plain numbers of arch_distributions.h: the search keeps its
// architecture in tensors, events and genotypes take rows of doubles.
#pragma once

#include "core/nas/arch_distributions.h"
#include "core/nas/genotype.h"

#include <torch/types.h>

namespace zd {

// A 2-D tensor's rows as doubles (on the host); an undefined tensor gives no rows.
Matrix toMatrix(const torch::Tensor& t);

// Genotype::fromDistributions of tensors (undefined beta/gamma in phase 1).
Genotype deriveGenotype(const torch::Tensor& alpha, const torch::Tensor& beta, const torch::Tensor& gamma,
                        int max_depth);

}  // namespace zd
