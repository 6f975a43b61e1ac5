#include "ui/cell_view/cell_painter.h"

#include <QFont>
#include <QFontMetricsF>
#include <QLineF>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>

#include <algorithm>
#include <cmath>
#include <map>

using namespace zd;  // the engine's value types (events, search-space constants)

namespace {

// Layout proportions, relative to the height of one stage's box.
constexpr double kTitleShare = 0.16;    // title line
constexpr double kNodeShare = 0.075;    // node radius
constexpr double kSpan2Bend = -0.26;    // 2-node spans arc upwards
constexpr double kSpan3Bend = 0.30;     // the 0→3 span arcs downwards
constexpr double kFanStep = 0.085;      // distance between parallel ops on one pair
constexpr double kMinWidth = 1.0;       // pen width of a near-zero probability
constexpr double kMaxExtraWidth = 5.0;  // added at probability 1
constexpr int kStageHeight = 230;       // preferred size of one stage, pixels
constexpr int kStageWidth = 720;

QString weightText(double w) { return QString::number(w, 'f', 2); }

void paintArrowHead(QPainter& painter, const PlacedEdge& e, double radius, const QColor& colour) {
  // Tangent at the end of a quadratic Bézier points from the control point to the end.
  QLineF dir(e.control, e.end);
  if (dir.length() <= 0) return;
  const QPointF unit = (e.end - e.control) / dir.length();
  const QPointF tip = e.end - unit * radius;
  const double size = 6 + e.width;
  const QPointF normal(-unit.y(), unit.x());
  const QPolygonF head{tip, tip - unit * size + normal * size * 0.5, tip - unit * size - normal * size * 0.5};
  painter.setPen(Qt::NoPen);
  painter.setBrush(colour);
  painter.drawPolygon(head);
}

}  // namespace

double edgeWidth(double weight) { return kMinWidth + kMaxExtraWidth * std::clamp(weight, 0.0, 1.0); }

QColor opColour(int op, int kernel) {
  switch (static_cast<Op>(op)) {
    case Op::Skip: return QColor(90, 110, 140);
    case Op::Conv1x1: return QColor(230, 126, 34);
    case Op::KernelConv:
      return kernel == 3 ? QColor(88, 180, 92) : kernel == 5 ? QColor(46, 139, 87) : QColor(20, 90, 50);
    case Op::AvgPool: return QColor(142, 68, 173);
    case Op::None: break;
  }
  return QColor(150, 150, 150);
}

CellLayout layoutCell(const CellGraph& cell, const QRectF& box) {
  CellLayout layout;
  const double h = box.height();
  layout.nodeRadius = kNodeShare * h;
  const double margin = layout.nodeRadius * 2.5;
  const double y = box.top() + h * 0.5;
  for (int i = 0; i < kNodes; ++i)
    layout.nodes[i] = QPointF(box.left() + margin + i * (box.width() - 2 * margin) / (kNodes - 1), y);

  // Parallel ops on one node pair fan out around the pair's base bend.
  std::map<std::pair<int, int>, int> count, seen;
  for (const CellEdge& e : cell.edges) ++count[{e.from, e.to}];
  for (const CellEdge& e : cell.edges) {
    const int span = e.to - e.from;
    const double base = span == 1 ? 0 : span == 2 ? kSpan2Bend : kSpan3Bend;
    const int n = count[{e.from, e.to}];
    const int k = seen[{e.from, e.to}]++;
    const double bend = (base + (k - (n - 1) / 2.0) * kFanStep) * h;
    PlacedEdge p;
    p.edge = e;
    p.start = layout.nodes[e.from];
    p.end = layout.nodes[e.to];
    const QPointF mid = (p.start + p.end) / 2;
    // A quadratic Bézier reaches half its control point's offset at t = 1/2.
    p.control = mid + QPointF(0, 2 * bend);
    p.labelAt = mid + QPointF(0, bend);
    p.width = edgeWidth(e.weight);
    layout.edges.append(p);
  }
  return layout;
}

