// The parameter budget of phase 2 (ALGORITHM.md §5): a band [L, U] of weights,
// the penalty that pushes the expected count P into it, and the preset bands
// computed from the size distribution of the search space.
// Thread-safety: pure functions.
#pragma once

#include "core/nas/most_probable.h"
#include "core/search/search_options.h"

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace zd {

// A band [min, max] = [L, U] of parameters; the default (max = 0) is the
// inactive band of preset "none".
struct BudgetBand {
  double min = 0;  // L
  double max = 0;  // U
  // True when the band constrains the search (preset other than "none").
  bool active() const { return max > 0; }
};

// (relu(P - U) + relu(L - P)) / scale for expected parameters P (any shape), a
// zero tensor like P when the band is inactive.
torch::Tensor budgetPenalty(const torch::Tensor& expected_params, const BudgetBand& band, double scale);

// Exact parameter counts of `samples` architectures drawn uniformly from the space
// (ops, kernels, depths 1..cells) with std::mt19937_64(seed), sorted ascending.
std::vector<int64_t> sampleSpaceParamCounts(int64_t in_channels, int64_t channels, int64_t cells, int64_t classes,
                                            int samples, uint64_t seed);

// The q-th percentile (q in [0, 100]) of ascending, non-empty `sorted`, linearly
// interpolated like numpy.percentile's default; throws ConfigError otherwise.
double percentileOf(const std::vector<int64_t>& sorted, double q);

// The band of preset small, medium or large from ascending parameter counts of
// sampled architectures: its percentiles, except that 0 means the smallest
// architecture of the space and 100 the largest (`space`). Throws ConfigError for
// another preset or a bad percentile band.
BudgetBand bandFromCounts(const BudgetOptions& options, const std::vector<int64_t>& sorted, const ParamWindow& space);

// The band of options.preset: none -> inactive; custom -> [min_params, max_params];
// small/medium/large -> the options' percentile band of sampleSpaceParamCounts
// (options.samples, `seed`). Throws ConfigError for an unknown preset or a bad band.
BudgetBand resolveBudget(const BudgetOptions& options, int64_t in_channels, int64_t channels, int64_t cells,
                         int64_t classes, uint64_t seed);

}  // namespace zd
