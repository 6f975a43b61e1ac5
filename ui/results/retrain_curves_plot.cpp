#include "ui/results/retrain_curves_plot.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

namespace {

enum Graph { kTrainLoss, kValLoss, kTrainAccuracy, kValAccuracy };

QVector<double> percent(QVector<double> v) {
  for (double& a : v) a *= 100;
  return v;
}

}  // namespace

RetrainCurvesPlot::RetrainCurvesPlot(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot), bestLine_(new QCPItemStraightLine(plot_)) {
  plot_->xAxis->setLabel(tr("retraining epoch"));
  plot_->yAxis->setLabel(tr("loss"));
  plot_->yAxis2->setLabel(tr("accuracy (%)"));
  plot_->yAxis2->setVisible(true);
  const struct {
    QCPAxis* axis;
    QColor colour;
    Qt::PenStyle style;
    QString name;
  } graphs[] = {{plot_->yAxis, QColor(200, 70, 50), Qt::SolidLine, tr("training loss (mixed, smoothed)")},
                {plot_->yAxis, QColor(200, 70, 50), Qt::DashLine, tr("validation loss")},
                {plot_->yAxis2, QColor(40, 100, 180), Qt::SolidLine, tr("training accuracy")},
                {plot_->yAxis2, QColor(40, 100, 180), Qt::DashLine, tr("validation accuracy")}};
  for (const auto& g : graphs) {
    QCPGraph* graph = plot_->addGraph(plot_->xAxis, g.axis);
    graph->setPen(QPen(g.colour, 2, g.style));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    graph->setName(g.name);
  }
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  bestLine_->setPen(QPen(QColor(0, 140, 60), 1, Qt::DotLine));
  bestLine_->setVisible(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  setMinimumHeight(220);
}

void RetrainCurvesPlot::refresh(const RunPlotData& data) {
  plot_->graph(kTrainLoss)->setData(data.retrainEpoch, data.retrainLoss, true);
  plot_->graph(kValLoss)->setData(data.retrainEpoch, data.retrainValLoss, true);
  plot_->graph(kTrainAccuracy)->setData(data.retrainEpoch, percent(data.retrainAccuracy), true);
  plot_->graph(kValAccuracy)->setData(data.retrainEpoch, percent(data.retrainValAccuracy), true);
  // The kept epoch: its weights are the model that is evaluated and exported.
  bestLine_->setVisible(data.retrainBestEpoch >= 0 && !data.retrainEpoch.isEmpty());
  bestLine_->point1->setCoords(data.retrainBestEpoch, 0);
  bestLine_->point2->setCoords(data.retrainBestEpoch, 1);
  plot_->xAxis->setRange(0, std::max(1, data.retrainEpochs - 1));
  plot_->yAxis->rescale();
  plot_->yAxis->setRangeLower(0);
  plot_->yAxis2->setRange(0, 100);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}
