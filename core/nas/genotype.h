// A genotype is the discrete architecture a search ends with: per stage, the op
// (and kernel size) of each of the 6 edges and the number of cells. Plain data:
// derivation from distributions, JSON round trip and the NAS-Bench-201 string.
#pragma once

#include "core/nas/search_space.h"

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include <array>
#include <random>
#include <string>
#include <vector>

namespace zd {

struct EdgeChoice {
  Op op = Op::None;
  int kernel = 7;  // kernel size when op == Op::KernelConv (7, 5 or 3), else ignored
  bool operator==(const EdgeChoice& o) const {
    return op == o.op && (op != Op::KernelConv || kernel == o.kernel);
  }
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
};

struct Genotype {
  std::vector<StageGenotype> stages;  // kStages of them
  // Thread-safety: plain value type; const members may be called concurrently.
  bool operator==(const Genotype& o) const { return stages == o.stages; }

  // One line per stage: "stage 1 (depth 2): |...|".
  std::string toString() const;
  nlohmann::json toJson() const;
  // Throws ConfigError naming the key and the problem.
  static Genotype fromJson(const nlohmann::json& j);

  // ALGORITHM.md §6: per stage and edge the argmax of α (ties -> lower index);
  // kernel = argmax of β (pass an undefined tensor in phase 1: 7x7); depth =
  // argmax of γ + 1 (undefined in phase 1: `max_depth`).
  // alpha: [kStages*kEdges, kOps], beta: [kStages*kEdges, kKernels], gamma: [kStages, max_depth].
  static Genotype derive(const torch::Tensor& alpha, const torch::Tensor& beta,
                         const torch::Tensor& gamma, int max_depth);

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
