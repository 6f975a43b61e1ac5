// LibTorch (through the engine headers) before Qt: see the precompiled header in ui/CMakeLists.txt.
#include "core/common/error.h"
#include "core/run/run_directory.h"
#include "core/run/run_search.h"

#include "ui/worker/search_worker.h"

#include <QThread>

#include <exception>
#include <string>

namespace {

// Runs on the search thread: hands each event over to the GUI thread. Emitting a
// signal whose receiver lives in another thread queues a copy of the event, so the
// engine never waits for the GUI (and never touches a widget).
class QueuedObserver : public zd::SearchObserver {
 public:
  explicit QueuedObserver(std::function<void(const zd::SearchEvent&)> forward) : forward_(std::move(forward)) {}
  void onEvent(const zd::SearchEvent& event) override { forward_(event); }

 private:
  std::function<void(const zd::SearchEvent&)> forward_;
};

}  // namespace

SearchWorker::SearchWorker(QObject* parent) : QObject(parent), stop_(std::make_unique<zd::StopToken>()) {
  qRegisterMetaType<zd::SearchEvent>();
  // Explicitly queued: the thread emits these, the GUI thread re-emits them, in order.
  connect(this, &SearchWorker::eventFromThread, this, &SearchWorker::event, Qt::QueuedConnection);
  connect(this, &SearchWorker::statusFromThread, this, &SearchWorker::status, Qt::QueuedConnection);
  connect(this, &SearchWorker::endFromThread, this, &SearchWorker::onThreadEnd, Qt::QueuedConnection);
}

SearchWorker::~SearchWorker() {
  if (thread_) {
    cancel();
    thread_->wait();
    delete thread_;
  }
}

bool SearchWorker::start(const zd::RunConfig& config, bool resume) {
  if (running_) return false;
  stop_->cancel = false;
  stop_->pause = false;
  running_ = true;
  thread_ = QThread::create([this, config, resume]() {
    QueuedObserver observer([this](const zd::SearchEvent& e) { Q_EMIT eventFromThread(e, QPrivateSignal()); });
    QString error;
    QString runDir = QString::fromStdString(config.out);
    bool cancelled = false;
    try {
      const auto outcome = zd::runSearch(config, observer, *stop_, resume, [this](const std::string& line) {
        Q_EMIT statusFromThread(QString::fromStdString(line), QPrivateSignal());
      });
      runDir = QString::fromStdString(outcome.run_dir.string());
      cancelled = outcome.result.cancelled;
    } catch (const zd::Error& e) {
      error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
      // LibTorch errors (out of memory, a device that vanished) are not zd::Errors;
      // they still end the run with a message instead of taking the window down.
      error = QStringLiteral("The search stopped with an internal error: ") + QString::fromStdString(e.what());
    }
    Q_EMIT endFromThread(runDir, cancelled, error, QPrivateSignal());
  });
  thread_->setObjectName(QStringLiteral("search"));
  thread_->start();
  Q_EMIT runningChanged(true);
  return true;
}

bool SearchWorker::resumeRun(const QString& runDir) {
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

bool SearchWorker::isPaused() const { return stop_->pause.load(); }

bool SearchWorker::wait(int msecs) { return !thread_ || thread_->wait(QDeadlineTimer(msecs)); }

void SearchWorker::pause() {
  if (!running_ || stop_->pause.exchange(true)) return;
  Q_EMIT pausedChanged(true);
}

void SearchWorker::resume() {
  if (!stop_->pause.exchange(false)) return;
  Q_EMIT pausedChanged(false);
}

void SearchWorker::cancel() {
  stop_->cancel = true;
  resume();  // a paused loop only notices the cancel once it wakes
}

void SearchWorker::onThreadEnd(const QString& runDir, bool cancelled, const QString& error) {
  // The thread has emitted its last signal and is returning: joining it is immediate.
  thread_->wait();
  delete thread_;
  thread_ = nullptr;
  running_ = false;
  if (stop_->pause.exchange(false)) Q_EMIT pausedChanged(false);
  if (!error.isEmpty()) Q_EMIT failed(error);
  Q_EMIT finished(runDir, cancelled);
  Q_EMIT runningChanged(false);
}
