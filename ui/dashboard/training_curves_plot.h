// Loss (left axis) and accuracy (right axis) per epoch, on the weight half and the
// architecture half, with the phase-2 switch marked.
#pragma once

#include "ui/dashboard/run_plot_data.h"

#include <QWidget>

class QCustomPlot;
class QCPItemStraightLine;

// Thread-safety: GUI thread only, like every widget.
class TrainingCurvesPlot : public QWidget {
  Q_OBJECT
 public:
  explicit TrainingCurvesPlot(QWidget* parent = nullptr);
  void refresh(const RunPlotData& data);
  QCustomPlot* plot() const { return plot_; }

 private:
  QCustomPlot* plot_;
  QCPItemStraightLine* phaseLine_;
};
