// Short engine work (the wizard's data summary, size sampling and timed steps; the
// Results page's evaluation and export) runs off the GUI thread; its result comes
// back on the GUI thread. Thread-safety: call from the GUI thread; `work` runs on
// Qt's global thread pool and must not touch widgets.
#pragma once

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include <exception>
#include <functional>
#include <memory>

// Runs `work` in the background, then `done(result)` — or `failed(message)` when it
// threw — on the GUI thread, unless `context` has been destroyed by then.
template <class Result>
void runInBackground(QObject* context, std::function<Result()> work, std::function<void(Result)> done,
                     std::function<void(QString)> failed) {
  QPointer<QObject> guard(context);
  QThreadPool::globalInstance()->start([guard, work = std::move(work), done = std::move(done),
                                        failed = std::move(failed)]() {
    auto result = std::make_shared<Result>();
    QString error;
    try {
      *result = work();
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    // Delivered through the application object, which outlives every window; the
    // guard is only read there, on the GUI thread.
    QMetaObject::invokeMethod(
        qApp,
        [guard, result, error, done, failed]() {
          if (!guard) return;
          if (error.isEmpty()) done(std::move(*result));
          else failed(error);
        },
        Qt::QueuedConnection);
  });
}
