#include "ui/main/screenshot_tour.h"

#include "ui/dashboard/run_dashboard.h"
#include "ui/dashboard/run_model.h"
#include "ui/main/main_window.h"
#include "ui/results/results_panel.h"
#include "ui/results/retrain_dialog.h"
#include "ui/wizard/config_fields.h"
#include "ui/wizard/budget_page.h"
#include "ui/wizard/data_page.h"
#include "ui/wizard/run_page.h"
#include "ui/wizard/schedule_page.h"
#include "ui/wizard/search_setup.h"
#include "ui/wizard/search_wizard.h"
#include "ui/worker/job_worker.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QLineEdit>
#include <QTabWidget>
#include <QTextStream>

#include <cstdio>

namespace {

constexpr int kPollMs = 100;
// The settings of `packaging/quickstart.sh demo` (see the reasons there): a run of a
// few minutes on a laptop CPU that still anneals, sparsens, passes the phase switch
// and shows every plot.
const char* kTinySettings[][2] = {
    {"search.epochs", "8"},           {"search.switch_epoch", "3"},        {"search.arch.rounds", "2"},
    {"search.temperature.t0", "0.5"}, {"search.temperature.decay", "0.5"}, {"search.temperature.every", "2"},
    {"search.network.channels", "8"}, {"search.network.cells", "2"},       {"search.batch", "64"},
};
constexpr double kTinyArchLr = 0.03;  // an Advanced setting: set on the wizard's config

// A retraining of a few epochs (the paper's 300 would take hours on a CPU).
const char* kRetrainSettings[][2] = {
    {"train.epochs", "4"},
    {"train.channels", "8"},
    {"train.warmup_epochs", "1"},
    {"train.batch", "128"},
};

}  // namespace

ScreenshotTour::ScreenshotTour(MainWindow* window, const QString& dataPath, const QString& outDir,
                               const QString& runDir, QObject* parent)
    : QObject(parent), window_(window), dataPath_(dataPath), outDir_(outDir), runDir_(runDir) {
  poll_.setInterval(kPollMs);
  connect(&poll_, &QTimer::timeout, this, &ScreenshotTour::poll);

  auto wizardPage = [this](int id) { return [this, id]() { return wizard_ && wizard_->currentId() == id; }; };
  add(
      QStringLiteral("open the wizard"), [] { return true; },
      [this]() {
        wizard_ = window_->newSearch();
        wizard_->dataPage()->setDataPath(dataPath_);
      });
  add(
      QStringLiteral("load the data"),
      [this]() { return !wizard_->dataPage()->isLoading() && wizard_->dataPage()->isComplete(); },
      [this]() {
        shoot(wizard_, QStringLiteral("01-wizard-data.png"));
        wizard_->next();
      },
      120000);
  add(QStringLiteral("budget page"), wizardPage(SearchWizard::Budget),
      [this]() { setField(wizard_->budgetPage(), QStringLiteral("search.budget.preset"), QStringLiteral("medium")); });
  add(
      QStringLiteral("sample the space"),
      [this]() { return wizard_->budgetPage()->isUpToDate() && !wizard_->budgetPage()->samples().empty(); },
      [this]() {
        shoot(wizard_, QStringLiteral("02-wizard-budget.png"));
        wizard_->next();
      });
  add(QStringLiteral("schedule page"), wizardPage(SearchWizard::Schedule), [this]() {
    for (const auto& kv : kTinySettings) setField(wizard_->schedulePage(), kv[0], kv[1]);
    shoot(wizard_, QStringLiteral("03-wizard-schedule.png"));
    wizard_->next();
  });
  add(QStringLiteral("compare page"), wizardPage(SearchWizard::Compare), [this]() {
    shoot(wizard_, QStringLiteral("03b-wizard-compare.png"));  // one search: the study stays off
    wizard_->next();
  });
  add(QStringLiteral("run page"), wizardPage(SearchWizard::Run), [this]() {
    for (const auto& kv : kTinySettings) setField(wizard_->runPage(), kv[0], kv[1]);
    setField(wizard_->runPage(), QStringLiteral("out"), runDir_);
    zd::RunConfig config = wizard_->setup()->config();
    config.search.arch.lr = kTinyArchLr;
    wizard_->setup()->setConfig(config);
    wizard_->runPage()->estimate();
  });
  add(
      QStringLiteral("estimate the run time"),
      [this]() {
        // A failed estimate says why on the page; the picture is still worth taking.
        const QString text = wizard_->runPage()->estimateText();
        return text.startsWith(QStringLiteral("Estimated")) || text.startsWith(QStringLiteral("Could not"));
      },
      [this]() {
        shoot(wizard_, QStringLiteral("04-wizard-run.png"));
        if (!wizard_->runPage()->isComplete()) {
          std::fprintf(stderr, "screenshot tour: run page incomplete: %s\n", qPrintable(wizard_->runPage()->problem()));
          failed_ = true;
        }
        wizard_->button(QWizard::FinishButton)->click();
      },
      180000);
  add(
      QStringLiteral("search mid-run"), [this]() { return window_->model()->data().epoch.size() >= 4; },
      [this]() {
        window_->model()->flush();
        window_->tabs()->setCurrentIndex(MainWindow::DashboardTab);
        window_->dashboard()->tabs()->setCurrentIndex(0);
        shoot(window_, QStringLiteral("05-dashboard-mid-run.png"));
        window_->dashboard()->tabs()->setCurrentIndex(1);
        shoot(window_, QStringLiteral("06-dashboard-edge-histories.png"));
        window_->dashboard()->tabs()->setCurrentIndex(0);
        window_->tabs()->setCurrentIndex(MainWindow::CellsTab);
        shoot(window_, QStringLiteral("07-cell-viewer-mid-run.png"));
      },
      900000);
  add(
      QStringLiteral("search finished"), [this]() { return !window_->worker()->isRunning(); },
      [this]() {
        window_->model()->flush();
        window_->tabs()->setCurrentIndex(MainWindow::DashboardTab);
        shoot(window_, QStringLiteral("08-dashboard-finished.png"));
        window_->tabs()->setCurrentIndex(MainWindow::CellsTab);
        shoot(window_, QStringLiteral("09-cell-viewer-final.png"));
        window_->tabs()->setCurrentIndex(MainWindow::ResultsTab);
        RetrainDialog* dialog = window_->results()->openRetrainDialog();
        if (!dialog) {
          std::fprintf(stderr, "screenshot tour: the Results page offers no retraining\n");
          failed_ = true;
          return;
        }
        for (const auto& kv : kRetrainSettings)
          if (auto* edit = qobject_cast<QLineEdit*>(dialog->fields()->editor(kv[0]))) edit->setText(kv[1]);
        shoot(dialog, QStringLiteral("10-retrain-dialog.png"));
        dialog->okButton()->click();
      },
      900000);
  add(
      QStringLiteral("retraining mid-run"), [this]() { return window_->model()->data().retrainEpoch.size() >= 2; },
      [this]() {
        window_->model()->flush();
        shoot(window_, QStringLiteral("11-retraining.png"));
      },
      900000);
  add(
      QStringLiteral("retrained and evaluated"),
      [this]() { return !window_->worker()->isRunning() && window_->results()->hasMetrics(); },
      [this]() { window_->results()->exportTo(QDir(runDir_).filePath(QStringLiteral("model.onnx"))); }, 900000);
  add(
      QStringLiteral("exported"),
      [this]() {
        const QString text = window_->results()->exportResult();
        return text.contains(QStringLiteral("Verified")) || text.contains(QStringLiteral("failed"));
      },
      [this]() { shoot(window_, QStringLiteral("12-results.png")); }, 120000);
}

