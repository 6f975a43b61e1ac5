// LibTorch (through the engine headers) before Qt: see the precompiled header in ui/CMakeLists.txt.
#include "core/run/run_directory.h"
#include "core/run/run_evaluate.h"
#include "core/run/run_train.h"

#include "ui/results/results_panel.h"

#include "ui/dashboard/count_format.h"
#include "ui/dashboard/run_model.h"
#include "ui/dashboard/run_progress_panel.h"
#include "ui/results/confusion_matrix_view.h"
#include "ui/results/export_job.h"
#include "ui/results/retrain_curves_plot.h"
#include "ui/results/retrain_dialog.h"
#include "ui/worker/background_task.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace {

QString percentText(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + QStringLiteral(" %"); }

QString optionalPercent(double fraction) { return std::isnan(fraction) ? QStringLiteral("—") : percentText(fraction); }

QLabel* wrappingLabel(QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

}  // namespace

ResultsPanel::ResultsPanel(RunModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  auto* page = new QWidget;
  auto* column = new QVBoxLayout(page);

  auto* searchBox = new QGroupBox(tr("Search result"), page);
  summary_ = wrappingLabel(searchBox);
  (new QVBoxLayout(searchBox))->addWidget(summary_);
  column->addWidget(searchBox);

  auto* retrainBox = new QGroupBox(tr("Retraining (ALGORITHM.md §7)"), page);
  retrain_ = new QPushButton(tr("Retrain…"), retrainBox);
  retrain_->setToolTip(tr("Train the derived architecture from scratch and keep its best epoch"));
  continue_ = new QPushButton(tr("Continue retraining"), retrainBox);
  continue_->setToolTip(tr("Go on from the interrupted retraining's checkpoint"));
  cancel_ = new QPushButton(tr("Cancel retraining"), retrainBox);
  cancel_->setToolTip(tr("Stop after the current step; the checkpoint is kept, so it can be continued"));
  progress_ = new QProgressBar(retrainBox);
  progress_->setRange(0, 1000);
  progress_->setTextVisible(false);
  retrainStatus_ = wrappingLabel(retrainBox);
  retrainStatus_->setObjectName(QStringLiteral("retrainStatus"));
  curves_ = new RetrainCurvesPlot(retrainBox);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(retrain_);
  buttons->addWidget(continue_);
  buttons->addWidget(cancel_);
  buttons->addWidget(progress_, 1);
  auto* retrainLayout = new QVBoxLayout(retrainBox);
  retrainLayout->addLayout(buttons);
  retrainLayout->addWidget(retrainStatus_);
  retrainLayout->addWidget(curves_);
  column->addWidget(retrainBox);

  metricsBox_ = new QGroupBox(tr("Test metrics (the test split, unseen by search and retraining)"), page);
  headline_ = wrappingLabel(metricsBox_);
  QFont big = headline_->font();
  big.setPointSizeF(big.pointSizeF() * 1.3);
  headline_->setFont(big);
  evaluate_ = new QPushButton(tr("Evaluate on the test split"), metricsBox_);
  perClass_ = new QTableWidget(0, 5, metricsBox_);
  perClass_->setHorizontalHeaderLabels({tr("Class"), tr("Test images"), tr("Precision"), tr("Recall"), tr("F1")});
  perClass_->verticalHeader()->setVisible(false);
  perClass_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  perClass_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  perClass_->setMinimumWidth(380);
  confusion_ = new ConfusionMatrixView(metricsBox_);
  auto* top = new QHBoxLayout;
  top->addWidget(headline_, 1);
  top->addWidget(evaluate_, 0, Qt::AlignTop);
  auto* tables = new QHBoxLayout;
  tables->addWidget(perClass_, 2);
  tables->addWidget(confusion_, 3);
  auto* metricsLayout = new QVBoxLayout(metricsBox_);
  metricsLayout->addLayout(top);
  metricsLayout->addLayout(tables);
  column->addWidget(metricsBox_);

  auto* exportBox = new QGroupBox(tr("Export"), page);
  export_ = new QPushButton(tr("Export to ONNX…"), exportBox);
  export_->setToolTip(tr("Write an ONNX file (opset 13) with the class names and preprocessing in its metadata, "
                         "then check it in OpenCV's DNN runtime against the retrained network"));
  if (!onnxExportAvailable())
    export_->setToolTip(tr("This build has no ONNX export (configured with ZODARTS_WITH_ONNX=OFF)."));
  exportStatus_ = wrappingLabel(exportBox);
  exportStatus_->setObjectName(QStringLiteral("exportStatus"));
  auto* exportLayout = new QHBoxLayout(exportBox);
  exportLayout->addWidget(export_, 0, Qt::AlignTop);
  exportLayout->addWidget(exportStatus_, 1);
  column->addWidget(exportBox);
  column->addStretch();

  auto* scroll = new QScrollArea(this);
  scroll->setWidget(page);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(scroll);

  connect(retrain_, &QPushButton::clicked, this, [this]() { openRetrainDialog(); });
  connect(continue_, &QPushButton::clicked, this, [this]() {
    try {
      Q_EMIT retrainRequested(runDir_, zd::RunDirectory::open(runDir_.toStdString()).readConfig(), true);
    } catch (const std::exception& e) {
      Q_EMIT errorOccurred(tr("Cannot continue the retraining"), QString::fromStdString(e.what()));
    }
  });
  connect(cancel_, &QPushButton::clicked, this, &ResultsPanel::cancelRequested);
  connect(evaluate_, &QPushButton::clicked, this, &ResultsPanel::evaluate);
  connect(export_, &QPushButton::clicked, this, [this]() {
    const QString target = QFileDialog::getSaveFileName(this, tr("Export to ONNX"), file("model.onnx"),
                                                        tr("ONNX models (*.onnx)"));
    if (!target.isEmpty()) exportTo(target);
  });
  connect(model_, &RunModel::changed, this, &ResultsPanel::refreshFromModel);
  confirmReplace_ = [this]() {
    return QMessageBox::question(this, tr("Retrain again?"),
                                 tr("This run was retrained before. Its model, checkpoint, curves, metrics and "
                                    "export move to the run's retrain-archive folder, and a new retraining "
                                    "starts. Go on?")) == QMessageBox::Yes;
  };
  clear();
}

