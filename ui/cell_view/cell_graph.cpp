#include "ui/cell_view/cell_graph.h"

#include <algorithm>

using namespace zd;  // the engine's value types (genotype, search-space constants)

namespace {

// The nodes on an input-to-output path through the drawn edges (zd::liveNodes).
CellGraph finish(CellGraph cell) {
  std::array<bool, kEdges> present{};
  for (const CellEdge& e : cell.edges) present[edgeIndex(e.to, e.from)] = true;
  cell.live = liveNodes(present);
  return cell;
}

}  // namespace

QString CellEdge::label() const {
  return QString::fromStdString(opName(static_cast<Op>(op), kernel > 0 ? kernel : kKernelSizes[0]));
}

QVector<CellGraph> cellsFromGenotype(const Genotype& genotype) {
  QVector<CellGraph> cells;
  for (int s = 0; s < static_cast<int>(genotype.stages.size()); ++s) {
    const StageGenotype& stage = genotype.stages[static_cast<size_t>(s)];
    CellGraph cell;
    cell.stage = s;
    cell.depth = stage.depth;
    for (int e = 0; e < kEdges; ++e) {
      const EdgeChoice& c = stage.edges[e];
      if (c.op == Op::None) continue;  // absent edge (§6)
      cell.edges.append(CellEdge{kEdgeFrom[e], kEdgeTo[e], static_cast<int>(c.op),
                                 c.op == Op::KernelConv ? c.kernel : 0, /*weight=*/1.0});
    }
    cells.append(finish(cell));
  }
  return cells;
}

QVector<CellGraph> cellsFromDistributions(const ArchDistributions& d, int maxDepth) {
  const int stages = static_cast<int>(d.alpha.size()) / kEdges;
  QVector<CellGraph> cells;
  for (int s = 0; s < stages; ++s) {
    CellGraph cell;
    cell.stage = s;
    cell.depth = std::max(1, maxDepth);
    if (s < static_cast<int>(d.gamma.size()) && !d.gamma[s].empty()) {
      cell.depth = argmaxIndex(d.gamma[s]) + 1;
      cell.depthWeights = QVector<double>(d.gamma[s].begin(), d.gamma[s].end());
    }
    for (int e = 0; e < kEdges; ++e) {
      const int row = s * kEdges + e;
      const auto& p = d.alpha[row];
      if (static_cast<int>(p.size()) != kOps) continue;
      for (int o = 1; o < kOps; ++o) {  // op 0 (none) is never drawn
        if (!(p[o] > 0)) continue;      // sparsemax's exact zeros are not drawn
        if (static_cast<Op>(o) != Op::KernelConv) {
          cell.edges.append(CellEdge{kEdgeFrom[e], kEdgeTo[e], o, 0, p[o]});
          continue;
        }
        const bool hasBeta = row < static_cast<int>(d.beta.size()) && static_cast<int>(d.beta[row].size()) == kKernels;
        if (!hasBeta) {
          cell.edges.append(CellEdge{kEdgeFrom[e], kEdgeTo[e], o, kKernelSizes[0], p[o]});
          continue;
        }
        for (int k = 0; k < kKernels; ++k)
          if (d.beta[row][k] > 0)
            cell.edges.append(CellEdge{kEdgeFrom[e], kEdgeTo[e], o, kKernelSizes[k], p[o] * d.beta[row][k]});
      }
    }
    cells.append(finish(cell));
  }
  return cells;
}
