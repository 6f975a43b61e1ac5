// Accuracy against size: a point per epoch (architecture-half accuracy against the
// derived architecture's parameter count, and against the expected count), coloured
// by epoch, with the budget band shaded and other runs on the same data overlaid,
// so small, medium and large runs draw the trade-off curve.
#pragma once

#include "ui/dashboard/run_model.h"

#include <QWidget>

class QCustomPlot;
class QCPColorScale;
class QCPItemRect;

// Thread-safety: GUI thread only, like every widget.
class AccuracySizePlot : public QWidget {
  Q_OBJECT
 public:
  explicit AccuracySizePlot(QWidget* parent = nullptr);

  // Redraws from the run's epoch points and the overlays.
  void refresh(const RunPlotData& data, const QVector<OverlayRun>& overlays);

  QCustomPlot* plot() const { return plot_; }
  // Epoch points drawn for this run (derived count), for tests.
  int pointCount() const { return points_; }
  bool bandShown() const;

 private:
  QCustomPlot* plot_;
  QCPColorScale* colourScale_;
  QCPItemRect* band_;
  int points_ = 0;
};
