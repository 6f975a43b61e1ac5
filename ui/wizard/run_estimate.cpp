#include "core/common/device.h"
#include "core/data/batch_augment.h"
#include "core/search/search_engine.h"

#include "ui/wizard/run_estimate.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace {
// Steps are timed at most at this batch and scaled linearly: a full batch of 256 on
// a CPU would make the estimate itself take minutes.
constexpr int kTimedBatch = 32;
using Clock = std::chrono::steady_clock;
}  // namespace

RunEstimate estimateRunTime(const zd::RunConfig& config, const DataFacts& facts) {
  zd::configureThreads(config.threads);
  const torch::Device device = zd::resolveDevice(config.device);
  zd::SearchOptions options = config.search;
  options.batch = std::min(options.batch, kTimedBatch);
  zd::SupernetOptions network;
  network.in_channels = std::max<int64_t>(1, facts.channels);
  network.classes = std::max<int64_t>(2, facts.classes);
  network.channels = options.network.channels;
  network.cells = options.network.cells;
  network.skip_zero_ops = options.skip_zero_ops;
  zd::SearchEngine engine(options, network, zd::BudgetBand{}, device);
  engine.beginEpoch(0);

  // Synthetic images shaped like the data, resized and augmented as in the real loop.
  const int64_t side = std::max<int64_t>(8, facts.image_size), pool = 2 * options.batch;
  zd::ImageSet images{torch::randint(0, 256, {pool, network.in_channels, side, side}, torch::kUInt8),
                      torch::randint(0, network.classes, {pool}, torch::kLong)};
  if (options.augment.resize > 0) images = zd::resizeImages(images, options.augment.resize);
  std::mt19937_64 rng(options.seed);
  auto batch = [&]() {
    const auto idx = torch::randint(0, pool, {options.batch}, torch::kLong);
    auto x = zd::augmentBatch(images.images.index_select(0, idx), options.augment, rng).to(device);
    return std::make_pair(x, images.labels.index_select(0, idx).to(device));
  };
  auto step = [&]() {
    auto [x, y] = batch();
    engine.step(x, y, batch, rng);
  };
  // One whole round of R steps: R weight steps (real + perturbed copy) and one
  // architecture update, in the run's proportion; seconds per step of `batch`.
  const int steps = std::max(1, options.arch.rounds - 1);
  auto timeRound = [&]() {
    step();  // the first step of a phase allocates; not timed
    const auto t0 = Clock::now();
    for (int i = 0; i < steps; ++i) step();
    if (device.is_cuda()) torch::zeros({1}, torch::TensorOptions().device(device)).cpu();  // wait for the GPU
    return std::chrono::duration<double>(Clock::now() - t0).count() / steps;
  };
  const double phase1 = timeRound();
  // Phase 2 computes three kernel sizes per convolution and the depth mixture: dense,
  // it costs more than phase 1, so it is timed too.
  const int epochs = config.search.epochs;
  const int phase1_epochs = options.size_search ? std::clamp(options.switch_epoch, 0, epochs) : epochs;
  double phase2 = phase1;
  if (phase1_epochs < epochs) {
    engine.beginEpoch(phase1_epochs);  // enters phase 2 as the loop does
    phase2 = timeRound();
  }

  RunEstimate e;
  const double scale = static_cast<double>(config.search.batch) / options.batch;
  e.timed_steps = phase1_epochs < epochs ? 2 * (steps + 1) : steps + 1;
  e.timed_batch = static_cast<int>(options.batch);
  e.step_seconds = phase1 * scale;
  e.phase2_step_seconds = phase2 * scale;
  const double weight_images = static_cast<double>(facts.search_images) * (1.0 - config.data.arch_fraction);
  const double steps_per_epoch = std::max(1.0, std::ceil(weight_images / config.search.batch));
  e.seconds = steps_per_epoch * (e.step_seconds * phase1_epochs + e.phase2_step_seconds * (epochs - phase1_epochs));
  e.device = QString::fromStdString(zd::describeDevice(device));
  return e;
}
