// Retraining curves per epoch: training and validation loss (left axis), training
// and validation accuracy (right axis), the kept (best) epoch marked.
#pragma once

#include "ui/dashboard/run_plot_data.h"

#include <QWidget>

class QCustomPlot;
class QCPItemStraightLine;

// Thread-safety: GUI thread only, like every widget.
class RetrainCurvesPlot : public QWidget {
  Q_OBJECT
 public:
  explicit RetrainCurvesPlot(QWidget* parent = nullptr);
  void refresh(const RunPlotData& data);
  QCustomPlot* plot() const { return plot_; }

 private:
  QCustomPlot* plot_;
  QCPItemStraightLine* bestLine_;
};