void paintCell(QPainter& painter, const CellGraph& cell, const QRectF& box) {
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing);
  const QRectF titleBox(box.left(), box.top(), box.width(), box.height() * kTitleShare);
  const QRectF graphBox(box.left(), titleBox.bottom(), box.width(), box.height() - titleBox.height());

  QString title = QStringLiteral("Stage %1 — depth %2").arg(cell.stage + 1).arg(cell.depth);
  if (!cell.depthWeights.isEmpty()) {
    QStringList weights;
    for (double w : cell.depthWeights) weights << weightText(w);
    title +=
        QStringLiteral("   (γ over 1..%1: %2)").arg(cell.depthWeights.size()).arg(weights.join(QStringLiteral(" · ")));
  }
  QFont titleFont = painter.font();
  titleFont.setBold(true);
  painter.setFont(titleFont);
  painter.setPen(Qt::black);
  painter.drawText(titleBox, Qt::AlignLeft | Qt::AlignVCenter, title);

  const CellLayout layout = layoutCell(cell, graphBox);
  QFont labelFont = painter.font();
  labelFont.setBold(false);
  labelFont.setPointSizeF(std::max(6.0, labelFont.pointSizeF() * 0.85));
  painter.setFont(labelFont);
  const QFontMetricsF metrics(labelFont);

  for (const PlacedEdge& e : layout.edges) {
    const QColor colour = opColour(e.edge.op, e.edge.kernel);
    QPainterPath path(e.start);
    path.quadTo(e.control, e.end);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(colour, e.width, Qt::SolidLine, Qt::RoundCap));
    painter.drawPath(path);
    paintArrowHead(painter, e, layout.nodeRadius, colour);
  }
  // Labels after all curves, on a white plate, so no curve crosses a label.
  for (const PlacedEdge& e : layout.edges) {
    QString text = e.edge.label();
    if (e.edge.weight < 1) text += ' ' + weightText(e.edge.weight);
    QRectF r = metrics.boundingRect(text).adjusted(-3, -1, 3, 1);
    r.moveCenter(e.labelAt);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(255, 255, 255, 220));
    painter.drawRoundedRect(r, 3, 3);
    painter.setPen(opColour(e.edge.op, e.edge.kernel).darker(130));
    painter.drawText(r, Qt::AlignCenter, text);
  }
  for (int i = 0; i < kNodes; ++i) {
    const bool live = cell.live[i];
    painter.setPen(QPen(live ? Qt::black : Qt::gray, 1.5, live ? Qt::SolidLine : Qt::DashLine));
    painter.setBrush(live ? QColor(235, 242, 250) : QColor(240, 240, 240));
    const double r = layout.nodeRadius;
    painter.drawEllipse(layout.nodes[i], r, r);
    painter.setPen(live ? Qt::black : Qt::gray);
    painter.drawText(QRectF(layout.nodes[i] - QPointF(r, r), QSizeF(2 * r, 2 * r)), Qt::AlignCenter,
                     QString::number(i));
    const QString role = i == 0            ? QStringLiteral("input")
                         : i == kNodes - 1 ? QStringLiteral("output")
                         : live            ? QString()
                                           : QStringLiteral("unused");
    if (!role.isEmpty())
      painter.drawText(QRectF(layout.nodes[i].x() - 3 * r, layout.nodes[i].y() - 2.6 * r, 6 * r, 1.4 * r),
                       Qt::AlignCenter, role);
  }
  painter.restore();
}

void paintCells(QPainter& painter, const QVector<CellGraph>& cells, const QRectF& area) {
  painter.fillRect(area, Qt::white);
  if (cells.isEmpty()) {
    painter.setPen(Qt::gray);
    painter.drawText(area, Qt::AlignCenter, QStringLiteral("No architecture yet"));
    return;
  }
  const double h = area.height() / cells.size();
  for (int i = 0; i < cells.size(); ++i)
    paintCell(painter, cells[i], QRectF(area.left() + 8, area.top() + i * h, area.width() - 16, h));
}

QSize preferredCellsSize(int stages) { return QSize(kStageWidth, kStageHeight * std::max(1, stages)); }
