// The most probable architecture of the space, optionally inside a parameter band
// (ALGORITHM.md §6). It maximises the sum of the chosen choices' log-probabilities
// (log-softmax of logits / T) over connected cells, subject to L <= exact count <= U,
// exactly: per stage, every cell is enumerated (7^6) and the best cell of each
// distinct weight count kept (at most a few hundred counts); the three stages are
// then combined on the exact count with a range-maximum table over the middle stage.
// Without a band the optimum is the paper's argmax (ties to the lower index)
// whenever every stage's argmax cell is connected.
// Thread-safety: pure functions.
#pragma once

#include "core/nas/genotype.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zd {

// Log-probabilities of every choice of the space; -infinity forbids a choice.
// A variable conv scores ops[r][3] + kernels[r][k] - max_k kernels[r][k]: the
// kernel row is scored against its own best choice, so that an edge does not gain
// or lose by not using a kernel, and the unconstrained optimum stays the argmax.
struct ChoiceScores {
  std::vector<std::array<double, kOps>> ops;          // kStages·kEdges rows, stage-major
  std::vector<std::array<double, kKernels>> kernels;  // same rows; empty: 7×7 only (phase 1)
  std::vector<std::vector<double>> depths;            // kStages rows over 1..max_depth; empty: max_depth only
  int max_depth = 3;
};

// What a parameter count depends on besides the genotype.
struct CountShape {
  int64_t in_channels = 1;
  int64_t channels = 16;  // C of stage 1
  int64_t classes = 2;
};

// An inclusive range of exact parameter counts.
struct ParamWindow {
  int64_t min = 0;
  int64_t max = 0;
};

struct MostProbable {
  Genotype genotype;
  int64_t params = 0;
  double score = 0;  // Σ log-probabilities of its choices
};

// The most probable connected architecture (whose count lies in `window` when one
// is given); nullopt when none of the allowed architectures fits.
std::optional<MostProbable> mostProbableArchitecture(const ChoiceScores& scores, const CountShape& shape,
                                                     const std::optional<ParamWindow>& window);

// The smallest and largest exact counts of connected architectures of the space:
// cells of skip connections only, and every edge a 7×7 conv at depth max_depth
// (the same in both phases). Counts in between may be unreachable: ask
// mostProbableArchitecture(uniformScores(...)) whether a band holds one.
ParamWindow spaceSizeRange(const CountShape& shape, int max_depth);

// Uniform scores over the space (every choice allowed, log-probability 0).
ChoiceScores uniformScores(int max_depth, bool phase2);

// The score mostProbableArchitecture maximises, for any genotype of the space
// (-infinity when it uses a forbidden choice).
double scoreOf(const Genotype& genotype, const ChoiceScores& scores);

}  // namespace zd
