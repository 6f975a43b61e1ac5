// A heat map of a matrix of probabilities (rows × options), e.g. one stage's α
// distributions (edges × ops). Sparsemax gives exact zeros; they are drawn hatched
// grey, unmistakable from small positive values, which take the colour scale.
#pragma once

#include "core/job/job_events.h"

#include <QColor>
#include <QRectF>
#include <QStringList>
#include <QWidget>

// Thread-safety: GUI thread only, like every widget.
class DistributionHeatMap : public QWidget {
  Q_OBJECT
 public:
  explicit DistributionHeatMap(const QString& title, QWidget* parent = nullptr);

  // Shows `values` (rows of equal length, each in [0, 1]) with the given labels;
  // an empty matrix shows `emptyNote`.
  void setData(const zd::Matrix& values, const QStringList& rowLabels, const QStringList& columnLabels);
  void setEmptyNote(const QString& note);
  const zd::Matrix& values() const { return values_; }

  // Fill colour of a cell holding `p`: the colour scale for p > 0, grey for an exact 0
  // (the painter adds a hatch over it).
  static QColor colourFor(double p);
  // Where cell (row, column) is painted in the widget's current size.
  QRectF cellRect(int row, int column) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QRectF gridRect() const;

  QString title_;
  QString emptyNote_;
  zd::Matrix values_;
  QStringList rowLabels_, columnLabels_;
};