QString ResultsPanel::file(const char* name) const { return QDir(runDir_).filePath(QString::fromLatin1(name)); }

void ResultsPanel::clear() {
  runDir_.clear();
  searchDone_ = hasModel_ = hasTrainCheckpoint_ = hasMetrics_ = exportReported_ = false;
  metrics_ = TestMetrics{};
  outcome_ = SearchOutcome{};
  retrainChannels_ = 0;
  summary_->setText(tr("No search has finished yet. Start one with File › New search, or open an earlier run "
                       "with File › Open run directory."));
  retrainStatus_->setText(tr("Not retrained yet."));
  progress_->setValue(0);
  headline_->setText(tr("No test metrics yet: they follow a retraining."));
  perClass_->setRowCount(0);
  confusion_->setData({}, {});
  exportStatus_->setText(tr("Not exported yet."));
  curves_->refresh(RunPlotData{});
  updateButtons();
}

void ResultsPanel::showRun(const QString& runDir) {
  const bool same = runDir == runDir_;
  if (!same) clear();
  runDir_ = runDir;
  refreshFiles();
  refreshFromModel();
}

void ResultsPanel::refreshFiles() {
  searchDone_ = QFileInfo::exists(file("genotype.json"));
  hasModel_ = QFileInfo::exists(file("model.pt")) && QFileInfo::exists(file("model.json"));
  hasTrainCheckpoint_ = QFileInfo::exists(file(zd::kTrainCheckpointFile));
  outcome_ = searchDone_ ? readSearchOutcome(runDir_) : SearchOutcome{};
  retrainChannels_ = retrainWidth(runDir_);
  if (QFileInfo::exists(file("metrics.json"))) {
    TestMetrics m;
    QString error;
    if (readTestMetrics(file("metrics.json"), &m, &error)) showMetrics(m);
    else headline_->setText(error);
  }
  const QFileInfo onnx(file("model.onnx"));
  if (onnx.exists() && !exportReported_)
    exportStatus_->setText(tr("%1 (exported %2)").arg(onnx.filePath(), onnx.lastModified().toString(Qt::ISODate)));
  updateButtons();
}

