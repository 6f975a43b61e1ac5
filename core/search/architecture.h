// The architecture parameters A = (α, β, γ) of ALGORITHM.md §2 and their
// distributions. α is searched from the start; β and γ join in phase 2.
#pragma once

#include "core/nas/supernet.h"
#include "core/job/job_events.h"
#include "core/search/search_options.h"

#include <torch/types.h>

#include <vector>

namespace zd {

class Architecture {
 public:
  // α [3·6, 5], β [3·6, 3], γ [3, cells], each init_scale · N(0, 1) from torch's
  // generator (seed it first), as leaves requiring gradients.
  Architecture(int64_t cells, double init_scale, torch::Device device);

  // The parameters being searched: {α} in phase 1, {α, β, γ} in phase 2.
  std::vector<torch::Tensor> active(bool phase2) const;
  std::vector<torch::Tensor> all() const { return {alpha, beta, gamma}; }

  // p = dist(row / T) for every row; β and γ only in phase 2 (else undefined).
  ArchWeights distributions(double temperature, Distribution kind, bool phase2) const;
  // The same for other parameter values (the perturbed copy's A + μu).
  static ArchWeights distributionsOf(const std::vector<torch::Tensor>& params, double temperature, Distribution kind,
                                     bool phase2);

  torch::Tensor alpha, beta, gamma;
};

// Plain copies of distributions for events (β, γ left empty when undefined).
ArchDistributions toEventDistributions(const ArchWeights& weights);

}  // namespace zd
