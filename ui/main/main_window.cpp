#include "ui/main/main_window.h"

#include "ui/cell_view/cell_viewer.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/dashboard/run_model.h"
#include "ui/results/results_panel.h"
#include "ui/study/compare_page.h"
#include "ui/study/study_launch.h"
#include "ui/study/study_view.h"
#include "ui/wizard/search_wizard.h"
#include "ui/worker/job_worker.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

namespace {

const QString kTitle = QStringLiteral("ZO-DARTS++ Studio");

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), worker_(new JobWorker(this)), model_(new RunModel(this)) {
  setWindowTitle(kTitle);
  tabs_ = new QTabWidget(this);
  dashboard_ = new RunDashboard(model_, tabs_);
  cells_ = new CellViewer(tabs_);
  cells_->setModel(model_);
  results_ = new ResultsPanel(model_, tabs_);
  tabs_->insertTab(DashboardTab, dashboard_, tr("Dashboard"));
  tabs_->insertTab(CellsTab, cells_, tr("Cell viewer"));
  tabs_->insertTab(ResultsTab, results_, tr("Results"));
  setCentralWidget(tabs_);
  buildMenus();
  statusBar()->showMessage(tr("Start with File › New search, or open an earlier run."));

  confirmStop_ = [this]() {
    return QMessageBox::question(this, kTitle,
                                 tr("A search or retraining is running. Cancel it and close? Its checkpoint is "
                                    "kept, so it can be continued later.")) == QMessageBox::Yes;
  };

  connect(worker_, &JobWorker::event, this, &MainWindow::onEvent);
  connect(worker_, &JobWorker::status, this, [this](const QString& line) { statusBar()->showMessage(line); });
  connect(worker_, &JobWorker::failed, this, [this](const QString& message) {
    showError(worker_->job() == JobWorker::Job::Training ? tr("The retraining stopped") : tr("The search stopped"),
              message);
  });
  connect(worker_, &JobWorker::finished, this, &MainWindow::onFinished);
  connect(worker_, &JobWorker::trainingFinished, this, &MainWindow::onTrainingFinished);
  connect(results_, &ResultsPanel::retrainRequested, this, &MainWindow::startRetraining);
  connect(results_, &ResultsPanel::cancelRequested, worker_, &JobWorker::cancel);
  connect(results_, &ResultsPanel::errorOccurred, this, &MainWindow::showError);
  connect(results_, &ResultsPanel::evaluationFinished, this, [this](bool ok) {
    if (ok)
      statusBar()->showMessage(tr("Evaluated on the test split: metrics.json and report.md are in %1.").arg(runDir_));
  });
  connect(worker_, &JobWorker::runningChanged, dashboard_, &RunDashboard::setRunning);
  connect(worker_, &JobWorker::runningChanged, this, [this](bool running) {
    results_->setJobRunning(running, worker_->job() == JobWorker::Job::Training);
    newSearch_->setEnabled(!running);
    openRun_->setEnabled(!running);
    resume_->setEnabled(!running && !resumableRun_.isEmpty());
  });
  connect(dashboard_, &RunDashboard::pauseRequested, worker_, &JobWorker::pause);
  connect(dashboard_, &RunDashboard::resumeRequested, worker_, &JobWorker::resume);
  connect(dashboard_, &RunDashboard::cancelRequested, worker_, &JobWorker::cancel);
  dashboard_->setRunning(false);
  resize(1280, 860);
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  newSearch_ = file->addAction(tr("&New search…"), this, [this]() { newSearch(); });
  newSearch_->setShortcut(QKeySequence::New);
  openRun_ = file->addAction(tr("&Open run directory…"), this, [this]() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a run directory"), runDir_);
    if (!dir.isEmpty()) openRun(dir);
  });
  openRun_->setShortcut(QKeySequence::Open);
  file->addAction(tr("Open &study…"), this, [this]() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a study folder"), runDir_);
    if (!dir.isEmpty()) openStudy(dir);
  });
  resume_ = file->addAction(tr("&Resume run"), this, [this]() { resumeRun(resumableRun_); });
  resume_->setEnabled(false);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
}

SearchWizard* MainWindow::newSearch() {
  auto* wizard = new SearchWizard(this);
  wizard->setAttribute(Qt::WA_DeleteOnClose);
  connect(wizard, &QDialog::accepted, this, [this, wizard]() {
    const zd::RunConfig config = wizard->config();
    if (wizard->comparePage()->isStudy())
      startStudy(wizard->comparePage()->plan(config), QString::fromStdString(config.out),
                 wizard->comparePage()->jobs());
    else startSearch(config);
  });
  wizard->open();
  return wizard;
}

bool MainWindow::startSearch(const zd::RunConfig& config) {
  if (worker_->isRunning()) {
    showError(tr("A search is running"), tr("Wait for the running search to finish, or cancel it first."));
    return false;
  }
  model_->clear();
  results_->clear();
  runDir_ = QString::fromStdString(config.out);
  setResumable(QString());
  setWindowTitle(kTitle + QStringLiteral(" — ") + QFileInfo(runDir_).fileName());
  tabs_->setCurrentIndex(DashboardTab);
  return worker_->start(config, /*resume=*/false);
}

