#include "core/search/budget.h"

#include "ui/wizard/budget_page.h"

#include "ui/dashboard/count_format.h"
#include "ui/dashboard/count_ticker.h"
#include "ui/worker/background_task.h"
#include "ui/wizard/config_fields.h"
#include "ui/wizard/search_setup.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include <algorithm>

namespace {

constexpr int kHistogramBins = 40;

}  // namespace

BudgetPage::BudgetPage(SearchSetup* setup, QWidget* parent)
    : QWizardPage(parent), setup_(setup), fields_(new ConfigFields(this)) {
  setTitle(tr("Budget"));
  setSubTitle(tr("Limit the size of the architecture the search may choose (phase 2). The histogram shows "
                 "the parameter counts of architectures sampled from the search space for your data."));
  preset_ = fields_->addChoice("search.budget.preset", tr("Budget"),
                               {QStringLiteral("none"), QStringLiteral("small"), QStringLiteral("medium"),
                                QStringLiteral("large"), QStringLiteral("custom")},
                               this);
  min_ = fields_->addLine("search.budget.min_params", tr("Minimum parameters"), this, /*counts=*/true);
  max_ = fields_->addLine("search.budget.max_params", tr("Maximum parameters"), this, /*counts=*/true);
  min_->setPlaceholderText(tr("e.g. 200k"));
  max_->setPlaceholderText(tr("e.g. 1.5M"));

  problemLabel_ = new QLabel(this);
  problemLabel_->setObjectName(QStringLiteral("problem"));
  problemLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
  problemLabel_->setWordWrap(true);
  bandLabel_ = new QLabel(this);
  bandLabel_->setObjectName(QStringLiteral("band"));
  bandLabel_->setWordWrap(true);

  plot_ = new QCustomPlot(this);
  plot_->setMinimumHeight(220);
  plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new CountTicker));
  plot_->xAxis->setLabel(tr("parameters of a sampled architecture"));
  plot_->yAxis->setLabel(tr("architectures"));
  bandRect_ = new QCPItemRect(plot_);
  bandRect_->setBrush(QColor(30, 120, 220, 60));
  bandRect_->setPen(QPen(QColor(30, 120, 220)));
  bandRect_->setVisible(false);

  auto* form = new QFormLayout;
  form->addRow(tr("Budget"), preset_);
  form->addRow(tr("Minimum parameters"), min_);
  form->addRow(tr("Maximum parameters"), max_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(problemLabel_);
  layout->addWidget(bandLabel_);
  layout->addWidget(plot_, 1);

  connect(fields_, &ConfigFields::edited, this, &BudgetPage::check);
}

void BudgetPage::initializePage() {
  fields_->load(setup_->config());
  sampleSpace();
  check();
}

void BudgetPage::check() {
  const bool custom = preset_->currentText() == QLatin1String("custom");
  min_->setEnabled(custom);
  max_->setEnabled(custom);
  zd::RunConfig config;
  problem_ = fields_->store(setup_->config(), &config);
  fields_->highlight(problem_.isEmpty() ? std::string() : fields_->blamedKey());
  problemLabel_->setText(problem_);
  if (problem_.isEmpty()) setup_->setConfig(config);
  redraw();
  Q_EMIT completeChanged();
}

void BudgetPage::sampleSpace() {
  const DataFacts& facts = setup_->facts();
  const auto& s = setup_->config().search;
  const int64_t classes = facts.valid() ? facts.classes : 2;
  const int64_t channels = facts.valid() ? facts.channels : 1;
  const int64_t c = s.network.channels, n = s.network.cells;
  const int count = s.budget.samples;
  const uint64_t seed = s.seed;
  const QString key = QStringLiteral("%1/%2/%3/%4/%5/%6").arg(classes).arg(channels).arg(c).arg(n).arg(count).arg(seed);
  if (key == sampledKey_) return;
  sampledKey_ = key;
  const int generation = ++generation_;
  bandLabel_->setText(tr("Sampling %1 architectures …").arg(count));
  runInBackground<std::vector<int64_t>>(
      this, [=]() { return zd::sampleSpaceParamCounts(channels, c, n, classes, count, seed); },
      [this, generation](std::vector<int64_t> counts) {
        if (generation != generation_) return;
        samples_ = std::move(counts);
        redraw();
      },
      [this](QString message) { bandLabel_->setText(message); });
}

void BudgetPage::redraw() {
  band_ = {0, 0};
  if (samples_.empty()) return;
  const auto& b = setup_->config().search.budget;
  const QString preset = preset_->currentText();
  QString how;
  if (problem_.isEmpty() && preset == QLatin1String("custom")) {
    band_ = {b.min_params, b.max_params};
    how = tr("custom");
  } else if (preset != QLatin1String("none") && preset != QLatin1String("custom")) {
    const double lo = preset == QLatin1String("small") ? b.small_lo : preset == QLatin1String("medium") ? b.medium_lo
                                                                                                         : b.large_lo;
    const double hi = preset == QLatin1String("small") ? b.small_hi : preset == QLatin1String("medium") ? b.medium_hi
                                                                                                         : b.large_hi;
    band_ = {zd::percentileOf(samples_, lo), zd::percentileOf(samples_, hi)};
    how = tr("%1th–%2th percentile").arg(lo).arg(hi);
  }

  // Histogram of the sampled counts.
  const double lo = static_cast<double>(samples_.front()), hi = static_cast<double>(samples_.back());
  const double width = std::max(1.0, (hi - lo) / kHistogramBins);
  QVector<double> x(kHistogramBins), y(kHistogramBins, 0);
  for (int i = 0; i < kHistogramBins; ++i) x[i] = lo + (i + 0.5) * width;
  for (int64_t v : samples_) y[std::min(kHistogramBins - 1, static_cast<int>((v - lo) / width))] += 1;
  plot_->clearPlottables();
  auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
  bars->setWidth(width * 0.9);
  bars->setData(x, y, /*alreadySorted=*/true);
  bars->setBrush(QColor(120, 120, 120, 160));
  bars->setPen(Qt::NoPen);
  const double top = *std::max_element(y.begin(), y.end()) * 1.1;
  plot_->xAxis->setRange(std::min(lo, band_.first) - width, std::max(hi, band_.second) + width);
  plot_->yAxis->setRange(0, top);
  bandRect_->setVisible(band_.second > 0);
  bandRect_->topLeft->setCoords(band_.first, top);
  bandRect_->bottomRight->setCoords(band_.second, 0);
  plot_->replot();

  QString text = tr("Search space (%1 samples): %2 – %3 parameters, median %4.")
                     .arg(samples_.size())
                     .arg(formatCount(lo), formatCount(hi), formatCount(zd::percentileOf(samples_, 50)));
  if (band_.second > 0)
    text += QLatin1Char(' ') + tr("Band: %1 – %2 parameters (%3).").arg(formatCount(band_.first),
                                                                           formatCount(band_.second), how);
  else
    text += QLatin1Char(' ') + tr("No budget: the search is free to choose any size.");
  bandLabel_->setText(text);
}
