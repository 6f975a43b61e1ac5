#include "ui/dashboard/architecture_panel.h"

#include "core/nas/search_space.h"
#include "ui/dashboard/distribution_heat_map.h"

#include <QGridLayout>
#include <QLabel>

using namespace zd;  // the engine's value types (events, search-space constants)

namespace {

// Rows [stage·6, stage·6 + 6) of a stage-major matrix; empty when it lacks them.
Matrix stageRows(const Matrix& m, int stage) {
  const size_t begin = static_cast<size_t>(stage) * kEdges;
  if (m.size() < begin + kEdges) return {};
  return Matrix(m.begin() + static_cast<std::ptrdiff_t>(begin),
                m.begin() + static_cast<std::ptrdiff_t>(begin + kEdges));
}

QStringList opLabels(bool kernelSearched) {
  return {QStringLiteral("none"), QStringLiteral("skip"), QStringLiteral("1×1"),
          kernelSearched ? QStringLiteral("k×k") : QStringLiteral("7×7"), QStringLiteral("pool")};
}

}  // namespace

QStringList edgeLabels() {
  QStringList labels;
  for (int e = 0; e < kEdges; ++e) labels << QStringLiteral("%1←%2").arg(kEdgeTo[e]).arg(kEdgeFrom[e]);
  return labels;
}

ArchitecturePanel::ArchitecturePanel(QWidget* parent)
    : QWidget(parent), gamma_(new DistributionHeatMap(tr("Depth γ (cells per stage)"))) {
  auto* grid = new QGridLayout(this);
  for (int s = 0; s < kStages; ++s) {
    auto* a = new DistributionHeatMap(tr("Stage %1: ops α").arg(s + 1));
    auto* b = new DistributionHeatMap(tr("Stage %1: kernel β").arg(s + 1));
    b->setEmptyNote(tr("phase 2"));
    alpha_.append(a);
    beta_.append(b);
    grid->addWidget(a, 0, s);
    grid->addWidget(b, 1, s);
  }
  gamma_->setEmptyNote(tr("depth is searched in phase 2"));
  grid->addWidget(gamma_, 2, 0, 1, 2);
  auto* legend = new QLabel(tr("Rows sum to 1. Hatched grey = exactly 0 (sparsemax switched the option off); "
                               "colour = positive probability, darker is larger."));
  legend->setWordWrap(true);
  grid->addWidget(legend, 2, 2);
  grid->setRowStretch(0, 3);
  grid->setRowStretch(1, 2);
  grid->setRowStretch(2, 1);
}

void ArchitecturePanel::refresh(const RunPlotData& data) {
  const ArchDistributions& d = data.latest;
  const bool phase2 = !d.beta.empty();
  QStringList kernels;
  for (int k : kKernelSizes) kernels << QStringLiteral("%1×%1").arg(k);
  for (int s = 0; s < kStages; ++s) {
    alpha_[s]->setData(stageRows(d.alpha, s), edgeLabels(), opLabels(phase2));
    beta_[s]->setData(stageRows(d.beta, s), edgeLabels(), kernels);
  }
  QStringList stages, depths;
  for (size_t s = 0; s < d.gamma.size(); ++s) stages << tr("stage %1").arg(s + 1);
  const int n = d.gamma.empty() ? 0 : static_cast<int>(d.gamma.front().size());
  for (int i = 1; i <= n; ++i) depths << (i == 1 ? tr("1 cell") : tr("%1 cells").arg(i));
  gamma_->setData(d.gamma, stages, depths);
}
