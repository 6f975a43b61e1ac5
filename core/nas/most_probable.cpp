#include "core/nas/most_probable.h"

#include "core/common/error.h"
#include "core/nas/param_count.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace zd {
namespace {

constexpr double kForbidden = -std::numeric_limits<double>::infinity();

// One allowed choice of an edge: what it is, its weights at the stage's width, its score.
struct EdgeOption {
  EdgeChoice choice;
  int64_t params = 0;
  double score = 0;
};

// The best cell found for one weight count of a stage.
struct BestCell {
  double score = kForbidden;
  std::array<EdgeChoice, kEdges> edges{};
};

// A stage's choice as the combination step sees it: depth · cell weights, score.
struct StageOption {
  int64_t params = 0;
  double score = 0;
  int depth = 1;
  int64_t cell_params = 0;
};

// Which sets of present (non-`none`) edges, as a bit mask, connect node 0 to node 3.
std::array<bool, 1 << kEdges> connectedMasks() {
  std::array<bool, 1 << kEdges> out{};
  for (int mask = 0; mask < (1 << kEdges); ++mask) {
    StageGenotype g;
    for (int e = 0; e < kEdges; ++e) g.edges[e].op = (mask >> e) & 1 ? Op::Skip : Op::None;
    out[mask] = g.outputConnected();
  }
  return out;
}

double kernelScore(const ChoiceScores& s, size_t row, int k) {
  if (s.kernels.empty()) return k == 0 ? 0.0 : kForbidden;  // phase 1: 7×7 only
  const auto& r = s.kernels[row];
  const double best = *std::max_element(r.begin(), r.end());
  return r[k] == kForbidden ? kForbidden : r[k] - best;
}

// The allowed choices of one edge in the order of §6's tie-breaking (op index,
// then kernel index): the first of equal scores wins.
std::vector<EdgeOption> edgeOptions(const ChoiceScores& s, size_t row, int64_t channels) {
  std::vector<EdgeOption> out;
  for (int o = 0; o < kOps; ++o) {
    const Op op = static_cast<Op>(o);
    const double op_score = s.ops[row][o];
    if (op_score == kForbidden) continue;
    if (op != Op::KernelConv) {
      out.push_back({EdgeChoice{op, 7}, edgeParams(EdgeChoice{op, 7}, channels), op_score});
      continue;
    }
    for (int k = 0; k < kKernels; ++k) {
      const double ks = kernelScore(s, row, k);
      if (ks == kForbidden) continue;
      const EdgeChoice c{op, kKernelSizes[k]};
      out.push_back({c, edgeParams(c, channels), op_score + ks});
    }
  }
  return out;
}

double depthScore(const ChoiceScores& s, int stage, int depth) {
  if (s.depths.empty()) return depth == s.max_depth ? 0.0 : kForbidden;
  return s.depths[stage][depth - 1];
}

// Every connected cell of one stage, enumerated in lexicographic order of the
// edges' options: the best cell overall and the best cell of each weight count.
struct StageCells {
  BestCell overall;
  std::unordered_map<int64_t, BestCell> by_params;
};

StageCells enumerateCells(const std::vector<std::vector<EdgeOption>>& options, bool keep_by_params) {
  static const auto connected = connectedMasks();
  StageCells out;
  std::array<size_t, kEdges> pick{};
  std::array<EdgeChoice, kEdges> edges{};
  // Iterative odometer over the six edges' options; edge 0 is the most significant digit.
  for (const auto& o : options)
    if (o.empty()) return out;
  for (;;) {
    int64_t params = 0;
    double score = 0;
    int mask = 0;
    for (int e = 0; e < kEdges; ++e) {
      const EdgeOption& opt = options[e][pick[e]];
      edges[e] = opt.choice;
      params += opt.params;
      score += opt.score;
      if (opt.choice.op != Op::None) mask |= 1 << e;
    }
    if (connected[mask]) {
      if (score > out.overall.score) out.overall = {score, edges};
      if (keep_by_params) {
        BestCell& best = out.by_params[params];
        if (score > best.score) best = {score, edges};
      }
    }
    int e = kEdges - 1;
    for (; e >= 0; --e) {
      if (++pick[e] < options[e].size()) break;
      pick[e] = 0;
    }
    if (e < 0) return out;
  }
}

std::vector<std::vector<EdgeOption>> stageEdgeOptions(const ChoiceScores& s, const CountShape& shape, int stage) {
  std::vector<std::vector<EdgeOption>> options;
  for (int e = 0; e < kEdges; ++e)
    options.push_back(edgeOptions(s, static_cast<size_t>(stage * kEdges + e), stageChannels(shape.channels, stage)));
  return options;
}

// Range maximum (score, then the lower index) over a fixed array, in O(1) a query.
class RangeBest {
 public:
  explicit RangeBest(const std::vector<StageOption>& items) : items_(items) {
    const size_t n = items.size();
    table_.push_back(std::vector<size_t>(n));
    for (size_t i = 0; i < n; ++i) table_[0][i] = i;
    for (size_t span = 2; span <= n; span *= 2) {
      const auto& prev = table_.back();
      std::vector<size_t> level(n - span + 1);
      for (size_t i = 0; i + span <= n; ++i) level[i] = better(prev[i], prev[i + span / 2]);
      table_.push_back(std::move(level));
    }
  }
  // Index of the best item in [lo, hi] (inclusive, lo <= hi < size).
  size_t best(size_t lo, size_t hi) const {
    size_t level = 0;
    while ((size_t{2} << level) <= hi - lo + 1) ++level;
    return better(table_[level][lo], table_[level][hi + 1 - (size_t{1} << level)]);
  }

