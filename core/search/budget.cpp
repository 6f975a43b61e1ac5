#include "core/search/budget.h"

#include "core/common/error.h"
#include "core/nas/genotype.h"
#include "core/nas/most_probable.h"
#include "core/nas/param_count.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <string>

namespace zd {
namespace {

// A number as a user would write it ("250000", "0.5"), not std::to_string's "250000.000000".
std::string num(double v) {
  std::ostringstream s;
  s.precision(15);
  s << v;
  return s.str();
}

void requirePercentileBand(const BudgetOptions& o, double lo, double hi) {
  if (!(lo >= 0 && lo < hi && hi <= 100))
    throw ConfigError(std::string("budget preset '") + nameOf(o.preset) +
                      "': percentile band must satisfy 0 <= lo < hi <= 100, got " + num(lo) + ".." + num(hi));
}

}  // namespace

torch::Tensor budgetPenalty(const torch::Tensor& expected_params, const BudgetBand& band, double scale) {
  if (!band.active()) return torch::zeros_like(expected_params);
  // Zero inside [L, U]; outside, linear in the distance to the band, scaled to ~1 per 1e6 weights.
  return (torch::relu(expected_params - band.max) + torch::relu(band.min - expected_params)) / scale;
}

std::vector<int64_t> sampleSpaceParamCounts(int64_t in_channels, int64_t channels, int64_t cells, int64_t classes,
                                            int samples, uint64_t seed) {
  if (samples < 1) throw ConfigError("budget: 'samples' must be >= 1, got " + std::to_string(samples));
  if (cells < 1) throw ConfigError("budget: cells must be >= 1, got " + std::to_string(cells));
  std::mt19937_64 rng(seed);
  std::vector<int64_t> counts;
  counts.reserve(samples);
  for (int i = 0; i < samples; ++i)
    counts.push_back(exactParams(Genotype::random(rng, static_cast<int>(cells)), in_channels, channels, classes));
  std::sort(counts.begin(), counts.end());
  return counts;
}

double percentileOf(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) throw ConfigError("percentile of an empty sample");
  if (!(q >= 0 && q <= 100)) throw ConfigError("percentile must be in [0, 100], got " + num(q));
  // numpy's "linear" method: position q/100·(n-1), interpolating between neighbours.
  const double pos = q / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return static_cast<double>(sorted[lo]) + frac * static_cast<double>(sorted[hi] - sorted[lo]);
}

std::pair<double, double> presetPercentiles(const BudgetOptions& options) {
  std::pair<double, double> band;
  switch (options.preset) {
    case BudgetPreset::Small: band = {options.small_lo, options.small_hi}; break;
    case BudgetPreset::Medium: band = {options.medium_lo, options.medium_hi}; break;
    case BudgetPreset::Large: band = {options.large_lo, options.large_hi}; break;
    default:
      throw ConfigError(std::string("budget preset '") + nameOf(options.preset) +
                        "' has no percentiles (one of small, medium, large)");
  }
  requirePercentileBand(options, band.first, band.second);
  return band;
}

BudgetBand bandFromCounts(const BudgetOptions& options, const std::vector<int64_t>& sorted, const ParamWindow& space) {
  const auto [lo, hi] = presetPercentiles(options);
  // The ends of the scale are the ends of the space, not of a sample: a band from
  // the 0th percentile (small) starts at the smallest architecture, as the
  // reference's starts at 0; one to the 100th ends at the largest.
  return BudgetBand{lo == 0 ? static_cast<double>(space.min) : percentileOf(sorted, lo),
                    hi == 100 ? static_cast<double>(space.max) : percentileOf(sorted, hi)};
}

BudgetBand resolveBudget(const BudgetOptions& options, int64_t in_channels, int64_t channels, int64_t cells,
                         int64_t classes, uint64_t seed) {
  if (options.preset == BudgetPreset::None) return BudgetBand{};
  if (options.preset == BudgetPreset::Custom) {
    if (!(options.min_params >= 0 && options.min_params < options.max_params))
      throw ConfigError("budget preset 'custom': need 0 <= min_params < max_params, got min_params " +
                        num(options.min_params) + ", max_params " + num(options.max_params));
    return BudgetBand{options.min_params, options.max_params};
  }
  presetPercentiles(options);  // refuses a bad band before sampling
  const auto counts = sampleSpaceParamCounts(in_channels, channels, cells, classes, options.samples, seed);
  return bandFromCounts(options, counts,
                        spaceSizeRange(CountShape{in_channels, channels, classes}, static_cast<int>(cells)));
}

}  // namespace zd
