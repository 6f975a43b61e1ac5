// The live dashboard of one search run: progress and controls on top; the
// architecture distributions, accuracy against size, loss/accuracy curves and the
// schedule on the overview tab; per-edge op histories on their own tab. A composer
// of panels: each panel draws from the RunModel on its changed() signal.
#pragma once

#include <QWidget>

class QTabWidget;

class AccuracySizePlot;
class ArchitecturePanel;
class EdgeHistoryPlot;
class RunModel;
class RunProgressPanel;
class SchedulePlot;
class TrainingCurvesPlot;

// Thread-safety: GUI thread only, like every widget. Does not own the model.
class RunDashboard : public QWidget {
  Q_OBJECT
 public:
  explicit RunDashboard(RunModel* model, QWidget* parent = nullptr);

  RunModel* model() const { return model_; }
  RunProgressPanel* progressPanel() const { return progress_; }
  ArchitecturePanel* architecturePanel() const { return architecture_; }
  EdgeHistoryPlot* edgeHistoryPlot() const { return history_; }
  AccuracySizePlot* accuracySizePlot() const { return accuracySize_; }
  TrainingCurvesPlot* trainingCurvesPlot() const { return curves_; }
  SchedulePlot* schedulePlot() const { return schedule_; }
  QTabWidget* tabs() const { return tabs_; }

 signals:
  void pauseRequested();
  void resumeRequested();
  void cancelRequested();

 public slots:
  // A run is going (pause and cancel enabled) or not (all controls disabled).
  void setRunning(bool running);
  // Redraws every panel from the model (connected to RunModel::changed).
  void refresh();

 private slots:
  void addOverlayRunWithDialog();
  void addSiblingRuns();

 private:
  QWidget* makeOverlayBar();

  RunModel* model_;
  RunProgressPanel* progress_;
  ArchitecturePanel* architecture_;
  EdgeHistoryPlot* history_;
  AccuracySizePlot* accuracySize_;
  TrainingCurvesPlot* curves_;
  SchedulePlot* schedule_;
  QTabWidget* tabs_;
};
