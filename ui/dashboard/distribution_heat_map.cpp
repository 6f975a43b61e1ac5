#include "ui/dashboard/distribution_heat_map.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>

namespace {

constexpr int kTitleHeight = 18;    // pixels above the grid
constexpr int kHeaderHeight = 16;   // column labels
constexpr int kRowLabelWidth = 42;  // row labels left of the grid
constexpr int kCellMinW = 34, kCellMinH = 16;
constexpr int kCellPrefW = 52, kCellPrefH = 22;

// A perceptually ordered scale (light yellow → dark blue) through viridis-like stops:
// darker means more probable, and no stop is grey, which is reserved for exact zeros.
QColor scale(double p) {
  static const QColor stops[] = {QColor(253, 231, 37), QColor(94, 201, 98), QColor(33, 145, 140), QColor(59, 82, 139),
                                 QColor(68, 1, 84)};
  constexpr int n = sizeof(stops) / sizeof(stops[0]);
  const double x = std::clamp(p, 0.0, 1.0) * (n - 1);
  const int i = std::min(static_cast<int>(x), n - 2);
  const double t = x - i;
  auto mix = [t](int a, int b) { return static_cast<int>(a + (b - a) * t + 0.5); };
  return QColor(mix(stops[i].red(), stops[i + 1].red()), mix(stops[i].green(), stops[i + 1].green()),
                mix(stops[i].blue(), stops[i + 1].blue()));
}

}  // namespace

DistributionHeatMap::DistributionHeatMap(const QString& title, QWidget* parent)
    : QWidget(parent), title_(title), emptyNote_(tr("no data yet")) {
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
  setToolTip(tr("Each row is a distribution. Hatched grey cells are exact zeros of sparsemax "
                "(the option is switched off); coloured cells are positive, darker = more probable."));
}

void DistributionHeatMap::setData(const zd::Matrix& values, const QStringList& rowLabels,
                                  const QStringList& columnLabels) {
  if (values == values_ && rowLabels == rowLabels_ && columnLabels == columnLabels_) return;
  const bool reshaped = values.size() != values_.size() || columnLabels.size() != columnLabels_.size();
  values_ = values;
  rowLabels_ = rowLabels;
  columnLabels_ = columnLabels;
  if (reshaped) updateGeometry();
  update();
}

void DistributionHeatMap::setEmptyNote(const QString& note) {
  emptyNote_ = note;
  update();
}

QColor DistributionHeatMap::colourFor(double p) { return p > 0 ? scale(p) : QColor(205, 205, 205); }

QRectF DistributionHeatMap::gridRect() const {
  return QRectF(kRowLabelWidth, kTitleHeight + kHeaderHeight, std::max(0, width() - kRowLabelWidth - 2),
                std::max(0, height() - kTitleHeight - kHeaderHeight - 2));
}

QRectF DistributionHeatMap::cellRect(int row, int column) const {
  const int rows = static_cast<int>(values_.size());
  const int cols = rows ? static_cast<int>(values_.front().size()) : 0;
  if (row < 0 || row >= rows || column < 0 || column >= cols) return {};
  const QRectF g = gridRect();
  const double w = g.width() / cols, h = g.height() / rows;
  return QRectF(g.left() + column * w, g.top() + row * h, w, h);
}

QSize DistributionHeatMap::sizeHint() const {
  const int rows = std::max<int>(1, static_cast<int>(values_.size()));
  const int cols = std::max<int>(1, values_.empty() ? columnLabels_.size() : static_cast<int>(values_.front().size()));
  return QSize(kRowLabelWidth + cols * kCellPrefW + 2, kTitleHeight + kHeaderHeight + rows * kCellPrefH + 2);
}

QSize DistributionHeatMap::minimumSizeHint() const {
  const int rows = std::max<int>(1, static_cast<int>(values_.size()));
  const int cols = std::max<int>(1, values_.empty() ? columnLabels_.size() : static_cast<int>(values_.front().size()));
  return QSize(kRowLabelWidth + cols * kCellMinW + 2, kTitleHeight + kHeaderHeight + rows * kCellMinH + 2);
}

void DistributionHeatMap::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().window());
  QFont bold = font();
  bold.setBold(true);
  painter.setFont(bold);
  painter.setPen(palette().color(QPalette::WindowText));
  painter.drawText(QRectF(0, 0, width(), kTitleHeight), Qt::AlignLeft | Qt::AlignVCenter, title_);
  painter.setFont(font());
  if (values_.empty() || values_.front().empty()) {
    painter.setPen(Qt::gray);
    painter.drawText(QRectF(0, kTitleHeight, width(), height() - kTitleHeight), Qt::AlignCenter, emptyNote_);
    return;
  }
  const int rows = static_cast<int>(values_.size());
  const int cols = static_cast<int>(values_.front().size());
  QFont small = font();
  small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
  painter.setFont(small);
  for (int c = 0; c < cols && c < columnLabels_.size(); ++c) {
    const QRectF cell = cellRect(0, c);
    painter.drawText(QRectF(cell.left(), kTitleHeight, cell.width(), kHeaderHeight), Qt::AlignCenter, columnLabels_[c]);
  }
  for (int r = 0; r < rows; ++r) {
    const QRectF rowCell = cellRect(r, 0);
    painter.setPen(palette().color(QPalette::WindowText));  // cell text may have left it white
    if (r < rowLabels_.size())
      painter.drawText(QRectF(0, rowCell.top(), kRowLabelWidth - 4, rowCell.height()),
                       Qt::AlignRight | Qt::AlignVCenter, rowLabels_[r]);
    for (int c = 0; c < cols && c < static_cast<int>(values_[r].size()); ++c) {
      const double p = values_[r][c];
      const QRectF cell = cellRect(r, c).adjusted(0.5, 0.5, -0.5, -0.5);
      const QColor fill = colourFor(p);
      painter.fillRect(cell, fill);
      if (!(p > 0)) {
        // Exact zero: hatched, so it never reads as "a little".
        painter.fillRect(cell, QBrush(QColor(150, 150, 150), Qt::BDiagPattern));
        continue;
      }
      // Text in whichever of black/white reads on this fill.
      painter.setPen(fill.lightnessF() > 0.55 ? Qt::black : Qt::white);
      const QString text = p >= 0.995  ? QStringLiteral("1")
                           : p < 0.005 ? QStringLiteral("<.01")
                                       : QString::number(p, 'f', 2).mid(1);
      if (cell.width() >= 24) painter.drawText(cell, Qt::AlignCenter, text);
    }
  }
}
