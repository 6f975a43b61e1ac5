// What the cell viewer draws, as plain data: per stage the list of drawable edges
// of the cell DAG. Built by pure functions from a genotype or from the search's
// distributions, so the drawing is testable without pixels (STYLE.md 6).
#pragma once

#include "core/nas/arch_distributions.h"
#include "core/nas/genotype.h"
#include "core/nas/search_space.h"

#include <QString>
#include <QVector>

#include <array>

// One drawn edge: op `op` (zd::Op's index) from node `from` to node `to`.
struct CellEdge {
  int from = 0;
  int to = 0;
  int op = 0;         // 1 skip_connect, 2 nor_conv_1x1, 3 variable conv, 4 avg_pool_3x3 (0 never drawn)
  int kernel = 0;     // kernel size of the variable conv (7, 5, 3); 0 for the other ops
  double weight = 1;  // probability of this op (× its kernel's, for the variable conv); 1 in a genotype
  // NAS-Bench-201 name: "nor_conv_5x5", "skip_connect", ...
  QString label() const;
  bool operator==(const CellEdge& o) const {
    return from == o.from && to == o.to && op == o.op && kernel == o.kernel && weight == o.weight;
  }
};

// One stage's cell.
struct CellGraph {
  int stage = 0;                 // 0-based
  int depth = 1;                 // cells in the stage (derived: argmax γ + 1)
  QVector<double> depthWeights;  // γ distribution over depths 1..N; empty when not searched
  QVector<CellEdge> edges;       // in edge order (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2), then op, kernel
  // live[i]: node i lies on a path from the input (node 0) to the output (node 3);
  // nodes off every such path compute nothing the cell uses and are drawn greyed.
  std::array<bool, zd::kNodes> live{};
  bool operator==(const CellGraph& o) const {
    return stage == o.stage && depth == o.depth && depthWeights == o.depthWeights && edges == o.edges && live == o.live;
  }
};

// The cells of a genotype, one per stage; `none` edges are absent.
QVector<CellGraph> cellsFromGenotype(const zd::Genotype& genotype);

// The cells during a search: every op with nonzero probability is an edge weighted
// by it; the variable conv gives one edge per kernel with nonzero β probability
// (7×7 alone when β is empty, phase 1). Depth is argmax γ + 1, or `maxDepth` when γ
// is empty. Rows that are missing or malformed give no edges.
QVector<CellGraph> cellsFromDistributions(const zd::ArchDistributions& distributions, int maxDepth);