bool MainWindow::openStudy(const QString& studyDir) {
  if (!study_) {
    study_ = new StudyView(tabs_);
    tabs_->insertTab(StudyTab, study_, tr("Study"));
  }
  QString error;
  if (!study_->open(studyDir, &error)) {
    showError(tr("Cannot open the study"), error);
    return false;
  }
  tabs_->setCurrentWidget(study_);
  statusBar()->showMessage(tr("Opened the study %1; its report is report.md in that folder.").arg(studyDir));
  return true;
}

bool MainWindow::startStudy(const zd::StudyPlan& plan, const QString& studyDir, int jobs) {
  QString error;
  if (!::startStudy(plan, studyDir, jobs, &error)) {
    showError(tr("Cannot start the study"), error);
    return false;
  }
  return openStudy(studyDir);
}

bool MainWindow::openRun(const QString& runDir) {
  // A study folder picked as a run opens as the study it is.
  if (zd::isStudyDirectory(runDir.toStdString())) return openStudy(runDir);
  QString error;
  if (!model_->replay(runDir, &error)) {
    showError(tr("Cannot open the run"), error);
    return false;
  }
  runDir_ = runDir;
  setWindowTitle(kTitle + QStringLiteral(" — ") + QFileInfo(runDir).fileName());
  results_->clear();
  // A run with a checkpoint but no final genotype, or a cancelled one, can go on.
  const bool hasCheckpoint = QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("checkpoint.pt")));
  const auto& data = model_->data();
  setResumable(hasCheckpoint && data.state != RunState::Finished ? runDir : QString());
  results_->showRun(runDir);
  statusBar()->showMessage(tr("Opened %1").arg(runDir));
  return true;
}

bool MainWindow::resumeRun(const QString& runDir) {
  if (runDir.isEmpty() || worker_->isRunning()) return false;
  QString error;
  if (!model_->replay(runDir, &error)) {
    showError(tr("Cannot resume the run"), error);
    return false;
  }
  runDir_ = runDir;
  setResumable(QString());
  tabs_->setCurrentIndex(DashboardTab);
  return worker_->resumeRun(runDir);
}

void MainWindow::onEvent(const zd::JobEvent& event) {
  if (std::holds_alternative<zd::RunStarted>(event)) {
    // config.json exists from now on: the model can find sibling runs on the same data.
    model_->setRunDirectory(runDir_);
  }
  model_->append(event);
}

void MainWindow::onFinished(const QString& runDir, bool cancelled) {
  model_->flush();
  if (!runDir.isEmpty()) runDir_ = runDir;
  setResumable(cancelled ? runDir_ : QString());
  results_->showRun(runDir_);
  statusBar()->showMessage(cancelled ? tr("Search cancelled; its checkpoint is in %1 (File › Resume run).").arg(runDir_)
                                     : tr("Search ended; its files are in %1.").arg(runDir_));
  if (closeWhenStopped_) close();
}

bool MainWindow::startRetraining(const QString& runDir, const zd::RunConfig& config, bool resume) {
  if (worker_->isRunning()) {
    showError(tr("A job is running"), tr("Wait for the running search or retraining to finish, or cancel it first."));
    return false;
  }
  if (model_->runDirectory() != QDir(runDir).absolutePath() && !model_->replay(runDir)) model_->clear();
  runDir_ = runDir;
  tabs_->setCurrentIndex(ResultsTab);
  statusBar()->showMessage(resume ? tr("Continuing the retraining of %1 …").arg(runDir)
                                  : tr("Retraining the architecture of %1 …").arg(runDir));
  return worker_->startTraining(runDir, config, resume);
}

void MainWindow::onTrainingFinished(const QString& runDir, bool cancelled, bool failed) {
  model_->flush();
  results_->onTrainingFinished(cancelled, failed);
  if (!failed)
    statusBar()->showMessage(cancelled ? tr("Retraining cancelled; its checkpoint is in %1.").arg(runDir)
                                       : tr("Retraining finished; evaluating on the test split …"));
  if (closeWhenStopped_) close();
}

void MainWindow::setResumable(const QString& runDir) {
  resumableRun_ = runDir;
  resume_->setEnabled(!runDir.isEmpty() && !worker_->isRunning());
}

void MainWindow::showError(const QString& title, const QString& message) {
  // Not exec(): a modal loop here would stall the event stream behind it.
  auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
  box->setObjectName(QStringLiteral("errorDialog"));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
  statusBar()->showMessage(message);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!worker_->isRunning()) {
    event->accept();
    return;
  }
  event->ignore();
  if (closeWhenStopped_) return;  // already stopping
  if (!confirmStop_ || !confirmStop_()) return;
  // Cancel and close once the search has written its checkpoint; the window stays
  // responsive meanwhile.
  closeWhenStopped_ = true;
  statusBar()->showMessage(tr("Cancelling the search (writing its checkpoint) …"));
  worker_->cancel();
}
