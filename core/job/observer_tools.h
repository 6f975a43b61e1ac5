// Small helpers around the event stream's observer and stop token
// (search_events.h) shared by the long jobs — the search loop and the retraining —
// and the run-directory drivers that log their events. Kept out of
// search_events.h, which every GUI file includes, so changing them rebuilds little.
#pragma once

#include "core/job/job_events.h"

#include <chrono>
#include <thread>

namespace zd {

// Sends every event to two observers, in order (the run's events.jsonl, then the caller).
class TeeObserver : public JobObserver {
 public:
  TeeObserver(JobObserver& first, JobObserver& second) : first_(first), second_(second) {}
  void onEvent(const JobEvent& event) override {
    first_.onEvent(event);
    second_.onEvent(event);
  }

 private:
  JobObserver& first_;
  JobObserver& second_;
};

// Called between two steps: waits while `stop` is paused; false once it is cancelled
// (a paused job notices a cancel within 50 ms).
inline bool keepGoing(const StopToken& stop) {
  while (stop.pause.load() && !stop.cancel.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return !stop.cancel.load();
}

}  // namespace zd
