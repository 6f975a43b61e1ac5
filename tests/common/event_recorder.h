// An observer for engine tests: keeps every event of a search or a retraining in
// order, optionally calls a hook on each (to cancel or pause at a chosen moment), and
// lists the events of one type.
#pragma once

#include "core/job/job_events.h"

#include <functional>
#include <vector>

class EventRecorder : public zd::JobObserver {
 public:
  std::vector<zd::JobEvent> events;
  std::function<void(const zd::JobEvent&)> hook;

  void onEvent(const zd::JobEvent& e) override {
    events.push_back(e);
    if (hook) hook(e);
  }

  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : events)
      if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
    return out;
  }
};
