#include "core/search/derivation.h"

#include "core/common/error.h"
#include "core/nas/param_count.h"
#include "core/nas/tensor_rows.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace zd {
namespace {

std::vector<std::vector<double>> logSoftmaxMatrix(const torch::Tensor& logits, double temperature) {
  const auto lp = torch::log_softmax(logits.detach().to(torch::kCPU, torch::kDouble) / temperature, 1).contiguous();
  const auto a = lp.accessor<double, 2>();
  std::vector<std::vector<double>> rows(static_cast<size_t>(lp.size(0)));
  for (int64_t r = 0; r < lp.size(0); ++r)
    for (int64_t c = 0; c < lp.size(1); ++c) rows[static_cast<size_t>(r)].push_back(a[r][c]);
  return rows;
}

template <size_t N>
std::vector<std::array<double, N>> logSoftmaxRows(const torch::Tensor& logits, double temperature) {
  std::vector<std::array<double, N>> rows;
  for (const auto& r : logSoftmaxMatrix(logits, temperature)) {
    std::array<double, N> a{};
    std::copy_n(r.begin(), N, a.begin());
    rows.push_back(a);
  }
  return rows;
}

std::string count(double v) { return std::to_string(static_cast<int64_t>(std::llround(v))); }

}  // namespace

bool reachesPhase2(const SearchOptions& options) {
  return options.size_search && options.switch_epoch < options.epochs;
}

ParamWindow windowOf(const BudgetBand& band) {
  return {static_cast<int64_t>(std::ceil(band.min)), static_cast<int64_t>(std::floor(band.max))};
}

ChoiceScores choiceScores(const Architecture& arch, double temperature, bool phase2) {
  ChoiceScores s;
  s.max_depth = static_cast<int>(arch.gamma.size(1));
  s.ops = logSoftmaxRows<kOps>(arch.alpha, temperature);
  if (phase2) {
    s.kernels = logSoftmaxRows<kKernels>(arch.beta, temperature);
    s.depths = logSoftmaxMatrix(arch.gamma, temperature);
  }
  return s;
}

Derivation deriveArchitecture(const Architecture& arch, double temperature, bool phase2, const CountShape& shape,
                              const BudgetBand& band, DeriveMode mode) {
  Derivation d;
  const int max_depth = static_cast<int>(arch.gamma.size(1));
  // §6 takes the argmax of the parameters themselves (= of their sparsemax or softmax).
  d.argmax = deriveGenotype(arch.alpha, phase2 ? arch.beta : torch::Tensor(), phase2 ? arch.gamma : torch::Tensor(),
                            max_depth);
  d.argmax_params = exactParams(d.argmax, shape.in_channels, shape.channels, shape.classes);
  const ChoiceScores scores = choiceScores(arch, temperature, phase2);
  const bool in_band = band.active() && mode != DeriveMode::Argmax;
  std::optional<MostProbable> best;
  if (in_band) {
    best = mostProbableArchitecture(scores, shape, windowOf(band));
    if (!best)
      d.note = std::string("no architecture of ") + (phase2 ? "the" : "phase 1's") + " space lies in the band " +
               count(band.min) + "-" + count(band.max) + ": the most probable architecture of the whole space is kept";
  }
  if (!best) best = mostProbableArchitecture(scores, shape, std::nullopt);
  d.method = in_band && d.note.empty() ? "in-band" : "argmax";
  d.genotype = best ? best->genotype : d.argmax;
  d.params = best ? best->params : d.argmax_params;
  d.changes = describeChanges(d.argmax, d.genotype);
  return d;
}

void requireReachableBand(const BudgetBand& band, const CountShape& shape, int max_depth, bool phase2) {
  if (!band.active()) return;
  if (mostProbableArchitecture(uniformScores(max_depth, phase2), shape, windowOf(band))) return;
  const ParamWindow range = spaceSizeRange(shape, max_depth);
  throw ConfigError("budget band " + count(band.min) + "-" + count(band.max) +
                    " parameters: no architecture of the search space has a size in it (the space spans " +
                    std::to_string(range.min) + "-" + std::to_string(range.max) +
                    " parameters at C = " + std::to_string(shape.channels) + ", N = " + std::to_string(max_depth) +
                    (phase2 ? "" : ", 7x7 kernels and depth N, as the search never reaches phase 2") +
                    "); widen the band or change C or N");
}

}  // namespace zd