void ResultsPanel::refreshFromModel() {
  if (runDir_.isEmpty()) return;
  const RunPlotData& d = model_->data();
  // The search.
  QString text = tr("<b>Run</b> %1<br>").arg(runDir_.toHtmlEscaped());
  if (d.state == RunState::Cancelled)
    text += tr("The search was cancelled; its checkpoint is kept (File › Resume run).<br>");
  else if (d.state == RunState::Running) text += tr("The search is running.<br>");
  else if (d.state == RunState::Failed) text += tr("The search failed: %1<br>").arg(d.failure.toHtmlEscaped());
  else if (searchDone_ || d.state == RunState::Finished) text += tr("The search finished.<br>");
  // The search's own architecture and its size at the search's width; a retraining
  // (possibly at another width, or of a sampled architecture) is reported apart.
  const SearchOutcome search = searchOutcome();
  if (!search.genotype.empty() || search.hasBand()) text += describeOutcome(search);
  if (!search.genotype.empty()) text += tr("<b>Architecture</b>:<br><tt>%1</tt>").arg(genotypeHtml(search.genotype));
  if (d.retrainParams > 0)
    text += QStringLiteral("<br>") + describeRetraining(search, d.retrainParams, retrainChannels_, d.retrainGenotype);
  summary_->setText(text);

  // The retraining.
  const RunProgress& p = model_->retrainProgress();
  const double done = d.retrainEpochs > 0 ? std::min(1.0, static_cast<double>(d.retrainEpoch.size()) / d.retrainEpochs)
                                          : 0;
  progress_->setValue(static_cast<int>(1000 * (d.retrainRunning ? p.fraction : done)));
  if (!d.retrainFailure.isEmpty()) {
    retrainStatus_->setText(tr("The retraining failed: %1").arg(d.retrainFailure));
  } else if (d.retrainRunning) {
    QString line = tr("Retraining %1 parameters: epoch %2 of %3")
                       .arg(formatCount(d.retrainParams))
                       .arg(std::min(p.epoch + 1, std::max(1, d.retrainEpochs)))
                       .arg(d.retrainEpochs);
    if (p.steps > 0) line += tr(", step %1 of %2").arg(p.step).arg(p.steps);
    if (d.retrainBestEpoch >= 0 && !d.retrainEpoch.isEmpty())
      line += tr(" · best validation accuracy %1 (epoch %2)")
                  .arg(percentText(d.retrainBestValAccuracy))
                  .arg(d.retrainBestEpoch + 1);
    if (p.etaSeconds >= 0) line += tr(" · about %1 left").arg(formatDuration(p.etaSeconds));
    retrainStatus_->setText(line);
  } else if (d.retrainCancelled) {
    retrainStatus_->setText(tr("The retraining was cancelled after %1 of %2 epochs; its checkpoint is kept: "
                               "Continue retraining goes on from it.")
                                .arg(d.retrainEpoch.size())
                                .arg(d.retrainEpochs));
  } else if (hasModel_) {
    retrainStatus_->setText(tr("Retrained for %1 epochs; kept epoch %2 (validation accuracy %3): model.pt and "
                               "model.json in the run folder.")
                                .arg(d.retrainEpoch.size())
                                .arg(d.retrainBestEpoch + 1)
                                .arg(percentText(d.retrainBestValAccuracy)));
  } else if (searchDone_) {
    retrainStatus_->setText(tr("Not retrained yet. Retrain… trains the derived architecture from scratch on the "
                               "training split and keeps the epoch with the best validation accuracy."));
  }
  curves_->refresh(d);
  updateButtons();
}

SearchOutcome ResultsPanel::searchOutcome() const {
  SearchOutcome search = outcome_;
  completeFromEvents(search, model_->data());
  return search;
}

QString ResultsPanel::summaryText() const { return summary_->text(); }

void ResultsPanel::showMetrics(const TestMetrics& m) {
  metrics_ = m;
  hasMetrics_ = true;
  headline_->setText(tr("<b>Test accuracy %1</b> · AUC %2 · %3 test images")
                         .arg(percentText(m.accuracy),
                              m.aucDefined ? QString::number(m.auc, 'f', 3) : tr("undefined (one class only)"))
                         .arg(m.samples));
  perClass_->setRowCount(m.confusion.size());
  for (int k = 0; k < m.confusion.size(); ++k) {
    const QString name = k < m.classNames.size() ? m.classNames[k] : QString::number(k);
    const QStringList cells = {name, QString::number(m.support.value(k)), optionalPercent(m.precision.value(k, NAN)),
                               optionalPercent(m.recall.value(k, NAN)), optionalPercent(m.f1.value(k, NAN))};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (c > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      perClass_->setItem(k, c, item);
    }
  }
  confusion_->setData(m.confusion, m.classNames);
}

void ResultsPanel::setJobRunning(bool running, bool training) {
  jobRunning_ = running;
  training_ = running && training;
  if (training_) {
    // A new retraining replaces the model, so the old metrics and export no longer apply.
    hasModel_ = hasMetrics_ = exportReported_ = false;
    headline_->setText(tr("Retraining…: test metrics follow it."));
    perClass_->setRowCount(0);
    confusion_->setData({}, {});
    exportStatus_->setText(tr("Not exported yet."));
  }
  updateButtons();
}

void ResultsPanel::onTrainingFinished(bool cancelled, bool failed) {
  refreshFiles();
  refreshFromModel();
  if (!cancelled && !failed && hasModel_) evaluate();
}

