#include "ui/dashboard/run_dashboard.h"

#include "ui/dashboard/accuracy_size_plot.h"
#include "ui/dashboard/architecture_panel.h"
#include "ui/dashboard/edge_history_plot.h"
#include "ui/dashboard/run_model.h"
#include "ui/dashboard/run_progress_panel.h"
#include "ui/dashboard/schedule_plot.h"
#include "ui/dashboard/training_curves_plot.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

RunDashboard::RunDashboard(RunModel* model, QWidget* parent)
    : QWidget(parent), model_(model), progress_(new RunProgressPanel), architecture_(new ArchitecturePanel),
      history_(new EdgeHistoryPlot), accuracySize_(new AccuracySizePlot), curves_(new TrainingCurvesPlot),
      schedule_(new SchedulePlot), tabs_(new QTabWidget) {
  connect(progress_, &RunProgressPanel::pauseRequested, this, &RunDashboard::pauseRequested);
  connect(progress_, &RunProgressPanel::resumeRequested, this, &RunDashboard::resumeRequested);
  connect(progress_, &RunProgressPanel::cancelRequested, this, &RunDashboard::cancelRequested);

  auto* accuracyBox = new QWidget;
  auto* accuracyLayout = new QVBoxLayout(accuracyBox);
  accuracyLayout->setContentsMargins(0, 0, 0, 0);
  accuracyLayout->addWidget(accuracySize_, 1);
  accuracyLayout->addWidget(makeOverlayBar());

  auto* plots = new QSplitter(Qt::Vertical);
  plots->addWidget(accuracyBox);
  plots->addWidget(curves_);
  plots->addWidget(schedule_);
  plots->setStretchFactor(0, 3);
  plots->setStretchFactor(1, 2);
  plots->setStretchFactor(2, 2);
  auto* overview = new QSplitter(Qt::Horizontal);
  overview->addWidget(architecture_);
  overview->addWidget(plots);
  overview->setStretchFactor(0, 1);
  overview->setStretchFactor(1, 1);
  tabs_->addTab(overview, tr("Overview"));
  tabs_->addTab(history_, tr("Edge histories"));

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(progress_);
  layout->addWidget(tabs_, 1);

  if (model_) connect(model_, &RunModel::changed, this, &RunDashboard::refresh);
  refresh();
}

QWidget* RunDashboard::makeOverlayBar() {
  auto* bar = new QWidget;
  auto* row = new QHBoxLayout(bar);
  row->setContentsMargins(0, 0, 0, 0);
  auto* same = new QPushButton(tr("Overlay runs on the same data"));
  same->setToolTip(tr("Adds the other run folders next to this one that searched the same data, "
                      "so small, medium and large budgets draw the trade-off curve."));
  auto* add = new QPushButton(tr("Overlay run…"));
  auto* clear = new QPushButton(tr("Clear overlays"));
  connect(same, &QPushButton::clicked, this, &RunDashboard::addSiblingRuns);
  connect(add, &QPushButton::clicked, this, &RunDashboard::addOverlayRunWithDialog);
  connect(clear, &QPushButton::clicked, this, [this] {
    if (model_) model_->clearOverlays();
  });
  row->addWidget(same);
  row->addWidget(add);
  row->addWidget(clear);
  row->addStretch();
  return bar;
}

void RunDashboard::setRunning(bool running) { progress_->setRunning(running); }

void RunDashboard::refresh() {
  if (!model_) return;
  const RunPlotData& d = model_->data();
  progress_->refresh(d, model_->progress());
  architecture_->refresh(d);
  history_->refresh(d);
  accuracySize_->refresh(d, model_->overlays());
  curves_->refresh(d);
  schedule_->refresh(d);
}

void RunDashboard::addOverlayRunWithDialog() {
  if (!model_) return;
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Overlay a run folder"), model_->runDirectory());
  if (dir.isEmpty()) return;
  QString error;
  if (!model_->addOverlayRun(dir, &error)) QMessageBox::warning(this, tr("Overlay run"), error);
}

void RunDashboard::addSiblingRuns() {
  if (!model_) return;
  const QStringList runs = model_->siblingRunsWithSameData();
  if (runs.isEmpty()) {
    QMessageBox::information(
        this, tr("Overlay runs"),
        model_->runDirectory().isEmpty()
            ? tr("This run's folder is not known yet.")
            : tr("No other run folder next to %1 searched the same data.").arg(model_->runDirectory()));
    return;
  }
  QStringList problems;
  for (const QString& run : runs) {
    QString error;
    if (!model_->addOverlayRun(run, &error)) problems << error;
  }
  if (!problems.isEmpty()) QMessageBox::warning(this, tr("Overlay runs"), problems.join('\n'));
}
