#include "ui/wizard/run_page.h"

#include "core/bench/run_time_estimate.h"

#include "ui/wizard/advanced_dialog.h"
#include "ui/wizard/band_preview.h"
#include "ui/worker/background_task.h"
#include "ui/wizard/config_fields.h"
#include "ui/wizard/device_choices.h"
#include "ui/wizard/search_setup.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace {

QString duration(double seconds) {
  if (seconds < 90) return QObject::tr("%1 s").arg(qRound(seconds));
  if (seconds < 90 * 60) return QObject::tr("%1 min").arg(qRound(seconds / 60));
  return QObject::tr("%1 h %2 min").arg(static_cast<int>(seconds / 3600)).arg(qRound(std::fmod(seconds, 3600) / 60));
}

}  // namespace

RunPage::RunPage(SearchSetup* setup, BandPreview* preview, QWidget* parent)
    : QWizardPage(parent), setup_(setup), preview_(preview), fields_(new ConfigFields(this)) {
  setTitle(tr("Run"));
  setSubTitle(tr("Where and how the search runs. Start begins it; you can pause or cancel it at any time "
                 "(a cancelled run keeps its checkpoint and can be resumed)."));
  auto* device = fields_->addChoice("device", tr("Device"), {}, this);
  addDeviceChoices(device);
  auto* form = new QFormLayout;
  form->addRow(tr("Device"), device);
  const std::pair<const char*, QString> rows[] = {
      {"search.seed", tr("Seed")},
      {"search.batch", tr("Batch size")},
      {"search.network.channels", tr("Channels C")},
      {"search.network.cells", tr("Cells per stage N")},
  };
  for (const auto& [key, label] : rows) {
    auto* edit = fields_->addLine(key, label, this);
    edit->setMaximumWidth(100);
    form->addRow(label, edit);
  }
  out_ = fields_->addLine("out", tr("Output folder"), this);
  auto* browse = new QPushButton(tr("Browse…"), this);
  auto* outRow = new QHBoxLayout;
  outRow->addWidget(out_, 1);
  outRow->addWidget(browse);
  form->addRow(tr("Output folder"), outRow);

  problemLabel_ = new QLabel(this);
  problemLabel_->setObjectName(QStringLiteral("problem"));
  problemLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
  problemLabel_->setWordWrap(true);
  band_ = new QLabel(this);
  band_->setObjectName(QStringLiteral("band"));
  band_->setWordWrap(true);
  estimate_ = new QLabel(tr("Run time: not estimated yet."), this);
  estimate_->setObjectName(QStringLiteral("estimate"));
  estimate_->setWordWrap(true);
  estimateButton_ = new QPushButton(tr("Estimate run time"), this);
  auto* advanced = new QPushButton(tr("Advanced settings…"), this);
  advanced->setObjectName(QStringLiteral("advanced"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(estimateButton_);
  buttons->addWidget(advanced);
  buttons->addStretch();

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(problemLabel_);
  layout->addWidget(band_);
  layout->addLayout(buttons);
  layout->addWidget(estimate_);
  layout->addStretch();

  connect(fields_, &ConfigFields::edited, this, &RunPage::check);
  connect(preview_, &BandPreview::updated, this, &RunPage::updateBand);
  connect(estimateButton_, &QPushButton::clicked, this, &RunPage::estimate);
  connect(advanced, &QPushButton::clicked, this, &RunPage::openAdvanced);
  connect(browse, &QPushButton::clicked, this, [this]() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Parent folder of the run"));
    if (dir.isEmpty()) return;
    out_->setText(QDir(dir).filePath(QFileInfo(out_->text()).fileName()));
    check();
  });
}

std::set<std::string> RunPage::pageKeys() {
  return {"data.path",
          "data.arch_fraction",
          "data.images.size",
          "data.images.pad",
          "data.images.train",
          "data.images.val",
          "data.images.test",
          "search.budget.preset",
          "search.budget.min_params",
          "search.budget.max_params",
          "search.epochs",
          "search.temperature.t0",
          "search.temperature.decay",
          "search.temperature.every",
          "search.switch_epoch",
          "search.budget.lambda0",
          "search.arch.rounds",
          "device",
          "search.seed",
          "search.batch",
          "search.network.channels",
          "search.network.cells",
          "out"};
}

void RunPage::initializePage() {
  fields_->load(setup_->config());
  check();
}

void RunPage::check() {
  zd::RunConfig config;
  problem_ = fields_->store(setup_->config(), &config);
  std::string blamed = fields_->blamedKey();
  if (problem_.isEmpty()) {
    const QString out = out_->text().trimmed();
    const QFileInfo info(out);
    if (out.isEmpty()) {
      problem_ = tr("Output folder: choose where the run's files go");
      blamed = "out";
    } else if (info.exists() && !(info.isDir() && QDir(out).isEmpty())) {
      problem_ = tr("Output folder: %1 already exists and is not empty; choose a new folder").arg(out);
      blamed = "out";
    }
  }
  fields_->highlight(problem_.isEmpty() ? std::string() : blamed);
  if (problem_.isEmpty()) setup_->setConfig(config);  // the band follows (updateBand)
  updateBand();
}

QString RunPage::bandProblem() const {
  if (!preview_->isCurrent()) return QString();  // not known yet; validatePage() waits for it
  const BandFacts& f = preview_->facts();
  if (!f.error.isEmpty()) return tr("Budget: %1").arg(f.error);
  if (!f.unreachable.isEmpty()) return tr("Budget: %1").arg(f.unreachable);
  return QString();
}

QString RunPage::problem() const { return problem_.isEmpty() ? bandProblem() : problem_; }

QString RunPage::bandText() const { return band_->text(); }

void RunPage::updateBand() {
  band_->setText(preview_->describe());
  problemLabel_->setText(problem());
  Q_EMIT completeChanged();
}

bool RunPage::validatePage() {
  if (!problem_.isEmpty()) return false;
  // Start must not outrun the band's check: the run would refuse the band anyway,
  // but only after the wizard has closed.
  preview_->settle();
  return bandProblem().isEmpty();
}

void RunPage::openAdvanced() {
  auto* dialog = new AdvancedDialog(setup_->config(), pageKeys(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this, [this, dialog]() {
    zd::RunConfig config = dialog->config();
    setup_->setConfig(config);
    check();
  });
  dialog->open();
}

void RunPage::estimate() {
  if (!problem_.isEmpty()) return;
  const int generation = ++generation_;
  const zd::RunConfig config = setup_->config();
  const DataFacts facts = setup_->facts();
  estimate_->setText(tr("Timing a few search steps …"));
  estimateButton_->setEnabled(false);
  runInBackground<zd::RunTimeEstimate>(
      this, [config, shape = facts.shape()]() { return zd::estimateRunTime(config, shape); },
      [this, generation](zd::RunTimeEstimate e) {
        if (generation != generation_) return;
        estimateButton_->setEnabled(true);
        estimate_->setText(tr("Estimated run time: at most about %1 on %2 (%3 s per step of the full batch in "
                              "phase 1, %4 s in phase 2; timed %5 steps of %6 images). Skipping zero-weight ops "
                              "makes the annealed epochs faster.")
                               .arg(duration(e.seconds), QString::fromStdString(e.device))
                               .arg(e.step_seconds, 0, 'f', 2)
                               .arg(e.phase2_step_seconds, 0, 'f', 2)
                               .arg(e.timed_steps)
                               .arg(e.timed_batch));
        Q_EMIT estimated(e.seconds);
      },
      [this, generation](QString message) {
        if (generation != generation_) return;
        estimateButton_->setEnabled(true);
        estimate_->setText(tr("Could not estimate the run time: %1").arg(message));
      });
}

QString RunPage::estimateText() const { return estimate_->text(); }