 private:
  size_t better(size_t a, size_t b) const {
    if (items_[b].score > items_[a].score) return b;
    if (items_[a].score > items_[b].score) return a;
    return std::min(a, b);
  }
  const std::vector<StageOption>& items_;
  std::vector<std::vector<size_t>> table_;
};

// A stage's options sorted by weights: depth × cell count, the best of each count.
std::vector<StageOption> stageOptions(const StageCells& cells, const ChoiceScores& s, int stage) {
  std::unordered_map<int64_t, StageOption> by_params;
  for (int d = 1; d <= s.max_depth; ++d) {
    const double ds = depthScore(s, stage, d);
    if (ds == kForbidden) continue;
    for (const auto& [cell_params, cell] : cells.by_params) {
      const StageOption o{d * cell_params, cell.score + ds, d, cell_params};
      auto it = by_params.find(o.params);
      // Equal scores: the shallower stage, then the smaller cell, for a result that
      // does not depend on the hash map's order.
      if (it == by_params.end() || o.score > it->second.score ||
          (o.score == it->second.score &&
           std::pair(o.depth, o.cell_params) < std::pair(it->second.depth, it->second.cell_params)))
        by_params[o.params] = o;
    }
  }
  std::vector<StageOption> out;
  for (const auto& [p, o] : by_params) out.push_back(o);
  std::sort(out.begin(), out.end(), [](const StageOption& a, const StageOption& b) { return a.params < b.params; });
  return out;
}

void requireShape(const ChoiceScores& s) {
  const size_t rows = static_cast<size_t>(kStages * kEdges);
  if (s.max_depth < 1) throw ConfigError("most probable architecture: max_depth must be >= 1");
  if (s.ops.size() != rows) throw ConfigError("most probable architecture: need " + std::to_string(rows) + " op rows");
  if (!s.kernels.empty() && s.kernels.size() != rows)
    throw ConfigError("most probable architecture: need " + std::to_string(rows) + " kernel rows or none");
  if (!s.depths.empty()) {
    if (s.depths.size() != static_cast<size_t>(kStages))
      throw ConfigError("most probable architecture: need " + std::to_string(kStages) + " depth rows or none");
    for (const auto& r : s.depths)
      if (r.size() != static_cast<size_t>(s.max_depth))
        throw ConfigError("most probable architecture: depth rows need " + std::to_string(s.max_depth) + " entries");
  }
}

std::optional<MostProbable> unconstrained(const ChoiceScores& s, const CountShape& shape) {
  MostProbable out;
  out.genotype.stages.resize(kStages);
  for (int st = 0; st < kStages; ++st) {
    const auto cells = enumerateCells(stageEdgeOptions(s, shape, st), false);
    if (cells.overall.score == kForbidden) return std::nullopt;
    int depth = 0;
    double best_depth = kForbidden;
    for (int d = 1; d <= s.max_depth; ++d)
      if (depthScore(s, st, d) > best_depth) best_depth = depthScore(s, st, d), depth = d;
    if (depth == 0) return std::nullopt;
    out.genotype.stages[st].edges = cells.overall.edges;
    out.genotype.stages[st].depth = depth;
    out.score += cells.overall.score + best_depth;
  }
  out.params = exactParams(out.genotype, shape.in_channels, shape.channels, shape.classes);
  return out;
}

}  // namespace

