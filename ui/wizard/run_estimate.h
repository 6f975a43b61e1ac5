// An estimate of a search's wall time from a few timed steps of the real search
// step (the benchmark's code path) on the chosen device, scaled to the run's steps.
#pragma once

#include "core/run/run_config.h"
#include "ui/wizard/data_probe.h"

#include <QString>

struct RunEstimate {
  double seconds = 0;       // the whole search
  double step_seconds = 0;  // one phase-1 weight step at the run's batch size
  double phase2_step_seconds = 0;  // one dense phase-2 step (kernel and depth mixing)
  int timed_steps = 0;
  int timed_batch = 0;
  QString device;
};

// Times a few dense steps of `config`'s network in each phase on synthetic images
// shaped like `facts`' and scales to config's epochs and steps: an upper bound, since
// skipping zero-weight ops speeds the annealed epochs up. Takes seconds; run it off the
// GUI thread. Throws zd::Error (bad device) or std::exception.
RunEstimate estimateRunTime(const zd::RunConfig& config, const DataFacts& facts);