void ResultsPanel::updateButtons() {
  const bool busy = jobRunning_ || evaluating_;
  retrain_->setEnabled(searchDone_ && !busy && !exporting_);
  const RunPlotData& d = model_->data();
  continue_->setVisible(hasTrainCheckpoint_ && !training_ && (d.retrainCancelled || !hasModel_));
  continue_->setEnabled(!busy && !exporting_);
  cancel_->setVisible(training_);
  progress_->setVisible(training_ || !d.retrainEpoch.isEmpty());
  evaluate_->setEnabled(hasModel_ && !busy);
  evaluate_->setVisible(hasModel_ && !hasMetrics_ && !evaluating_);
  export_->setEnabled(onnxExportAvailable() && hasModel_ && !training_ && !exporting_);
}

RetrainDialog* ResultsPanel::openRetrainDialog() {
  if (runDir_.isEmpty() || !searchDone_) return nullptr;
  zd::RunConfig config;
  try {
    config = zd::RunDirectory::open(runDir_.toStdString()).readConfig();
  } catch (const std::exception& e) {
    Q_EMIT errorOccurred(tr("Cannot retrain"), QString::fromStdString(e.what()));
    return nullptr;
  }
  const SearchOutcome search = searchOutcome();
  // Retraining keeps the search's width, shown as its number (train.channels 0 means
  // it too), unless this run was retrained before at a width given then, which
  // stands. (Runs of older versions hold C = 16 there, whatever the search's C.)
  const bool retrainedBefore = hasModel_ || hasTrainCheckpoint_ || !model_->data().retrainGenotype.empty();
  if ((!retrainedBefore || config.train.channels == 0) && search.searchChannels > 0)
    config.train.channels = static_cast<int>(search.searchChannels);
  auto* dialog = new RetrainDialog(config, search, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  const QString runDir = runDir_;
  connect(dialog, &QDialog::accepted, this, [this, dialog, runDir]() {
    if ((hasModel_ || hasTrainCheckpoint_) && confirmReplace_ && !confirmReplace_()) return;
    const int width = dialog->config().train.channels;
    if (runDir == runDir_) retrainChannels_ = width > 0 ? width : dialog->config().search.network.channels;
    Q_EMIT retrainRequested(runDir, dialog->config(), false);
  });
  dialog->open();
  return dialog;
}

void ResultsPanel::evaluate() {
  if (!hasModel_ || evaluating_) return;
  evaluating_ = true;
  headline_->setText(tr("Evaluating on the test split…"));
  updateButtons();
  const QString runDir = runDir_;
  runInBackground<QString>(
      this,
      [runDir]() {
        const auto outcome = zd::evaluateRun(runDir.toStdString());
        return QString::fromStdString(outcome.metrics_path.string());
      },
      [this, runDir](QString metricsFile) {
        evaluating_ = false;
        TestMetrics m;
        QString error;
        const bool ok = runDir == runDir_ && readTestMetrics(metricsFile, &m, &error);
        if (ok) showMetrics(m);
        else if (!error.isEmpty()) headline_->setText(error);
        updateButtons();
        Q_EMIT evaluationFinished(ok);
      },
      [this](QString message) {
        evaluating_ = false;
        headline_->setText(tr("The evaluation failed: %1").arg(message));
        updateButtons();
        Q_EMIT errorOccurred(tr("The evaluation failed"), message);
        Q_EMIT evaluationFinished(false);
      });
}

void ResultsPanel::exportTo(const QString& target) {
  if (!hasModel_ || exporting_) return;
  exporting_ = true;
  exportStatus_->setStyleSheet(QString());
  exportStatus_->setText(tr("Exporting and verifying %1 …").arg(target));
  updateButtons();
  const QString runDir = runDir_;
  runInBackground<ExportOutcome>(
      this, [runDir, target]() { return exportAndVerify(runDir, target); },
      [this](ExportOutcome outcome) {
        exporting_ = false;
        exportReported_ = true;
        exportStatus_->setStyleSheet(outcome.ok ? QStringLiteral("color: #1b6e20;")
                                                : QStringLiteral("color: #b00020;"));
        exportStatus_->setText(outcome.text);
        updateButtons();
        Q_EMIT exportFinished(outcome.ok);
      },
      [this](QString message) {
        exporting_ = false;
        exportReported_ = true;
        exportStatus_->setStyleSheet(QStringLiteral("color: #b00020;"));
        exportStatus_->setText(tr("The export failed: %1").arg(message.toHtmlEscaped()));
        updateButtons();
        Q_EMIT errorOccurred(tr("The export failed"), message);
        Q_EMIT exportFinished(false);
      });
}

QString ResultsPanel::exportResult() const { return exportStatus_->text(); }
