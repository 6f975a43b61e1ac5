#include "ui/dashboard/loss_accuracy_plot.h"

#include "ui/dashboard/plot_legend.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

namespace {

enum Graph { kSolidLoss, kDashedLoss, kSolidAccuracy, kDashedAccuracy };

QVector<double> percent(QVector<double> v) {
  for (double& a : v) a *= 100;
  return v;
}

}  // namespace

LossAccuracyPlot::LossAccuracyPlot(const QString& xLabel, const QString& solid, const QString& dashed,
                                   const QColor& marker, QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot), marker_(new QCPItemStraightLine(plot_)) {
  plot_->xAxis->setLabel(xLabel);
  plot_->yAxis->setLabel(tr("loss"));
  plot_->yAxis2->setLabel(tr("accuracy (%)"));
  plot_->yAxis2->setVisible(true);
  const struct {
    QCPAxis* axis;
    QColor colour;
    Qt::PenStyle style;
    QString name;
  } graphs[] = {{plot_->yAxis, QColor(200, 70, 50), Qt::SolidLine, tr("loss, %1").arg(solid)},
                {plot_->yAxis, QColor(200, 70, 50), Qt::DashLine, tr("loss, %1").arg(dashed)},
                {plot_->yAxis2, QColor(40, 100, 180), Qt::SolidLine, tr("accuracy, %1").arg(solid)},
                {plot_->yAxis2, QColor(40, 100, 180), Qt::DashLine, tr("accuracy, %1").arg(dashed)}};
  for (const auto& g : graphs) {
    QCPGraph* graph = plot_->addGraph(plot_->xAxis, g.axis);
    graph->setPen(QPen(g.colour, 2, g.style));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    graph->setName(g.name);
  }
  placeLegendBelow(plot_, 2);
  marker_->setPen(QPen(marker, 1, Qt::DotLine));
  marker_->setVisible(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
}

void LossAccuracyPlot::setCurves(const QVector<double>& x, const QVector<double>& solidLoss,
                                 const QVector<double>& dashedLoss, const QVector<double>& solidAccuracy,
                                 const QVector<double>& dashedAccuracy, int epochs, double markerX) {
  plot_->graph(kSolidLoss)->setData(x, solidLoss, true);
  plot_->graph(kDashedLoss)->setData(x, dashedLoss, true);
  plot_->graph(kSolidAccuracy)->setData(x, percent(solidAccuracy), true);
  plot_->graph(kDashedAccuracy)->setData(x, percent(dashedAccuracy), true);
  marker_->setVisible(markerX >= 0);
  marker_->point1->setCoords(markerX, 0);
  marker_->point2->setCoords(markerX, 1);
  plot_->xAxis->setRange(0, std::max(1, epochs - 1));
  plot_->yAxis->rescale();
  plot_->yAxis->setRangeLower(0);
  plot_->yAxis2->setRange(0, 100);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}