std::optional<MostProbable> mostProbableArchitecture(const ChoiceScores& s, const CountShape& shape,
                                                     const std::optional<ParamWindow>& window) {
  requireShape(s);
  static_assert(kStages == 3, "the combination below pairs the outer stages around the middle one");
  if (!window) return unconstrained(s, shape);
  const int64_t fixed = fixedParams(shape.in_channels, shape.channels, shape.classes);
  std::vector<StageCells> cells;
  std::vector<std::vector<StageOption>> options;
  for (int st = 0; st < kStages; ++st) {
    cells.push_back(enumerateCells(stageEdgeOptions(s, shape, st), true));
    options.push_back(stageOptions(cells.back(), s, st));
    if (options.back().empty()) return std::nullopt;
  }
  // For every pair of outer stages, the best middle stage whose weights bring the
  // total into the window.
  const auto& middle = options[1];
  const RangeBest range(middle);
  double best_score = kForbidden;
  std::array<const StageOption*, kStages> best{};
  for (const StageOption& a : options[0]) {
    for (const StageOption& c : options[2]) {
      const int64_t rest = fixed + a.params + c.params;
      const auto lo = std::lower_bound(middle.begin(), middle.end(), window->min - rest,
                                       [](const StageOption& o, int64_t v) { return o.params < v; });
      const auto hi = std::upper_bound(middle.begin(), middle.end(), window->max - rest,
                                       [](int64_t v, const StageOption& o) { return v < o.params; });
      if (lo >= hi) continue;
      const size_t b = range.best(static_cast<size_t>(lo - middle.begin()),
                                  static_cast<size_t>(hi - middle.begin()) - 1);
      const double score = a.score + middle[b].score + c.score;
      if (score > best_score) best_score = score, best = {&a, &middle[b], &c};
    }
  }
  if (best_score == kForbidden) return std::nullopt;
  MostProbable out;
  out.genotype.stages.resize(kStages);
  for (int st = 0; st < kStages; ++st) {
    out.genotype.stages[st].edges = cells[st].by_params.at(best[st]->cell_params).edges;
    out.genotype.stages[st].depth = best[st]->depth;
  }
  out.score = best_score;
  out.params = exactParams(out.genotype, shape.in_channels, shape.channels, shape.classes);
  return out;
}

ParamWindow spaceSizeRange(const CountShape& shape, int max_depth) {
  Genotype largest;
  largest.stages.resize(kStages);
  for (auto& st : largest.stages) {
    st.edges.fill(EdgeChoice{Op::KernelConv, 7});
    st.depth = max_depth;
  }
  return {fixedParams(shape.in_channels, shape.channels, shape.classes),
          exactParams(largest, shape.in_channels, shape.channels, shape.classes)};
}

ChoiceScores uniformScores(int max_depth, bool phase2) {
  ChoiceScores s;
  s.max_depth = max_depth;
  s.ops.assign(kStages * kEdges, std::array<double, kOps>{});
  if (phase2) {
    s.kernels.assign(kStages * kEdges, std::array<double, kKernels>{});
    s.depths.assign(kStages, std::vector<double>(static_cast<size_t>(max_depth), 0.0));
  }
  return s;
}

double scoreOf(const Genotype& g, const ChoiceScores& s) {
  requireShape(s);
  double total = 0;
  for (int st = 0; st < kStages; ++st) {
    for (int e = 0; e < kEdges; ++e) {
      const size_t row = static_cast<size_t>(st * kEdges + e);
      const EdgeChoice& c = g.stages[st].edges[e];
      total += s.ops[row][static_cast<int>(c.op)];
      if (c.op == Op::KernelConv) total += kernelScore(s, row, kernelIndex(c.kernel));
    }
    total += depthScore(s, st, g.stages[st].depth);
  }
  return total;
}

}  // namespace zd
