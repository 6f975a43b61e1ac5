// The architecture distributions as plain numbers (no tensors): what the events
// carry, the GUI draws and a genotype is derived from.
#pragma once

#include <vector>

namespace zd {

using Matrix = std::vector<std::vector<double>>;

// The architecture distributions (sparsemax/softmax of the parameters / T).
struct ArchDistributions {
  Matrix alpha;  // [stages*6][5] op distribution of each edge, stage-major
  Matrix beta;   // [stages*6][3] kernel distribution (7, 5, 3); empty in phase 1
  Matrix gamma;  // [stages][N] depth distribution (1..N cells); empty in phase 1
};

// Index of the largest entry; ties go to the lower index (ALGORITHM.md §6), which
// torch::argmax does not promise on every device. 0 for an empty row.
inline int argmaxIndex(const std::vector<double>& row) {
  int best = 0;
  for (int i = 1; i < static_cast<int>(row.size()); ++i)
    if (row[static_cast<size_t>(i)] > row[static_cast<size_t>(best)]) best = i;
  return best;
}

}  // namespace zd
