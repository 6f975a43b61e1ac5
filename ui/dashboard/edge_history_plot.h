// Per edge of one stage, the history of every op's probability over the run's
// architecture updates: six small plots (one per edge), five lines each.
#pragma once

#include "ui/dashboard/run_plot_data.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;

// Thread-safety: GUI thread only, like every widget.
class EdgeHistoryPlot : public QWidget {
  Q_OBJECT
 public:
  explicit EdgeHistoryPlot(QWidget* parent = nullptr);

  // Redraws the chosen stage's histories from `data` (kept for stage switches).
  void refresh(const RunPlotData& data);

  // 0-based stage shown.
  int stage() const;
  void setStage(int stage);
  QCustomPlot* plot() const { return plot_; }

 private:
  void redraw();

  QComboBox* stageBox_;
  QCustomPlot* plot_;
  RunPlotData data_;
};
