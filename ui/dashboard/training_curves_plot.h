// The search's loss (left axis) and accuracy (right axis) per epoch, on the weight
// half and the architecture half, with the phase-2 switch marked.
#pragma once

#include "ui/dashboard/loss_accuracy_plot.h"
#include "ui/dashboard/run_plot_data.h"

// Thread-safety: GUI thread only, like every widget.
class TrainingCurvesPlot : public LossAccuracyPlot {
  Q_OBJECT
 public:
  explicit TrainingCurvesPlot(QWidget* parent = nullptr);
  void refresh(const RunPlotData& data);
};
