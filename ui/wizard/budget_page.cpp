#include "core/run/run_config.h"
#include "core/search/budget.h"

#include "ui/wizard/budget_page.h"

#include "ui/dashboard/count_format.h"
#include "ui/dashboard/count_ticker.h"
#include "ui/wizard/band_preview.h"
#include "ui/wizard/config_fields.h"
#include "ui/wizard/search_setup.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <algorithm>

namespace {

constexpr int kHistogramBins = 40;
const QColor kSpaceMarkColor(90, 90, 90);

// A band end as the Min/Max fields show it: exact, so that switching to custom
// keeps the preset's band to the parameter.
QString exactNumber(double v) { return QString::number(v, 'g', 15); }

// A vertical dashed line with a label at its top, for the space's smallest and largest architectures.
void makeMark(QCustomPlot* plot, QCPItemStraightLine** line, QCPItemText** text, Qt::Alignment align) {
  *line = new QCPItemStraightLine(plot);
  (*line)->setPen(QPen(kSpaceMarkColor, 1, Qt::DashLine));
  *text = new QCPItemText(plot);
  (*text)->setColor(kSpaceMarkColor);
  (*text)->setPositionAlignment(align | Qt::AlignTop);
  (*text)->setPadding(QMargins(4, 2, 4, 2));
  (*line)->setVisible(false);
  (*text)->setVisible(false);
}

void placeMark(QCPItemStraightLine* line, QCPItemText* text, double x, double top, const QString& label) {
  line->point1->setCoords(x, 0);
  line->point2->setCoords(x, 1);
  text->position->setCoords(x, top);
  text->setText(label);
  line->setVisible(true);
  text->setVisible(true);
}

}  // namespace

