#include "core/bench/search_step_timer.h"

#include "core/common/cuda_device.h"
#include "core/data/batch_augment.h"
#include "core/data/device_placement.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>

namespace zd {

SearchStepTimer::SearchStepTimer(const SearchOptions& options, const SupernetOptions& network, const BudgetBand& band,
                                 const SyntheticImages& images, torch::Device device)
    : options_(options), device_(device), engine_(options, network, band, device), rng_(options.seed) {
  // Resized once and augmented per batch, kept where the search loop keeps a set that fits.
  const int64_t pool = std::max<int64_t>(4 * options.batch, 64);
  images_ = ImageSet{torch::randint(0, 256, {pool, images.channels, images.size, images.size}, torch::kUInt8),
                     torch::randint(0, images.classes, {pool}, torch::kLong)};
  if (options.augment.resize > 0) images_ = resizeImages(images_, options.augment.resize);
  images_ = placedOn(images_, device);
}

std::pair<torch::Tensor, torch::Tensor> SearchStepTimer::batch() {
  const auto idx = toDeviceAsync(torch::randint(0, images_.size(), {options_.batch}, torch::kLong), device_);
  auto x = augmentBatch(images_.images.index_select(0, idx), options_.augment, rng_);
  return std::make_pair(x, images_.labels.index_select(0, idx));
}

SearchStepTimer::Timing SearchStepTimer::run(int warmup, int steps) {
  auto next = [this] { return batch(); };
  for (int i = 0; i < warmup; ++i) {
    auto [x, y] = batch();
    engine_.step(x, y, next, rng_);
  }
  synchronizeDevice(device_);
  Timing t;
  const double copies = options_.arch.estimator == Estimator::Zo ? 2.0 : 1.0;  // + the perturbed copy
  // Forwards an architecture step costs: a forward and backward (≈ 3 forwards);
  // darts2 adds the virtual step, its validation pass and the two passes of the
  // Hessian-vector product (3 each) to its loss forward.
  const double arch_forwards = options_.arch.estimator == Estimator::Darts2 ? 1.0 + 4 * 3.0 : 3.0;
  for (int i = 0; i < steps; ++i) {
    auto [x, y] = batch();
    const auto t0 = std::chrono::steady_clock::now();
    const auto outcome = engine_.step(x, y, next, rng_);
    synchronizeDevice(device_);
    t.seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    // Forward + backward ≈ 3 forwards for each network that trains, plus the
    // architecture step's.
    const double forward = static_cast<double>(engine_.network()->lastForwardMacs());
    t.macs += 3.0 * forward * copies + (outcome.arch ? arch_forwards * forward : 0.0);
  }
  return t;
}

double SearchStepTimer::Timing::totalSeconds() const {
  double total = 0;
  for (double s : seconds) total += s;
  return total;
}

double SearchStepTimer::Timing::medianSeconds() const {
  if (seconds.empty()) return 0;
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  return sorted[sorted.size() / 2];
}

}  // namespace zd
