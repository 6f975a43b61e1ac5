// LibTorch (through the engine headers) before Qt: see the precompiled header in ui/CMakeLists.txt.
#include "core/common/error.h"
#include "core/run/run_directory.h"
#include "core/run/run_search.h"
#include "core/run/run_train.h"

#include "ui/worker/job_worker.h"

#include <QThread>

#include <exception>
#include <tuple>
#include <string>

namespace {

// Runs on the search thread: hands each event over to the GUI thread. Emitting a
// signal whose receiver lives in another thread queues a copy of the event, so the
// engine never waits for the GUI (and never touches a widget).
class QueuedObserver : public zd::JobObserver {
 public:
  explicit QueuedObserver(std::function<void(const zd::JobEvent&)> forward) : forward_(std::move(forward)) {}
  void onEvent(const zd::JobEvent& event) override { forward_(event); }

 private:
  std::function<void(const zd::JobEvent&)> forward_;
};

}  // namespace

JobWorker::JobWorker(QObject* parent) : QObject(parent), stop_(std::make_unique<zd::StopToken>()) {
  qRegisterMetaType<zd::JobEvent>();
  // Explicitly queued: the thread emits these, the GUI thread re-emits them, in order.
  connect(this, &JobWorker::eventFromThread, this, &JobWorker::event, Qt::QueuedConnection);
  connect(this, &JobWorker::statusFromThread, this, &JobWorker::status, Qt::QueuedConnection);
  connect(this, &JobWorker::endFromThread, this, &JobWorker::onThreadEnd, Qt::QueuedConnection);
}

JobWorker::~JobWorker() {
  if (thread_) {
    cancel();
    thread_->wait();
    delete thread_;
  }
}

bool JobWorker::start(const zd::RunConfig& config, bool resume) {
  return launch(Job::Search, QString::fromStdString(config.out),
                [config, resume](zd::JobObserver& observer, zd::StopToken& stop, const auto& status) {
                  const auto outcome = zd::runSearch(config, observer, stop, resume, status);
                  return std::make_pair(QString::fromStdString(outcome.run_dir.string()), outcome.result.cancelled);
                });
}

bool JobWorker::startTraining(const QString& runDir, const zd::RunConfig& config, bool resume) {
  return launch(Job::Training, runDir,
                [runDir, config, resume](zd::JobObserver& observer, zd::StopToken& stop, const auto& status) {
                  // A new retraining never overwrites an earlier one: its files are archived.
                  if (!resume) {
                    const auto archive = zd::archivePreviousTraining(runDir.toStdString());
                    if (!archive.empty()) status("the earlier retraining was moved to " + archive.string());
                  }
                  const auto outcome = zd::runTraining(runDir.toStdString(), config, observer, stop, resume, status);
                  return std::make_pair(runDir, outcome.result.cancelled);
                });
}

bool JobWorker::launch(Job job, const QString& runDir, JobBody body) {
  if (running_) return false;
  stop_->cancel = false;
  stop_->pause = false;
  running_ = true;
  job_ = job;
  thread_ = QThread::create([this, runDir, body = std::move(body)]() {
    QueuedObserver observer([this](const zd::JobEvent& e) { Q_EMIT eventFromThread(e, QPrivateSignal()); });
    const std::function<void(const std::string&)> status = [this](const std::string& line) {
      Q_EMIT statusFromThread(QString::fromStdString(line), QPrivateSignal());
    };
    QString error;
    QString dir = runDir;
    bool cancelled = false;
    try {
      std::tie(dir, cancelled) = body(observer, *stop_, status);
    } catch (const zd::Error& e) {
      error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
      // LibTorch errors (out of memory, a device that vanished) are not zd::Errors;
      // they still end the job with a message instead of taking the window down.
      error = QStringLiteral("The job stopped with an internal error: ") + QString::fromStdString(e.what());
    }
    Q_EMIT endFromThread(dir, cancelled, error, QPrivateSignal());
  });
  thread_->setObjectName(job == Job::Search ? QStringLiteral("search") : QStringLiteral("training"));
  thread_->start();
  Q_EMIT runningChanged(true);
  return true;
}

bool JobWorker::resumeRun(const QString& runDir) {
  if (running_) return false;
  zd::RunConfig config;
  try {
    config = zd::RunDirectory::open(runDir.toStdString()).readConfig();
  } catch (const zd::Error& e) {
    Q_EMIT failed(QString::fromStdString(e.what()));
    return false;
  }
  config.out = runDir.toStdString();
  return start(config, /*resume=*/true);
}

bool JobWorker::isPaused() const { return stop_->pause.load(); }

bool JobWorker::wait(int msecs) { return !thread_ || thread_->wait(QDeadlineTimer(msecs)); }

void JobWorker::pause() {
  if (!running_ || stop_->pause.exchange(true)) return;
  Q_EMIT pausedChanged(true);
}

void JobWorker::resume() {
  if (!stop_->pause.exchange(false)) return;
  Q_EMIT pausedChanged(false);
}

void JobWorker::cancel() {
  stop_->cancel = true;
  resume();  // a paused loop only notices the cancel once it wakes
}

void JobWorker::onThreadEnd(const QString& runDir, bool cancelled, const QString& error) {
  // The thread has emitted its last signal and is returning: joining it is immediate.
  thread_->wait();
  delete thread_;
  thread_ = nullptr;
  running_ = false;
  if (stop_->pause.exchange(false)) Q_EMIT pausedChanged(false);
  if (!error.isEmpty()) Q_EMIT failed(error);  // job() still tells what failed
  const Job job = job_;
  job_ = Job::None;
  if (job == Job::Training) Q_EMIT trainingFinished(runDir, cancelled, !error.isEmpty());
  else Q_EMIT finished(runDir, cancelled);
  Q_EMIT runningChanged(false);
}