BudgetPage::BudgetPage(SearchSetup* setup, BandPreview* preview, QWidget* parent)
    : QWizardPage(parent), setup_(setup), preview_(preview), fields_(new ConfigFields(this)) {
  setTitle(tr("Budget"));
  setSubTitle(tr("Limit the size of the architecture the search may choose (phase 2). The band is worked out for "
                 "the network that will run (C and N on the Run page, your data's classes and channels); the "
                 "histogram shows the parameter counts of architectures sampled from that search space."));
  preset_ = fields_->addChoice("search.budget.preset", tr("Budget"),
                               {QStringLiteral("none"), QStringLiteral("small"), QStringLiteral("medium"),
                                QStringLiteral("large"), QStringLiteral("custom")},
                               this);
  min_ = fields_->addLine("search.budget.min_params", tr("Minimum parameters"), this, /*counts=*/true);
  max_ = fields_->addLine("search.budget.max_params", tr("Maximum parameters"), this, /*counts=*/true);

  problemLabel_ = new QLabel(this);
  problemLabel_->setObjectName(QStringLiteral("problem"));
  problemLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
  problemLabel_->setWordWrap(true);
  warningLabel_ = new QLabel(this);
  warningLabel_->setObjectName(QStringLiteral("bandWarning"));
  warningLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
  warningLabel_->setWordWrap(true);
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
  makeMark(plot_, &smallestLine_, &smallestText_, Qt::AlignLeft);
  makeMark(plot_, &largestLine_, &largestText_, Qt::AlignRight);

  auto* form = new QFormLayout;
  form->addRow(tr("Budget"), preset_);
  form->addRow(tr("Minimum parameters"), min_);
  form->addRow(tr("Maximum parameters"), max_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(problemLabel_);
  layout->addWidget(warningLabel_);
  layout->addWidget(bandLabel_);
  layout->addWidget(plot_, 1);

  connect(fields_, &ConfigFields::edited, this, &BudgetPage::check);
  connect(preview_, &BandPreview::updated, this, &BudgetPage::redraw);
}

void BudgetPage::initializePage() {
  fields_->load(setup_->config());
  check();
}

bool BudgetPage::isUpToDate() const { return preview_->isCurrent(); }

const std::vector<int64_t>& BudgetPage::samples() const { return preview_->facts().samples; }

QString BudgetPage::bandWarning() const {
  if (!preview_->isCurrent()) return QString();
  const BandFacts& f = preview_->facts();
  if (!f.error.isEmpty()) return f.error;
  if (!f.unreachable.isEmpty())
    return f.unreachable + QLatin1Char(' ') + tr("(C and N are on the Run page; Start waits for a band that fits.)");
  return QString();
}

void BudgetPage::check() {
  const bool custom = preset_->currentText() == QLatin1String("custom");
  min_->setEnabled(custom);
  max_->setEnabled(custom);
  zd::RunConfig config;
  problem_ = fields_->store(setup_->config(), &config);
  fields_->highlight(problem_.isEmpty() ? std::string() : fields_->blamedKey());
  problemLabel_->setText(problem_);
  if (problem_.isEmpty()) setup_->setConfig(config);  // the preview follows (BandPreview::updated)
  redraw();
  Q_EMIT completeChanged();
}

void BudgetPage::showBandInFields() {
  // A preset's band in the (disabled) Min/Max fields, none without a band; a custom
  // band is the user's own.
  const QString preset = preset_->currentText();
  const bool none = preset == QLatin1String("none");
  min_->setPlaceholderText(none ? tr("no band") : tr("e.g. 200k"));
  max_->setPlaceholderText(none ? tr("no band") : tr("e.g. 1.5M"));
  if (preset == QLatin1String("custom")) return;
  const QSignalBlocker quietMin(min_), quietMax(max_);
  if (none) {
    min_->clear();
    max_->clear();
    return;
  }
  const BandFacts& f = preview_->facts();
  if (!preview_->isCurrent() || !f.hasBand()) return;
  min_->setText(exactNumber(f.min));
  max_->setText(exactNumber(f.max));
}

QString BudgetPage::presetDescription() const {
  const auto& b = setup_->config().search.budget;
  const QString preset = QString::fromLatin1(zd::nameOf(b.preset));
  if (preset == QLatin1String("custom")) return tr("Custom band.");
  if (preset == QLatin1String("none")) return QString();
  const double lo = preset == QLatin1String("small")    ? b.small_lo
                    : preset == QLatin1String("medium") ? b.medium_lo
                                                        : b.large_lo;
  const double hi = preset == QLatin1String("small")    ? b.small_hi
                    : preset == QLatin1String("medium") ? b.medium_hi
                                                        : b.large_hi;
  // The ends of the scale are the space's own smallest and largest architectures (core/search/budget.h).
  const QString from = lo == 0 ? tr("the smallest architecture") : tr("the %1th percentile").arg(lo);
  const QString to = hi == 100 ? tr("the largest architecture") : tr("the %1th percentile").arg(hi);
  const QString of = b.from_run.empty() ? tr("of the sampled sizes")
                                        : tr("of sizes sampled from the final distributions of %1")
                                              .arg(QString::fromStdString(b.from_run));
  return tr("%1: from %2 to %3 %4.").arg(preset, from, to, of);
}

void BudgetPage::redraw() {
  warningLabel_->setText(bandWarning());
  showBandInFields();
  const BandFacts& f = preview_->facts();
  band_ = f.hasBand() ? std::pair<double, double>{f.min, f.max} : std::pair<double, double>{0, 0};
  QString text = preview_->describe();
  if (preview_->isCurrent() && !f.samples.empty()) {
    text += QLatin1Char(' ') + tr("Sampled: %1 architectures, median %2.")
                                   .arg(f.samples.size())
                                   .arg(formatCount(zd::percentileOf(f.samples, 50)));
    const QString how = presetDescription();
    if (!how.isEmpty()) text += QLatin1Char(' ') + how;
  }
  bandLabel_->setText(text);
  if (f.samples.empty()) return;  // nothing sampled yet: the plot stays as it was

  // Histogram of the sampled counts.
  const double lo = static_cast<double>(f.samples.front()), hi = static_cast<double>(f.samples.back());
  const double width = std::max(1.0, (hi - lo) / kHistogramBins);
  QVector<double> x(kHistogramBins), y(kHistogramBins, 0);
  for (int i = 0; i < kHistogramBins; ++i) x[i] = lo + (i + 0.5) * width;
  for (int64_t v : f.samples) y[std::min(kHistogramBins - 1, static_cast<int>((v - lo) / width))] += 1;
  plot_->clearPlottables();
  auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
  bars->setWidth(width * 0.9);
  bars->setData(x, y, /*alreadySorted=*/true);
  bars->setBrush(QColor(120, 120, 120, 160));
  bars->setPen(Qt::NoPen);
  const double top = *std::max_element(y.begin(), y.end()) * 1.15;
  // The axis spans the whole space (smallest to largest architecture) and the band.
  const double smallest = static_cast<double>(f.smallest), largest = static_cast<double>(f.largest);
  const double left = std::min({lo, smallest, band_.second > 0 ? band_.first : lo});
  const double right = std::max({hi, largest, band_.second});
  const double margin = std::max(width, 0.02 * (right - left));
  plot_->xAxis->setRange(left - margin, right + margin);
  plot_->yAxis->setRange(0, top);
  bandRect_->setVisible(band_.second > 0);
  bandRect_->topLeft->setCoords(band_.first, top);
  bandRect_->bottomRight->setCoords(band_.second, 0);
  marks_ = {smallest, largest};
  placeMark(smallestLine_, smallestText_, smallest, top, tr("smallest possible: %1").arg(formatCount(smallest)));
  placeMark(largestLine_, largestText_, largest, top, tr("largest possible: %1").arg(formatCount(largest)));
  plot_->replot();
}
