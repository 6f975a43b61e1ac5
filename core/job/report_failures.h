// The boundary between a long engine job (search, retraining) and its observer: a
// failure is announced as a RunFailed event before it propagates, and LibTorch's own
// exceptions become zd::Error so callers catch one family.
#pragma once
#include "core/common/error.h"
#include "core/job/job_events.h"

#include <c10/util/Exception.h>

#include <string>

namespace zd {

// Returns body(); when it throws zd::Error (or c10::Error, rethrown as
// Error("engine error: …")), `observer` first receives a `Failed` event (RunFailed
// for a search, TrainFailed for a retraining) with the message.
template <class Failed = RunFailed, class Body>
auto reportFailures(JobObserver& observer, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error& e) {
    observer.onEvent(Failed{e.what()});
    throw;
  } catch (const c10::Error& e) {
    const std::string message = std::string("engine error: ") + e.what_without_backtrace();
    observer.onEvent(Failed{message});
    throw Error(message);
  }
}

}  // namespace zd
