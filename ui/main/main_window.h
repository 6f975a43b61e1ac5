// The main window of ZO-DARTS++ Studio: a composer of panels. It wires the search
// worker's events into the run model that the dashboard and the cell viewer draw
// from, the dashboard's pause / resume / cancel buttons to the worker, and offers
// File › New search (the wizard), Open run directory…, Resume run and Quit.
// Closing during a run asks, then cancels cleanly (the checkpoint is written).
// Thread-safety: GUI thread only.
#pragma once

#include "core/run/run_config.h"
#include "core/study/study_plan.h"
#include "core/job/job_events.h"

#include <QMainWindow>

#include <functional>

class CellViewer;
class QAction;
class QTabWidget;
class ResultsPanel;
class RunDashboard;
class RunModel;
class SearchWizard;
class StudyView;
class JobWorker;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  enum Tab { DashboardTab, CellsTab, ResultsTab, StudyTab };

  explicit MainWindow(QWidget* parent = nullptr);

  JobWorker* worker() const { return worker_; }
  RunModel* model() const { return model_; }
  RunDashboard* dashboard() const { return dashboard_; }
  CellViewer* cellViewer() const { return cells_; }
  ResultsPanel* results() const { return results_; }
  QTabWidget* tabs() const { return tabs_; }
  StudyView* studyView() const { return study_; }
  QAction* resumeAction() const { return resume_; }

  // Opens the New-search wizard (window-modal, not blocking); its Start button
  // starts the search. Returns the wizard, which deletes itself when closed.
  SearchWizard* newSearch();
  // Starts a new search; false (with an error dialog) when one is running.
  bool startSearch(const zd::RunConfig& config);
  // Replays the run in `runDir` into the dashboard; an error dialog when it cannot.
  bool openRun(const QString& runDir);
  // Shows the study in `studyDir` on the Study tab (live while cells run); an error
  // dialog when it is not a study folder.
  bool openStudy(const QString& studyDir);
  // Writes the wizard's study to its folder, starts `zodarts study` on it in its own
  // process and shows it; an error dialog when it cannot start.
  bool startStudy(const zd::StudyPlan& plan, const QString& studyDir, int jobs);
  // Continues the cancelled or interrupted run in `runDir` from its checkpoint.
  bool resumeRun(const QString& runDir);
  // Retrains the architecture of the run in `runDir` (the Results page asks for it).
  bool startRetraining(const QString& runDir, const zd::RunConfig& config, bool resume);

  // How closing during a run is confirmed (default: a Yes/No question); tests and
  // the screenshot tour replace it.
  void setStopConfirmation(std::function<bool()> confirm) { confirmStop_ = std::move(confirm); }

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void onEvent(const zd::JobEvent& event);
  void onFinished(const QString& runDir, bool cancelled);
  void onTrainingFinished(const QString& runDir, bool cancelled, bool failed);
  void showError(const QString& title, const QString& message);
  void setResumable(const QString& runDir);

  JobWorker* worker_;
  RunModel* model_;
  RunDashboard* dashboard_;
  CellViewer* cells_;
  ResultsPanel* results_;
  QTabWidget* tabs_;
  StudyView* study_ = nullptr;  // made when a study is first opened
  QAction* newSearch_ = nullptr;
  QAction* openRun_ = nullptr;
  QAction* resume_ = nullptr;
  QString runDir_;        // the run on show
  QString resumableRun_;  // a cancelled run that can be continued
  bool closeWhenStopped_ = false;
  std::function<bool()> confirmStop_;
};
