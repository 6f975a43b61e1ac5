// Draws cell graphs: a pure layout step (graph + box → positions and curves) and a
// painter over it, shared by the on-screen canvas and the PNG/SVG export.
#pragma once

#include "ui/cell_view/cell_graph.h"

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QVector>

#include <array>

class QPainter;

// One edge placed in a box: a quadratic Bézier from node to node.
struct PlacedEdge {
  CellEdge edge;
  QPointF start, control, end;  // curve; start/end are node centres
  QPointF labelAt;              // the curve's midpoint, where the label goes
  double width = 1;             // pen width, grows with the edge's probability
};

struct CellLayout {
  std::array<QPointF, zd::kNodes> nodes{};
  double nodeRadius = 0;
  QVector<PlacedEdge> edges;  // in the graph's edge order
};

// Places the nodes 0..3 left to right in `box` and bends edges so none passes
// through a node: neighbours straight, 2-node spans above, the 0→3 span below;
// parallel ops on one node pair fan out. Pure function.
CellLayout layoutCell(const CellGraph& cell, const QRectF& box);

// Pen width of an edge of probability `weight` in [0, 1].
double edgeWidth(double weight);

// Colour of an op (zd::Op index; kernel size shades the variable conv).
QColor opColour(int op, int kernel);

// Paints one stage (title with depth, nodes, labelled edges) into `box`.
void paintCell(QPainter& painter, const CellGraph& cell, const QRectF& box);

// Paints the stages stacked top to bottom into `area` (white background); a note
// in the middle when `cells` is empty.
void paintCells(QPainter& painter, const QVector<CellGraph>& cells, const QRectF& area);

// A comfortable size for `stages` stacked cells (used for the widget and exports).
QSize preferredCellsSize(int stages);
