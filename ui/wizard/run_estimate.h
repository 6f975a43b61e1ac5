// An estimate of a search's wall time from a few timed steps of the real search
// step (the benchmark's code path) on the chosen device, scaled to the run's steps.
#pragma once

#include "core/run/run_config.h"
#include "ui/wizard/data_probe.h"

#include <QString>

struct RunEstimate {
  double seconds = 0;       // the whole search
  double step_seconds = 0;  // one weight step at the run's batch size
  int timed_steps = 0;
  int timed_batch = 0;
  QString device;
};

// Times a few phase-1 steps of `config`'s network on synthetic images shaped like
// `facts`' and scales to config's epochs and steps. Takes seconds; run it off the
// GUI thread. Throws zd::Error (bad device) or std::exception.
RunEstimate estimateRunTime(const zd::RunConfig& config, const DataFacts& facts);
