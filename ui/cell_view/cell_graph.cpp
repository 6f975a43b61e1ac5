// LibTorch (through genotype.h) before any Qt header: Qt's `slots` macro breaks it.
#include "core/common/error.h"
#include "core/nas/genotype.h"

#include "ui/cell_view/cell_graph.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

using namespace zd;  // the engine's value types (events, search-space constants)

namespace {

// Index of the largest entry; ties go to the lower index, as in Genotype::derive (§6).
int argmax(const std::vector<double>& row) {
  int best = 0;
  for (int i = 1; i < static_cast<int>(row.size()); ++i)
    if (row[i] > row[best]) best = i;
  return best;
}

CellGraph finish(CellGraph cell) {
  cell.live = liveNodes(cell.edges);
  return cell;
}

}  // namespace

QString CellEdge::label() const {
  return QString::fromStdString(opName(static_cast<Op>(op), kernel > 0 ? kernel : kKernelSizes[0]));
}

std::array<bool, kNodes> liveNodes(const QVector<CellEdge>& edges) {
  // Edges only go from lower to higher nodes, so one forward and one backward pass
  // settle reachability from the input and to the output.
  std::array<bool, kNodes> fromInput{}, toOutput{}, live{};
  fromInput[0] = true;
  for (int to = 1; to < kNodes; ++to)
    for (const CellEdge& e : edges)
      if (e.to == to && e.op != static_cast<int>(Op::None) && fromInput[e.from]) fromInput[to] = true;
  toOutput[kNodes - 1] = true;
  for (int from = kNodes - 2; from >= 0; --from)
    for (const CellEdge& e : edges)
      if (e.from == from && e.op != static_cast<int>(Op::None) && toOutput[e.to]) toOutput[from] = true;
  for (int i = 0; i < kNodes; ++i) live[i] = fromInput[i] && toOutput[i];
  return live;
}

QVector<CellGraph> cellsFromGenotype(const QString& genotype, QString* error) {
  static const QRegularExpression line(QStringLiteral("^\\s*stage\\s+(\\d+)\\s+\\(depth\\s+(\\d+)\\):\\s*(\\S+)\\s*$"));
  QVector<CellGraph> cells;
  const QStringList lines = genotype.split('\n', Qt::SkipEmptyParts);
  for (const QString& text : lines) {
    const auto m = line.match(text);
    if (!m.hasMatch()) {
      if (error) *error = QStringLiteral("genotype line \"%1\": expected \"stage <n> (depth <d>): <cell>\"").arg(text);
      return {};
    }
    StageGenotype stage;
    try {
      stage = StageGenotype::fromString(m.captured(3).toStdString(), m.captured(2).toInt());
    } catch (const Error& e) {
      if (error) *error = QString::fromUtf8(e.what());
      return {};
    }
    CellGraph cell;
    cell.stage = m.captured(1).toInt() - 1;
    cell.depth = stage.depth;
    for (int e = 0; e < kEdges; ++e) {
      const EdgeChoice& c = stage.edges[e];
      if (c.op == Op::None) continue;  // absent edge (§6)
      cell.edges.append(CellEdge{kEdgeFrom[e], kEdgeTo[e], static_cast<int>(c.op),
                                 c.op == Op::KernelConv ? c.kernel : 0, /*weight=*/1.0});
    }
    cells.append(finish(cell));
  }
  if (cells.isEmpty() && error) *error = QStringLiteral("genotype text is empty");
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
      cell.depth = argmax(d.gamma[s]) + 1;
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
