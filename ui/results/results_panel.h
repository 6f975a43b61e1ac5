// The Results tab: what a finished search leads to. It shows the derived
// architecture, retrains it (the retrain dialog, then live progress and curves from
// the run model), evaluates the retrained model on the test split (accuracy, AUC,
// per-class precision / recall / F1, the confusion matrix as a heat map) and exports
// it to ONNX, checking the written file against the network (OpenCV DNN vs LibTorch).
// Everything is read back from the run directory's files, so an earlier run opened
// from disk shows the same page. Long work runs off the GUI thread: retraining on the
// worker (the main window starts it on retrainRequested), evaluation and export on
// the thread pool. Thread-safety: GUI thread only.
#pragma once

#include "core/run/run_config.h"
#include "ui/results/search_outcome.h"
#include "ui/results/test_metrics.h"

#include <QString>
#include <QWidget>

#include <functional>

class ConfusionMatrixView;
class QGroupBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class RetrainCurvesPlot;
class RetrainDialog;
class RunModel;

class ResultsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ResultsPanel(RunModel* model, QWidget* parent = nullptr);

  // Shows the run in `runDir` as its files (and the run model) describe it: the
  // search's outcome, a retraining (finished, cancelled or none), test metrics and an
  // exported model when present.
  void showRun(const QString& runDir);
  void clear();

  // A search or a retraining is running (buttons that would start another job are
  // disabled); `training` tells which, for the cancel button and the progress.
  void setJobRunning(bool running, bool training);
  // The worker's retraining ended: evaluates the new model unless it was cancelled or failed.
  void onTrainingFinished(bool cancelled, bool failed);

  // Opens the retrain dialog (window-modal, not blocking) on the run's config.json;
  // accepting it emits retrainRequested. Null when no finished run is shown.
  RetrainDialog* openRetrainDialog();
  // Evaluates the run's model on the test split in the background (metrics.json,
  // report.md), then shows the metrics; evaluationFinished follows.
  void evaluate();
  // Exports the run's model to `file` and verifies it in the background;
  // exportFinished follows.
  void exportTo(const QString& file);

  // How retraining a run that was retrained before is confirmed (default: a Yes/No
  // question saying that the earlier files move to retrain-archive/); tests replace it.
  void setReplaceConfirmation(std::function<bool()> confirm) { confirmReplace_ = std::move(confirm); }

  QString runDirectory() const { return runDir_; }
  // The search's outcome as the page shows it (genotype.json, completed from the events).
  SearchOutcome searchOutcome() const;
  // The "Search result" box's text (rich text).
  QString summaryText() const;
  const TestMetrics& metrics() const { return metrics_; }
  bool hasMetrics() const { return hasMetrics_; }
  QString exportResult() const;
  QPushButton* retrainButton() const { return retrain_; }
  QPushButton* continueButton() const { return continue_; }
  QPushButton* cancelButton() const { return cancel_; }
  QPushButton* evaluateButton() const { return evaluate_; }
  QPushButton* exportButton() const { return export_; }
  ConfusionMatrixView* confusionView() const { return confusion_; }
  QTableWidget* perClassTable() const { return perClass_; }
  RetrainCurvesPlot* curvesPlot() const { return curves_; }
  QProgressBar* progressBar() const { return progress_; }

 Q_SIGNALS:
  // Retrain the run in `runDir` with `config` (its config.json with the dialog's
  // settings), or continue its interrupted retraining when `resume`.
  void retrainRequested(const QString& runDir, const zd::RunConfig& config, bool resume);
  void cancelRequested();
  // Something failed (unreadable files, bad data, an export that cannot be written);
  // the main window shows it as a dialog.
  void errorOccurred(const QString& title, const QString& message);
  void evaluationFinished(bool ok);
  void exportFinished(bool ok);

 private:
  void refreshFromModel();
  void refreshFiles();
  void showMetrics(const TestMetrics& metrics);
  void updateButtons();
  QString file(const char* name) const;

  RunModel* model_;
  QString runDir_;
  bool searchDone_ = false;  // the run has a final genotype (genotype.json)
  bool jobRunning_ = false, training_ = false;
  bool evaluating_ = false, exporting_ = false;
  bool hasModel_ = false, hasTrainCheckpoint_ = false;
  TestMetrics metrics_;
  bool hasMetrics_ = false;
  bool exportReported_ = false;  // an export of this session is on show (not the file's date)
  SearchOutcome outcome_;        // genotype.json as read by refreshFiles()
  int64_t retrainChannels_ = 0;  // C of the latest retraining (config.json's train.channels), 0: unknown
  std::function<bool()> confirmReplace_;

  QLabel* summary_;
  QPushButton* retrain_;
  QPushButton* continue_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* retrainStatus_;
  RetrainCurvesPlot* curves_;
  QGroupBox* metricsBox_;
  QLabel* headline_;
  QPushButton* evaluate_;
  QTableWidget* perClass_;
  ConfusionMatrixView* confusion_;
  QPushButton* export_;
  QLabel* exportStatus_;
};
