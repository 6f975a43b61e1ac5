#include "ui/dashboard/edge_history_plot.h"

#include "core/nas/search_space.h"
#include "ui/cell_view/cell_painter.h"
#include "ui/dashboard/architecture_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

using namespace zd;  // the engine's value types (events, search-space constants)

namespace {

constexpr int kColumns = 3;  // 6 edge plots in 2 rows of 3

QString legendHtml() {
  QStringList parts;
  for (int o = 0; o < kOps; ++o) {
    const QString name = QString::fromStdString(opName(static_cast<Op>(o)));
    parts << QStringLiteral("<span style='color:%1'>&#9632;</span> %2")
                 .arg(opColour(o, kKernelSizes[0]).name(),
                      o == static_cast<int>(Op::KernelConv) ? QStringLiteral("nor_conv_k×k") : name);
  }
  return parts.join(QStringLiteral("&nbsp;&nbsp; "));
}

}  // namespace

EdgeHistoryPlot::EdgeHistoryPlot(QWidget* parent) : QWidget(parent), stageBox_(new QComboBox), plot_(new QCustomPlot) {
  for (int s = 0; s < kStages; ++s) stageBox_->addItem(tr("Stage %1").arg(s + 1));
  connect(stageBox_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { redraw(); });

  plot_->plotLayout()->clear();
  const QStringList edges = edgeLabels();
  for (int e = 0; e < kEdges; ++e) {
    auto* rect = new QCPAxisRect(plot_);
    plot_->plotLayout()->addElement(e / kColumns, e % kColumns, rect);
    rect->axis(QCPAxis::atLeft)->setRange(0, 1.02);
    rect->axis(QCPAxis::atBottom)->setLabel(tr("edge %1 — architecture update").arg(edges[e]));
    for (int o = 0; o < kOps; ++o) {
      QCPGraph* g = plot_->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
      g->setPen(QPen(opColour(o, kKernelSizes[0]), 1.6));
    }
  }
  auto* legend = new QLabel(legendHtml());
  legend->setTextFormat(Qt::RichText);
  auto* bar = new QHBoxLayout;
  bar->addWidget(stageBox_);
  bar->addWidget(legend, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(plot_, 1);
}

int EdgeHistoryPlot::stage() const { return stageBox_->currentIndex(); }
void EdgeHistoryPlot::setStage(int stage) { stageBox_->setCurrentIndex(stage); }

void EdgeHistoryPlot::refresh(const RunPlotData& data) {
  data_ = data;
  redraw();
}

void EdgeHistoryPlot::redraw() {
  const int s = stage();
  double last = 1;
  for (int e = 0; e < kEdges; ++e) {
    const int row = s * kEdges + e;
    for (int o = 0; o < kOps; ++o) {
      QCPGraph* g = plot_->graph(e * kOps + o);
      const bool have = row < data_.alphaHistory.size() && o < data_.alphaHistory[row].size();
      g->setData(data_.update, have ? data_.alphaHistory[row][o] : QVector<double>(), /*alreadySorted=*/true);
    }
  }
  if (!data_.update.isEmpty()) last = std::max(1.0, data_.update.back());
  for (QCPAxisRect* rect : plot_->axisRects()) rect->axis(QCPAxis::atBottom)->setRange(0, last);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}
