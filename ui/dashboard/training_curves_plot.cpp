#include "ui/dashboard/training_curves_plot.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

namespace {

enum Graph { kTrainLoss, kArchLoss, kTrainAccuracy, kArchAccuracy };

QVector<double> percent(QVector<double> v) {
  for (double& a : v) a *= 100;
  return v;
}

}  // namespace

TrainingCurvesPlot::TrainingCurvesPlot(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot), phaseLine_(new QCPItemStraightLine(plot_)) {
  plot_->xAxis->setLabel(tr("epoch"));
  plot_->yAxis->setLabel(tr("loss"));
  plot_->yAxis2->setLabel(tr("accuracy (%)"));
  plot_->yAxis2->setVisible(true);
  const struct {
    QCPAxis* axis;
    QColor colour;
    Qt::PenStyle style;
    QString name;
  } graphs[] = {{plot_->yAxis, QColor(200, 70, 50), Qt::SolidLine, tr("loss, weight half")},
                {plot_->yAxis, QColor(200, 70, 50), Qt::DashLine, tr("loss, architecture half")},
                {plot_->yAxis2, QColor(40, 100, 180), Qt::SolidLine, tr("accuracy, weight half")},
                {plot_->yAxis2, QColor(40, 100, 180), Qt::DashLine, tr("accuracy, architecture half")}};
  for (const auto& g : graphs) {
    QCPGraph* graph = plot_->addGraph(plot_->xAxis, g.axis);
    graph->setPen(QPen(g.colour, 2, g.style));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    graph->setName(g.name);
  }
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  phaseLine_->setPen(QPen(Qt::gray, 1, Qt::DotLine));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
}

void TrainingCurvesPlot::refresh(const RunPlotData& data) {
  plot_->graph(kTrainLoss)->setData(data.epoch, data.trainLoss, true);
  plot_->graph(kArchLoss)->setData(data.epoch, data.archLoss, true);
  plot_->graph(kTrainAccuracy)->setData(data.epoch, percent(data.trainAccuracy), true);
  plot_->graph(kArchAccuracy)->setData(data.epoch, percent(data.archAccuracy), true);
  phaseLine_->setVisible(data.phaseChangeEpoch >= 0);
  phaseLine_->point1->setCoords(data.phaseChangeEpoch, 0);
  phaseLine_->point2->setCoords(data.phaseChangeEpoch, 1);
  plot_->xAxis->setRange(0, std::max(1, data.epochs - 1));
  plot_->yAxis->rescale();
  plot_->yAxis->setRangeLower(0);
  plot_->yAxis2->setRange(0, 100);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}
