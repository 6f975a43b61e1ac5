// The fixed shape of the ZO-DARTS++ search space (ALGORITHM.md §1): a cell is a
// DAG of 4 nodes with 6 edges, each edge choosing one of 5 candidate operations;
// the variable-kernel convolution chooses among 3 kernel sizes.
#pragma once

#include "core/common/enum_names.h"

#include <array>
#include <string>

namespace zd {

constexpr int kNodes = 4;  // node 0 = cell input, node 3 = cell output
constexpr int kEdges = 6;  // every pair j < i
constexpr int kOps = 5;
constexpr int kKernels = 3;
constexpr int kStages = 3;

// Candidate operations, in the order saved files use.
enum class Op : int { None = 0, Skip = 1, Conv1x1 = 2, KernelConv = 3, AvgPool = 4 };

// Edge e connects node kEdgeFrom[e] -> node kEdgeTo[e], in the fixed order
// 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2.
constexpr std::array<int, kEdges> kEdgeFrom{0, 0, 1, 0, 1, 2};
constexpr std::array<int, kEdges> kEdgeTo{1, 2, 2, 3, 3, 3};
// The edge from node `from` to node `to` (from < to): node to's incoming edges start
// after the to·(to-1)/2 edges of nodes 1..to-1.
constexpr int edgeIndex(int to, int from) { return to * (to - 1) / 2 + from; }

// Kernel sizes of the variable convolution, in β's column order.
constexpr std::array<int, kKernels> kKernelSizes{7, 5, 3};

// How rows of α, β, γ become distributions (§2); softmax is the ZO-DARTS baseline.
enum class Distribution { Sparsemax, Softmax };
constexpr std::array<EnumName<Distribution>, 2> namesOf(Distribution) {
  return {{{Distribution::Sparsemax, "sparsemax"}, {Distribution::Softmax, "softmax"}}};
}

// Index of kernel size k in kKernelSizes; -1 when k is not one of them.
constexpr int kernelIndex(int k) { return k == 7 ? 0 : k == 5 ? 1 : k == 3 ? 2 : -1; }

// NAS-Bench-201 style name of an op ("nor_conv_5x5" for the variable conv with k=5).
std::string opName(Op op, int kernel = 7);

}  // namespace zd
