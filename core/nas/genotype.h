// A genotype is the discrete architecture a search ends with: per stage, the op
// (and kernel size) of each of the 6 edges and the number of cells. A plain value,
// free of LibTorch, that events carry and the GUI draws: derivation from the
// distributions, the NAS-Bench-201 string and JSON round trips.
#pragma once

#include "core/nas/arch_distributions.h"
#include "core/nas/search_space.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <random>
#include <string>
#include <vector>

namespace zd {

struct EdgeChoice {
  Op op = Op::None;
  int kernel = 7;  // kernel size when op == Op::KernelConv (7, 5 or 3), else ignored
  bool operator==(const EdgeChoice& o) const { return op == o.op && (op != Op::KernelConv || kernel == o.kernel); }
};

struct StageGenotype {
  std::array<EdgeChoice, kEdges> edges{};
  int depth = 1;  // number of cells in the stage, >= 1
  bool operator==(const StageGenotype& o) const { return edges == o.edges && depth == o.depth; }
  // "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|"
  std::string toString() const;
  // Parses toString()'s form; throws ConfigError naming the problem.
  static StageGenotype fromString(const std::string& text, int depth);
  // True when node 3 (the cell output) is reachable from node 0 through edges
  // whose op is not `none`; otherwise the cell passes no signal from its input.
  bool outputConnected() const;
  // liveNodes() of the edges whose op is not `none`.
  std::array<bool, kNodes> live() const;
};

// Which nodes lie on a path from the cell input (node 0) to its output (node 3)
// through the edges present (in edge order, edgeIndex()); the others compute nothing
// the cell uses.
std::array<bool, kNodes> liveNodes(const std::array<bool, kEdges>& present);

struct Genotype {
  std::vector<StageGenotype> stages;  // kStages of them
  // Thread-safety: plain value type; const members may be called concurrently.
  bool operator==(const Genotype& o) const { return stages == o.stages; }
  bool operator!=(const Genotype& o) const { return !(*this == o); }
  bool empty() const { return stages.empty(); }  // "no genotype" (e.g. not known yet)

  // One line per stage: "stage 1 (depth 2): |...|"; "" for an empty genotype.
  std::string toString() const;
  // Parses toString()'s form (stages in order, any number); "" gives an empty
  // genotype. Throws ConfigError naming the line and the problem.
  static Genotype fromString(const std::string& text);
  nlohmann::json toJson() const;
  // Throws ConfigError naming the key and the problem.
  static Genotype fromJson(const nlohmann::json& j);

  // ALGORITHM.md §6: per stage and edge the argmax of α (ties -> lower index);
  // kernel = argmax of β (empty in phase 1: 7x7); depth = argmax of γ + 1 (empty in
  // phase 1: `max_depth`). alpha: [kStages*kEdges][kOps], beta: [kStages*kEdges][kKernels],
  // gamma: [kStages][max_depth]; other shapes throw ConfigError. The parameters
  // themselves or their distributions give the same genotype (both are monotone).
  static Genotype fromDistributions(const ArchDistributions& d, int max_depth);

  // A genotype drawn uniformly from the space: each edge's op uniform over kOps,
  // a variable conv's kernel uniform over kKernelSizes, each depth uniform over
  // 1..max_depth. The same rng state gives the same genotype on every platform.
  static Genotype random(std::mt19937_64& rng, int max_depth);
};

// What changes from `from` to `to` (same number of stages), one line per edge or
// depth: "stage 2, edge 3<-1: nor_conv_7x7 -> nor_conv_3x3", "stage 3: depth 3 -> 1";
// empty when they are equal.
std::vector<std::string> describeChanges(const Genotype& from, const Genotype& to);

}  // namespace zd
