#include "core/train/genotype_sampling.h"

#include "core/common/error.h"

#include <cmath>

namespace zd {
namespace {

// Index drawn with probability row[i] / Σ row (std::discrete_distribution's rule,
// spelt out so a bad row is a clear error rather than undefined behaviour).
int draw(const std::vector<double>& row, const std::string& what, std::mt19937_64& rng) {
  double sum = 0;
  for (double p : row) {
    if (!(p >= 0) || !std::isfinite(p))
      throw ConfigError(what + ": not a distribution (entry " + std::to_string(p) + ")");
    sum += p;
  }
  if (!(sum > 0)) throw ConfigError(what + ": not a distribution (all entries 0)");
  std::discrete_distribution<int> d(row.begin(), row.end());
  return d(rng);
}

void requireShape(const Matrix& m, size_t rows, size_t cols, const std::string& name) {
  bool ok = m.size() == rows;
  for (const auto& r : m) ok = ok && r.size() == cols;
  if (!ok)
    throw ConfigError("final distributions: " + name + " must be " + std::to_string(rows) + " × " +
                      std::to_string(cols));
}

}  // namespace

Genotype sampleGenotype(const ArchDistributions& d, int max_depth, std::mt19937_64& rng, int max_draws,
                        int* disconnected) {
  requireShape(d.alpha, kStages * kEdges, kOps, "alpha");
  if (!d.beta.empty()) requireShape(d.beta, kStages * kEdges, kKernels, "beta");
  if (!d.gamma.empty()) requireShape(d.gamma, kStages, static_cast<size_t>(max_depth), "gamma");
  if (disconnected) *disconnected = 0;
  Genotype g;
  g.stages.resize(kStages);
  for (int s = 0; s < kStages; ++s) {
    auto& stage = g.stages[static_cast<size_t>(s)];
    for (int attempt = 0; attempt < std::max(1, max_draws); ++attempt) {
      for (int e = 0; e < kEdges; ++e) {
        const auto row = static_cast<size_t>(s * kEdges + e);
        const std::string where = "stage " + std::to_string(s + 1) + " edge " + std::to_string(e);
        auto& edge = stage.edges[static_cast<size_t>(e)];
        edge.op = static_cast<Op>(draw(d.alpha[row], "alpha of " + where, rng));
        edge.kernel = 7;
        if (edge.op == Op::KernelConv && !d.beta.empty())
          edge.kernel = kKernelSizes[static_cast<size_t>(draw(d.beta[row], "beta of " + where, rng))];
      }
      if (stage.outputConnected()) break;
      if (attempt + 1 == std::max(1, max_draws) && disconnected) ++*disconnected;
    }
    stage.depth = d.gamma.empty()
                      ? max_depth
                      : draw(d.gamma[static_cast<size_t>(s)], "gamma of stage " + std::to_string(s + 1), rng) + 1;
  }
  return g;
}

}  // namespace zd
