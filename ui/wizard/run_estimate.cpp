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
  step();  // the first step allocates; not timed
  // One whole round of R steps: R weight steps (real + perturbed copy) and one
  // architecture update, in the run's proportion.
  const int steps = std::max(1, options.arch.rounds - 1);
  const auto t0 = Clock::now();
  for (int i = 0; i < steps; ++i) step();
  if (device.is_cuda()) torch::zeros({1}, torch::TensorOptions().device(device)).cpu();  // wait for the GPU
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  RunEstimate e;
  e.timed_steps = steps + 1;
  e.timed_batch = static_cast<int>(options.batch);
  e.step_seconds = seconds / steps * config.search.batch / options.batch;
  const double weight_images = static_cast<double>(facts.search_images) * (1.0 - config.data.arch_fraction);
  const double steps_per_epoch = std::max(1.0, std::ceil(weight_images / config.search.batch));
  e.seconds = e.step_seconds * steps_per_epoch * config.search.epochs;
  e.device = QString::fromStdString(zd::describeDevice(device));
  return e;
}
