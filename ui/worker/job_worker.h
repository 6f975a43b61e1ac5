// The GUI's handle on the engine's long jobs: a thin QObject that runs zd::runSearch
// — or zd::runTraining, the retraining of a run's architecture — on its own QThread
// and re-emits every engine event on the GUI thread, in order, as a queued signal
// (ARCHITECTURE.md "How a search talks to the world"; STYLE.md 3). One job at a time.
// Thread-safety: create, call and destroy on the GUI thread only. Its signals are
// always emitted on the thread it lives in (the GUI thread).
#pragma once

#include "core/run/run_config.h"
#include "core/job/job_events.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <string>
#include <utility>

class QThread;

// Events travel between threads inside queued signals, so Qt must know the type.
Q_DECLARE_METATYPE(zd::JobEvent)

namespace zd {
struct StopToken;
}

class JobWorker : public QObject {
  Q_OBJECT

 public:
  enum class Job { None, Search, Training };

  explicit JobWorker(QObject* parent = nullptr);
  // Cancels a running search and waits for it to write its checkpoint and stop.
  ~JobWorker() override;

  // Starts a new search described by `config` (config.out is the new run folder),
  // or with `resume` continues the run in config.out from its checkpoint. Returns
  // false, doing nothing, while another search is still running.
  bool start(const zd::RunConfig& config, bool resume);

  // Continues the (cancelled or interrupted) run in `runDir` with the settings of its
  // config.json. Emits failed() when the folder is not a run; false while running.
  bool resumeRun(const QString& runDir);

  // Retrains the architecture of the finished search in `runDir` with `config` (its
  // config.json with the caller's `train` settings; saved back), or with `resume`
  // continues from train_checkpoint.pt. A new retraining first moves the files of an
  // earlier one into the run's retrain-archive/ (zd::archivePreviousTraining).
  // Events arrive through event() like a search's; trainingFinished() ends it.
  // False, doing nothing, while a job runs.
  bool startTraining(const QString& runDir, const zd::RunConfig& config, bool resume);

  // True from start() until finished() (or trainingFinished()) has been emitted.
  bool isRunning() const { return running_; }
  Job job() const { return job_; }
  bool isPaused() const;

  // Blocks until the search thread has ended (tests and shutdown; never while the
  // GUI must stay responsive); true when it ended within `msecs`.
  bool wait(int msecs);

 public Q_SLOTS:
  // Pause and resume take effect between two steps of the search.
  void pause();
  void resume();
  // Asks the search to stop after the current step; it writes its checkpoint first,
  // so the run can be resumed later. finished(…, cancelled = true) follows.
  void cancel();

 Q_SIGNALS:
  // One engine event, in the order the engine emitted it.
  void event(const zd::JobEvent& event);
  // A one-line preparation message ("data: … 2,940 images …").
  void status(const QString& message);
  // The engine reported an error (bad data, bad setting, unwritable folder); the
  // message names the file or setting at fault. finished() follows.
  void failed(const QString& message);
  // The search thread has ended; `runDir` is the run's folder.
  void finished(const QString& runDir, bool cancelled);
  // A retraining has ended (failed() came first when it failed); when it was neither
  // cancelled nor failed, model.pt and model.json are in `runDir`.
  void trainingFinished(const QString& runDir, bool cancelled, bool failed);
  void pausedChanged(bool paused);
  void runningChanged(bool running);

  // Internal: the search thread's hand-over to the GUI thread (queued connections).
  void eventFromThread(const zd::JobEvent& event, QPrivateSignal);
  void statusFromThread(const QString& message, QPrivateSignal);
  void endFromThread(const QString& runDir, bool cancelled, const QString& error, QPrivateSignal);

 private:
  void onThreadEnd(const QString& runDir, bool cancelled, const QString& error);
  // Runs `job` on a new thread; it returns the run folder and whether it was cancelled.
  using JobBody = std::function<std::pair<QString, bool>(zd::JobObserver&, zd::StopToken&,
                                                         const std::function<void(const std::string&)>&)>;
  bool launch(Job job, const QString& runDir, JobBody body);

  std::unique_ptr<zd::StopToken> stop_;
  QThread* thread_ = nullptr;
  bool running_ = false;
  Job job_ = Job::None;
};
