#include "core/bench/run_time_estimate.h"

#include "core/bench/search_step_timer.h"
#include "core/common/device.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace zd {
namespace {

// Steps are timed at most at this batch and scaled linearly: a full batch of 256 on
// a CPU would make the estimate itself take minutes.
constexpr int kTimedBatch = 32;

}  // namespace

RunTimeEstimate estimateRunTime(const RunConfig& config, const DataShape& data) {
  configureThreads(config.threads);  // as the run itself will
  const torch::Device device = resolveDevice(config.device);
  if (config.search.arch.estimator == Estimator::Random) {  // draws, runs no step
    RunTimeEstimate none;
    none.device = describeDevice(device);
    return none;
  }
  SearchOptions options = config.search;
  options.batch = std::min(options.batch, kTimedBatch);
  SupernetOptions network;
  network.in_channels = std::max<int64_t>(1, data.channels);
  network.classes = std::max<int64_t>(2, data.classes);
  network.channels = options.network.channels;
  network.cells = options.network.cells;
  network.skip_zero_ops = options.skip_zero_ops;
  SearchStepTimer timer(options, network, BudgetBand{},
                        {network.in_channels, network.classes, std::max<int64_t>(8, data.image_size)}, device);
  // One round of R steps in the run's proportion of weight steps and architecture
  // updates; its first step allocates and is not timed.
  const int steps = std::max(1, options.arch.rounds - 1);
  auto timeRound = [&] { return timer.run(1, steps).totalSeconds() / steps; };
  timer.engine().beginEpoch(0);
  const double phase1 = timeRound();
  // Phase 2 computes three kernel sizes per convolution and the depth mixture:
  // dense, it costs more than phase 1, so it is timed too.
  const int epochs = config.search.epochs;
  const int phase1_epochs = options.size_search ? std::clamp(options.switch_epoch, 0, epochs) : epochs;
  double phase2 = phase1;
  if (phase1_epochs < epochs) {
    timer.engine().beginEpoch(phase1_epochs);  // enters phase 2 as the loop does
    phase2 = timeRound();
  }

  RunTimeEstimate e;
  const double scale = static_cast<double>(config.search.batch) / options.batch;
  e.timed_steps = phase1_epochs < epochs ? 2 * (steps + 1) : steps + 1;
  e.timed_batch = options.batch;
  e.step_seconds = phase1 * scale;
  e.phase2_step_seconds = phase2 * scale;
  const double weight_images = static_cast<double>(data.search_images) * (1.0 - config.data.arch_fraction);
  const double steps_per_epoch = std::max(1.0, std::ceil(weight_images / config.search.batch));
  e.seconds = steps_per_epoch * (e.step_seconds * phase1_epochs + e.phase2_step_seconds * (epochs - phase1_epochs));
  e.device = describeDevice(device);
  return e;
}

}  // namespace zd