void ScreenshotTour::add(const QString& name, std::function<bool()> ready, std::function<void()> act, int timeoutMs) {
  steps_.append(Step{name, std::move(ready), std::move(act), timeoutMs});
}

void ScreenshotTour::start() {
  QDir().mkpath(outDir_);
  current_ = 0;
  clock_.start();
  poll_.start();
}

void ScreenshotTour::poll() {
  if (current_ >= steps_.size()) {
    poll_.stop();
    Q_EMIT done(failed_ ? 1 : 0);
    return;
  }
  Step& step = steps_[current_];
  if (step.ready()) {
    std::fprintf(stderr, "screenshot tour: %s (%.1f s)\n", qPrintable(step.name), clock_.elapsed() / 1000.0);
    step.act();
    ++current_;
    clock_.restart();
  } else if (clock_.elapsed() > step.timeoutMs) {
    std::fprintf(stderr, "screenshot tour: gave up waiting for: %s\n", qPrintable(step.name));
    poll_.stop();
    Q_EMIT done(1);
  }
}

bool ScreenshotTour::shoot(QWidget* widget, const QString& file) {
  const QString path = QDir(outDir_).filePath(file);
  // Plots replot on the next turn of the event loop: let them, so the picture is current.
  QCoreApplication::processEvents();
  const bool ok = widget->grab().save(path);
  if (!ok) {
    std::fprintf(stderr, "screenshot tour: cannot write %s\n", qPrintable(path));
    failed_ = true;
  }
  return ok;
}

void ScreenshotTour::setField(QWidget* root, const QString& key, const QString& value) {
  // Fields are named by their config keys; a page simply lacks the others.
  if (auto* edit = root->findChild<QLineEdit*>(key)) edit->setText(value);
  else if (auto* combo = root->findChild<QComboBox*>(key)) combo->setCurrentText(value);
}
