// The terminal's view of a search or a retraining: a progress bar with ETA while an epoch runs
// (redrawn in place on a terminal, a line per epoch otherwise) and a summary line
// per epoch. Not thread-safe: events arrive on the search thread.
#pragma once

#include "core/job/job_events.h"

#include <chrono>
#include <cstdio>

namespace zd {

class ProgressPrinter : public JobObserver {
 public:
  explicit ProgressPrinter(std::FILE* out = stdout);
  void onEvent(const JobEvent& event) override;

 private:
  struct BarStep {  // a search's or a retraining's step
    int epoch, step, steps;
    double loss;
  };
  void drawBar(const BarStep& p);
  void endBar();

  std::FILE* out_;
  bool interactive_;
  bool bar_open_ = false;
  bool training_ = false;  // retraining events (no temperature to show)
  int epochs_ = 0;
  int start_epoch_ = 0;
  int steps_per_epoch_ = 1;
  double min_params_ = 0, max_params_ = 0;  // budget band (max 0: none)
  EpochStarted epoch_{};
  double loss_avg_ = 0;
  std::chrono::steady_clock::time_point run_start_, epoch_start_, last_draw_;
  long steps_done_ = 0;  // in this process, for the ETA
};

}  // namespace zd
