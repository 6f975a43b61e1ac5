#include "ui/dashboard/accuracy_size_plot.h"

#include "ui/dashboard/count_ticker.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

namespace {

constexpr double kPointSize = 8;
constexpr double kLastPointSize = 13;  // the latest epoch stands out
const QCPScatterStyle::ScatterShape kOverlayShapes[] = {QCPScatterStyle::ssTriangle, QCPScatterStyle::ssSquare,
                                                        QCPScatterStyle::ssDiamond, QCPScatterStyle::ssCross,
                                                        QCPScatterStyle::ssStar};
const QColor kOverlayColours[] = {QColor(200, 60, 60), QColor(60, 120, 200), QColor(230, 150, 30), QColor(120, 80, 170),
                                  QColor(40, 150, 130)};

// Viridis-like stops (dark purple → yellow): ordered in lightness, readable in grey,
// and QCustomPlot 2.1 has no such preset.
QCPColorGradient epochGradient() {
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0.0, QColor(68, 1, 84));
  g.setColorStopAt(0.25, QColor(59, 82, 139));
  g.setColorStopAt(0.5, QColor(33, 145, 140));
  g.setColorStopAt(0.75, QColor(94, 201, 98));
  g.setColorStopAt(1.0, QColor(253, 231, 37));
  return g;
}

QVector<double> percent(const QVector<double>& v) {
  QVector<double> out(v.size());
  std::transform(v.begin(), v.end(), out.begin(), [](double a) { return 100 * a; });
  return out;
}

QCPGraph* addPoints(QCustomPlot* plot, const QVector<double>& x, const QVector<double>& y, const QCPScatterStyle& style,
                    const QPen& line) {
  QCPGraph* g = plot->addGraph();
  g->setData(x, y, /*alreadySorted=*/false);
  g->setScatterStyle(style);
  g->setLineStyle(line.style() == Qt::NoPen ? QCPGraph::lsNone : QCPGraph::lsLine);
  g->setPen(line);
  return g;
}

}  // namespace

AccuracySizePlot::AccuracySizePlot(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot), colourScale_(new QCPColorScale(plot_)), band_(new QCPItemRect(plot_)) {
  plot_->xAxis->setLabel(tr("parameters"));
  plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new CountTicker));
  plot_->yAxis->setLabel(tr("architecture-half accuracy (%)"));
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
  plot_->plotLayout()->addElement(0, 1, colourScale_);
  colourScale_->setLabel(tr("epoch"));
  colourScale_->setGradient(epochGradient());
  colourScale_->setRangeDrag(false);
  colourScale_->setRangeZoom(false);
  band_->setBrush(QColor(46, 139, 87, 40));
  band_->setPen(QPen(QColor(46, 139, 87, 120), 1, Qt::DashLine));
  band_->setLayer(QStringLiteral("background"));
  band_->setClipToAxisRect(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
}

bool AccuracySizePlot::bandShown() const { return band_->visible(); }

void AccuracySizePlot::refresh(const RunPlotData& data, const QVector<OverlayRun>& overlays) {
  plot_->clearGraphs();
  const int n = data.epoch.size();
  points_ = n;
  const double lastEpoch = std::max(1, data.epochs - 1);
  colourScale_->setDataRange(QCPRange(0, lastEpoch));
  const QVector<double> acc = percent(data.archAccuracy);

  // Trajectories first (thin lines under the points), named for the legend.
  QCPGraph* derived = addPoints(plot_, data.derivedParams, acc, QCPScatterStyle(QCPScatterStyle::ssDisc, Qt::gray, 4),
                                QPen(QColor(120, 120, 120), 1));
  derived->setName(tr("this run: derived architecture"));
  QCPGraph* expected = addPoints(plot_, data.expectedParams, acc,
                                 QCPScatterStyle(QCPScatterStyle::ssCircle, Qt::gray, 4),
                                 QPen(QColor(160, 160, 160), 1, Qt::DotLine));
  expected->setName(tr("this run: expected count"));
  // QCustomPlot colours a whole graph alike, so each epoch's point is its own graph;
  // a run has at most a few hundred epochs.
  for (int i = 0; i < n; ++i) {
    const QColor c = colourScale_->gradient().color(data.epoch[i], QCPRange(0, lastEpoch));
    const double size = i == n - 1 ? kLastPointSize : kPointSize;
    addPoints(plot_, {data.derivedParams[i]}, {acc[i]},
              QCPScatterStyle(QCPScatterStyle::ssDisc, QPen(Qt::black, 0.5), c, size), QPen(Qt::NoPen))
        ->removeFromLegend();
    addPoints(plot_, {data.expectedParams[i]}, {acc[i]},
              QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(c, 2), Qt::NoBrush, size), QPen(Qt::NoPen))
        ->removeFromLegend();
  }

  // Other runs on the same data, and the trade-off curve through every run's last epoch.
  std::vector<std::pair<double, double>> finals;  // (params, accuracy) of each run's last epoch
  if (n > 0) finals.emplace_back(data.derivedParams.back(), acc.back());
  for (int k = 0; k < overlays.size(); ++k) {
    const OverlayRun& o = overlays[k];
    const QColor c = kOverlayColours[k % std::size(kOverlayColours)];
    const QVector<double> oacc = percent(o.archAccuracy);
    QCPGraph* g = addPoints(plot_, o.derivedParams, oacc,
                            QCPScatterStyle(kOverlayShapes[k % std::size(kOverlayShapes)], c, 7), QPen(Qt::NoPen));
    g->setName(o.name);
    if (!o.derivedParams.isEmpty()) finals.emplace_back(o.derivedParams.back(), oacc.back());
  }
  if (finals.size() >= 2) {
    std::sort(finals.begin(), finals.end());
    QVector<double> x, y;
    for (const auto& [params, accuracy] : finals) {
      x << params;
      y << accuracy;
    }
    QCPGraph* curve = addPoints(plot_, x, y, QCPScatterStyle(), QPen(Qt::black, 2, Qt::DashLine));
    curve->setName(tr("trade-off (last epochs)"));
  }

  const bool band = data.maxParams > 0;
  band_->setVisible(band);
  plot_->rescaleAxes();
  QCPRange xr = plot_->xAxis->range();
  if (band) {
    xr.lower = std::min(xr.lower, data.minParams);
    xr.upper = std::max(xr.upper, data.maxParams);
    band_->topLeft->setCoords(data.minParams, 1e3);
    band_->bottomRight->setCoords(data.maxParams, -1e3);
  }
  const double pad = std::max(1.0, xr.size() * 0.08);
  plot_->xAxis->setRange(std::max(0.0, xr.lower - pad), xr.upper + pad);
  QCPRange yr = plot_->yAxis->range();
  plot_->yAxis->setRange(std::max(0.0, yr.lower - 5), std::min(100.0, yr.upper + 5));
  plot_->replot(QCustomPlot::rpQueuedReplot);
}
