#include "ui/dashboard/schedule_plot.h"

#include "ui/dashboard/plot_legend.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

namespace {

enum Graph { kTemperature, kLearningRate, kLambda };

}  // namespace

SchedulePlot::SchedulePlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot) {
  plot_->xAxis->setLabel(tr("epoch"));
  plot_->yAxis->setLabel(tr("T, learning rate"));
  plot_->yAxis2->setLabel(tr("λ (budget weight)"));
  plot_->yAxis2->setVisible(true);
  const struct {
    QCPAxis* axis;
    QColor colour;
    QString name;
  } graphs[] = {{plot_->yAxis, QColor(220, 120, 20), tr("temperature T")},
                {plot_->yAxis, QColor(90, 90, 90), tr("weight learning rate")},
                {plot_->yAxis2, QColor(130, 60, 170), tr("λ = 15 / T in phase 2")}};
  for (const auto& g : graphs) {
    QCPGraph* graph = plot_->addGraph(plot_->xAxis, g.axis);
    graph->setPen(QPen(g.colour, 2));
    graph->setLineStyle(QCPGraph::lsStepLeft);  // each value holds for its whole epoch
    graph->setName(g.name);
  }
  placeLegendBelow(plot_, 3);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
}

void SchedulePlot::refresh(const RunPlotData& data) {
  plot_->graph(kTemperature)->setData(data.scheduleEpoch, data.temperature, true);
  plot_->graph(kLearningRate)->setData(data.scheduleEpoch, data.lr, true);
  plot_->graph(kLambda)->setData(data.scheduleEpoch, data.lambda, true);
  plot_->xAxis->setRange(0, std::max(1, data.epochs - 1));
  plot_->yAxis->rescale();
  plot_->yAxis->setRangeLower(0);
  plot_->yAxis->setRangeUpper(std::max(0.1, plot_->yAxis->range().upper * 1.1));
  plot_->yAxis2->rescale();
  plot_->yAxis2->setRangeLower(0);
  plot_->yAxis2->setRangeUpper(std::max(1.0, plot_->yAxis2->range().upper * 1.1));
  plot_->replot(QCustomPlot::rpQueuedReplot);
}
