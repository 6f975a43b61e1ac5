// How long a search will take, from a few timed steps of the real search step
// (SearchStepTimer, as `zodarts bench` times it) on the run's device and threads,
// scaled to the run's epochs and steps. The wizard shows it before a run starts.
#pragma once

#include "core/run/run_config.h"

#include <cstdint>
#include <string>

namespace zd {

// What the estimate needs to know of the data set.
struct DataShape {
  int64_t channels = 1;
  int64_t classes = 2;
  int64_t image_size = 28;    // side of the images before the search's resize
  int64_t search_images = 0;  // train + val: what the search halves (§4)
};

struct RunTimeEstimate {
  double seconds = 0;              // the whole search
  double step_seconds = 0;         // one phase-1 step at the run's batch size
  double phase2_step_seconds = 0;  // one dense phase-2 step (kernel and depth mixing)
  int timed_steps = 0;
  int timed_batch = 0;
  std::string device;
};

// Times dense steps of `config`'s network in each phase it runs on synthetic images
// shaped like `data`, with config's device and threads (as the run will set them):
// an upper bound, since skipping zero-weight ops speeds annealed epochs up. Takes
// seconds; callers with a user interface run it off their UI thread. Throws
// zd::Error (a bad device) or std::exception.
RunTimeEstimate estimateRunTime(const RunConfig& config, const DataShape& data);

}  // namespace zd
