#include "ui/results/confusion_matrix_view.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <numeric>

namespace {

constexpr int kTitleHeight = 18;
constexpr int kHeaderHeight = 18;  // predicted-class labels
constexpr int kCellMin = 30, kCellPref = 48;

// White → dark blue: a cell's share of its row.
QColor shade(double share) {
  const double t = std::clamp(share, 0.0, 1.0);
  auto mix = [t](int a, int b) { return static_cast<int>(a + (b - a) * t + 0.5); };
  return QColor(mix(247, 8), mix(251, 48), mix(255, 107));
}

}  // namespace

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent) {
  setToolTip(tr("Rows: the true class; columns: the predicted class. Each cell shows how many test images fall "
                "in it and is shaded by its share of the row: the diagonal is each class's recall."));
}

void ConfusionMatrixView::setData(const QVector<QVector<qint64>>& counts, const QStringList& classNames) {
  counts_ = counts;
  names_ = classNames;
  for (int k = names_.size(); k < counts_.size(); ++k) names_.append(QString::number(k));
  updateGeometry();
  update();
}

double ConfusionMatrixView::rowShare(int row, int column) const {
  if (row < 0 || row >= counts_.size() || column < 0 || column >= counts_[row].size()) return 0;
  const qint64 total = std::accumulate(counts_[row].begin(), counts_[row].end(), qint64{0});
  return total > 0 ? static_cast<double>(counts_[row][column]) / total : 0;
}

int ConfusionMatrixView::rowLabelWidth() const {
  const QFontMetrics fm(font());
  int w = 40;
  for (const QString& name : names_) w = std::max(w, fm.horizontalAdvance(name) + 10);
  return std::min(w, 180);
}

QRectF ConfusionMatrixView::gridRect() const {
  const int left = rowLabelWidth();
  const int k = std::max<int>(1, counts_.size());
  // Square cells: the smaller of the two sides decides.
  const double side = std::max(0.0, std::min<double>((width() - left - 2.0) / k,
                                                     (height() - kTitleHeight - kHeaderHeight - 2.0) / k));
  return QRectF(left, kTitleHeight + kHeaderHeight, side * k, side * k);
}

QRectF ConfusionMatrixView::cellRect(int row, int column) const {
  const int k = counts_.size();
  if (row < 0 || row >= k || column < 0 || column >= k) return {};
  const QRectF g = gridRect();
  const double side = g.width() / k;
  return QRectF(g.left() + column * side, g.top() + row * side, side, side);
}

QSize ConfusionMatrixView::sizeHint() const {
  const int k = std::max<int>(2, counts_.size());
  return QSize(rowLabelWidth() + k * kCellPref + 2, kTitleHeight + kHeaderHeight + k * kCellPref + 2);
}

QSize ConfusionMatrixView::minimumSizeHint() const {
  const int k = std::max<int>(2, counts_.size());
  return QSize(rowLabelWidth() + k * kCellMin + 2, kTitleHeight + kHeaderHeight + k * kCellMin + 2);
}

void ConfusionMatrixView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().window());
  QFont bold = font();
  bold.setBold(true);
  painter.setFont(bold);
  painter.setPen(palette().color(QPalette::WindowText));
  painter.drawText(QRectF(0, 0, width(), kTitleHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   tr("Confusion matrix (rows: true class, columns: predicted)"));
  painter.setFont(font());
  const int k = counts_.size();
  if (k == 0) {
    painter.setPen(Qt::gray);
    painter.drawText(rect(), Qt::AlignCenter, tr("no test metrics yet"));
    return;
  }
  const QFontMetrics fm(font());
  for (int c = 0; c < k; ++c) {
    const QRectF cell = cellRect(0, c);
    painter.drawText(QRectF(cell.left(), kTitleHeight, cell.width(), kHeaderHeight), Qt::AlignCenter,
                     fm.elidedText(names_[c], Qt::ElideRight, static_cast<int>(cell.width()) - 2));
  }
  for (int r = 0; r < k; ++r) {
    const QRectF rowCell = cellRect(r, 0);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QRectF(0, rowCell.top(), rowLabelWidth() - 6, rowCell.height()), Qt::AlignRight | Qt::AlignVCenter,
                     fm.elidedText(names_[r], Qt::ElideRight, rowLabelWidth() - 8));
    for (int c = 0; c < k && c < counts_[r].size(); ++c) {
      const QRectF cell = cellRect(r, c).adjusted(0.5, 0.5, -0.5, -0.5);
      const QColor fill = shade(rowShare(r, c));
      painter.fillRect(cell, fill);
      if (r == c) painter.setPen(QPen(QColor(200, 120, 0), 1.5));  // the diagonal: correct predictions
      else painter.setPen(QPen(QColor(210, 210, 210), 1));
      painter.drawRect(cell);
      painter.setPen(fill.lightnessF() > 0.55 ? Qt::black : Qt::white);
      painter.drawText(cell, Qt::AlignCenter, QString::number(counts_[r][c]));
    }
  }
}
