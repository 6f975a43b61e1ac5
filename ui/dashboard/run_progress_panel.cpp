#include "ui/dashboard/run_progress_panel.h"

#include "ui/dashboard/count_format.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace {

constexpr int kBarSteps = 1000;  // progress bar resolution (0.1 %)

}  // namespace

QString formatDuration(double seconds) {
  if (seconds < 0) return QStringLiteral("—");
  const long long s = std::llround(seconds);
  if (s >= 3600) return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
  if (s >= 60) return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
  return QStringLiteral("%1 s").arg(s);
}

RunProgressPanel::RunProgressPanel(QWidget* parent)
    : QWidget(parent), bar_(new QProgressBar), status_(new QLabel), details_(new QLabel), genotype_(new QPlainTextEdit),
      pause_(new QPushButton(tr("Pause"))), cancel_(new QPushButton(tr("Cancel"))) {
  bar_->setRange(0, kBarSteps);
  bar_->setFormat(QStringLiteral("%p%"));
  genotype_->setReadOnly(true);
  genotype_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  genotype_->setMaximumBlockCount(8);
  genotype_->setFixedHeight(4 * genotype_->fontMetrics().lineSpacing() + 12);
  genotype_->setPlaceholderText(tr("The derived architecture appears after the first epoch."));
  pause_->setToolTip(tr("Pause between two steps; resume continues exactly where it stopped."));
  cancel_->setToolTip(tr("Stop the search; it writes a checkpoint first, so the run can be resumed later."));
  connect(pause_, &QPushButton::clicked, this, &RunProgressPanel::togglePause);
  connect(cancel_, &QPushButton::clicked, this, &RunProgressPanel::cancelRequested);

  auto* top = new QHBoxLayout;
  top->addWidget(bar_, 1);
  top->addWidget(pause_);
  top->addWidget(cancel_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(status_);
  layout->addWidget(details_);
  layout->addWidget(genotype_);
  setRunning(false);
}

QString RunProgressPanel::genotypeText() const { return genotype_->toPlainText(); }
QString RunProgressPanel::statusText() const { return status_->text(); }

void RunProgressPanel::setRunning(bool running) {
  running_ = running;
  if (!running) paused_ = false;
  pause_->setEnabled(running);
  cancel_->setEnabled(running);
  pause_->setText(paused_ ? tr("Resume") : tr("Pause"));
}

void RunProgressPanel::togglePause() {
  if (!running_) return;
  paused_ = !paused_;
  pause_->setText(paused_ ? tr("Resume") : tr("Pause"));
  if (paused_) emit pauseRequested();
  else emit resumeRequested();
}

void RunProgressPanel::refresh(const RunPlotData& d, const RunProgress& p) {
  bar_->setValue(static_cast<int>(std::lround(p.fraction * kBarSteps)));
  QString status;
  if (d.state == RunState::NotStarted) {
    status = tr("Waiting for the search to start…");
  } else if (d.state == RunState::Failed) {
    status = tr("Failed: %1").arg(d.failure);
  } else {
    status = tr("Epoch %1 of %2").arg(std::min(p.epoch + 1, std::max(d.epochs, 1))).arg(d.epochs);
    if (d.state == RunState::Running && p.steps > 0) status += tr(", step %1 of %2").arg(p.step).arg(p.steps);
    status += tr(" · phase %1").arg(d.phase);
    if (d.state == RunState::Running)
      status += paused_ ? tr(" · paused") : tr(" · about %1 left").arg(formatDuration(p.etaSeconds));
    else status += QStringLiteral(" · ") + describeRunState(d.state);
  }
  status_->setText(status);

  QStringList facts;
  if (!d.device.isEmpty()) facts << tr("device %1").arg(d.device);
  if (!d.derivedParams.isEmpty()) {
    // The paper's argmax is named when the derivation (in the band) moved away from it.
    const double argmax = d.argmaxEpochParams.isEmpty() ? 0 : d.argmaxEpochParams.back();
    if (argmax > 0 && argmax != d.derivedParams.back())
      facts << tr("derived %1 parameters (the paper's argmax %2, expected %3)")
                   .arg(formatCount(d.derivedParams.back()), formatCount(argmax), formatCount(d.expectedParams.back()));
    else
      facts << tr("derived %1 parameters (expected %2)")
                   .arg(formatCount(d.derivedParams.back()), formatCount(d.expectedParams.back()));
  }
  if (d.maxParams > 0) facts << tr("budget %1 – %2").arg(formatCount(d.minParams), formatCount(d.maxParams));
  if (!d.computeFraction.isEmpty())
    facts << tr("last epoch computed %1% of the dense supernet").arg(std::lround(100 * d.computeFraction.back()));
  if (d.checkpointEpoch >= 0) facts << tr("checkpoint after %1 epochs").arg(d.checkpointEpoch);
  if (d.state == RunState::Finished || d.state == RunState::Cancelled)
    facts << tr("took %1").arg(formatDuration(d.totalSeconds));
  details_->setText(facts.join(QStringLiteral(" · ")));
  const QString genotype = QString::fromStdString(d.genotype.toString());
  if (genotype_->toPlainText() != genotype) genotype_->setPlainText(genotype);
}
