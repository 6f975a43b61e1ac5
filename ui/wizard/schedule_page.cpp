#include "core/search/schedules.h"

#include "ui/wizard/schedule_page.h"

#include "ui/wizard/config_fields.h"
#include "ui/wizard/search_setup.h"

#include <qcustomplot.h>

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include <algorithm>

SchedulePage::SchedulePage(SearchSetup* setup, QWidget* parent)
    : QWizardPage(parent), setup_(setup), fields_(new ConfigFields(this)) {
  setTitle(tr("Schedule"));
  setSubTitle(tr("How long the search runs and how fast its choices sharpen: the temperature T is multiplied "
                 "by the decay factor every N epochs; from the switch epoch on, kernel sizes and depths are "
                 "searched too and the budget weighs λ = λ0 / T."));
  auto* form = new QFormLayout;
  const std::pair<const char*, QString> rows[] = {
      {"search.epochs", tr("Epochs")},
      {"search.temperature.t0", tr("Initial temperature T0")},
      {"search.temperature.decay", tr("Decay factor")},
      {"search.temperature.every", tr("Decay every N epochs")},
      {"search.switch_epoch", tr("Phase-switch epoch")},
      {"search.budget.lambda0", tr("Budget weight λ0")},
      {"search.arch.rounds", tr("ZO rounds R")},
  };
  for (const auto& [key, label] : rows) {
    auto* edit = fields_->addLine(key, label, this);
    edit->setMaximumWidth(100);
    form->addRow(label, edit);
  }
  problemLabel_ = new QLabel(this);
  problemLabel_->setObjectName(QStringLiteral("problem"));
  problemLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
  problemLabel_->setWordWrap(true);

  plot_ = new QCustomPlot(this);
  plot_->setMinimumHeight(220);
  plot_->addGraph(plot_->xAxis, plot_->yAxis);
  plot_->addGraph(plot_->xAxis, plot_->yAxis2);
  plot_->graph(0)->setName(tr("temperature T"));
  plot_->graph(0)->setPen(QPen(QColor(200, 60, 30), 2));
  plot_->graph(0)->setLineStyle(QCPGraph::lsStepLeft);
  plot_->graph(1)->setName(tr("budget weight λ"));
  plot_->graph(1)->setPen(QPen(QColor(30, 100, 200), 2));
  plot_->graph(1)->setLineStyle(QCPGraph::lsStepLeft);
  plot_->xAxis->setLabel(tr("epoch"));
  plot_->yAxis->setLabel(tr("T"));
  plot_->yAxis2->setLabel(tr("λ"));
  plot_->yAxis2->setVisible(true);
  plot_->legend->setVisible(true);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(problemLabel_);
  layout->addWidget(plot_, 1);
  connect(fields_, &ConfigFields::edited, this, &SchedulePage::check);
}

void SchedulePage::initializePage() {
  fields_->load(setup_->config());
  check();
}

void SchedulePage::check() {
  zd::RunConfig config;
  problem_ = fields_->store(setup_->config(), &config);
  fields_->highlight(problem_.isEmpty() ? std::string() : fields_->blamedKey());
  problemLabel_->setText(problem_);
  if (problem_.isEmpty()) {
    setup_->setConfig(config);
    redraw();
  }
  Q_EMIT completeChanged();
}

void SchedulePage::redraw() {
  const auto& s = setup_->config().search;
  QVector<double> epochs;
  t_.clear();
  lambda_.clear();
  for (int e = 0; e < s.epochs; ++e) {
    const double t = zd::temperatureAt(s.temperature, e);
    epochs << e;
    t_ << t;
    // λ only matters once the budget is active (phase 2).
    lambda_ << (s.size_search && e >= s.switch_epoch ? zd::budgetLambdaAt(s.budget, t) : 0.0);
  }
  plot_->graph(0)->setData(epochs, t_, /*alreadySorted=*/true);
  plot_->graph(1)->setData(epochs, lambda_, /*alreadySorted=*/true);
  plot_->xAxis->setRange(0, std::max(1, s.epochs - 1));
  plot_->yAxis->setRange(0, *std::max_element(t_.begin(), t_.end()) * 1.1);
  const double lmax = *std::max_element(lambda_.begin(), lambda_.end());
  plot_->yAxis2->setRange(0, lmax > 0 ? lmax * 1.1 : 1.0);
  plot_->replot();
}
