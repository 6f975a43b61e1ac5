// The architecture distributions of a run: per stage a heat map of edges × ops (α),
// and in phase 2 the kernel (β, edges × 7/5/3) and depth (γ, stages × 1..N) maps.
#pragma once

#include "ui/dashboard/run_plot_data.h"

#include <QVector>
#include <QWidget>

class DistributionHeatMap;

// Thread-safety: GUI thread only, like every widget.
class ArchitecturePanel : public QWidget {
  Q_OBJECT
 public:
  explicit ArchitecturePanel(QWidget* parent = nullptr);

  // Shows data.latest (the most recent distributions).
  void refresh(const RunPlotData& data);

  DistributionHeatMap* alphaMap(int stage) const { return alpha_.value(stage); }
  DistributionHeatMap* betaMap(int stage) const { return beta_.value(stage); }
  DistributionHeatMap* gammaMap() const { return gamma_; }

 private:
  QVector<DistributionHeatMap*> alpha_, beta_;
  DistributionHeatMap* gamma_;
};

// Row labels of the edges in their fixed order: "1←0", "2←0", ...
QStringList edgeLabels();
