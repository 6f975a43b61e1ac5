// Retraining curves per epoch: training and validation loss (left axis), training
// and validation accuracy (right axis), the kept (best) epoch marked.
#pragma once

#include "ui/dashboard/loss_accuracy_plot.h"
#include "ui/dashboard/run_plot_data.h"

// Thread-safety: GUI thread only, like every widget.
class RetrainCurvesPlot : public LossAccuracyPlot {
  Q_OBJECT
 public:
  explicit RetrainCurvesPlot(QWidget* parent = nullptr);
  void refresh(const RunPlotData& data);
};
