// The annealing schedule as the run applies it: temperature T and learning rate
// (left axis) and the budget weight λ (right axis), per epoch.
#pragma once

#include "ui/dashboard/run_plot_data.h"

#include <QWidget>

class QCustomPlot;

// Thread-safety: GUI thread only, like every widget.
class SchedulePlot : public QWidget {
  Q_OBJECT
 public:
  explicit SchedulePlot(QWidget* parent = nullptr);
  void refresh(const RunPlotData& data);
  QCustomPlot* plot() const { return plot_; }

 private:
  QCustomPlot* plot_;
};
