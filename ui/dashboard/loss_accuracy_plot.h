// Two loss curves (left axis) and two accuracy curves (right axis, in %) per epoch,
// with one dotted vertical marker: the search's curves (weight and architecture
// halves, the phase switch marked) and the retraining's (training and validation,
// the kept epoch marked) are both drawn by it.
#pragma once

#include <QString>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPItemStraightLine;

// Thread-safety: GUI thread only, like every widget.
class LossAccuracyPlot : public QWidget {
  Q_OBJECT
 public:
  // Legend names of the solid and the dashed curve ("weight half", "architecture half").
  LossAccuracyPlot(const QString& xLabel, const QString& solid, const QString& dashed, const QColor& marker,
                   QWidget* parent = nullptr);

  // Losses and accuracies (in [0, 1]) at epochs `x`; the x axis spans 0 … epochs − 1;
  // `markerX` < 0 hides the marker.
  void setCurves(const QVector<double>& x, const QVector<double>& solidLoss, const QVector<double>& dashedLoss,
                 const QVector<double>& solidAccuracy, const QVector<double>& dashedAccuracy, int epochs,
                 double markerX);
  QCustomPlot* plot() const { return plot_; }

 private:
  QCustomPlot* plot_;
  QCPItemStraightLine* marker_;
};
