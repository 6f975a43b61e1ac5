#include "core/bench/search_bench.h"

#include "core/bench/search_step_timer.h"
#include "core/common/cuda_device.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/data/batch_augment.h"
#include "core/data/device_placement.h"
#include "core/nas/check_genotype.h"
#include "core/nas/discrete_network.h"
#include "core/search/search_engine.h"
#include "core/train/batch_mixing.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <fstream>

namespace zd {
namespace {

using Clock = std::chrono::steady_clock;

double peakRssMib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// Median GMAC/s of one convolution forward + backward (3 × its forward MACs).
double convolutionGmacPerSecond(const torch::Device& device, int64_t batch, int64_t channels, int64_t size,
                                int64_t kernel) {
  const auto options = torch::TensorOptions().device(device);
  auto x = torch::randn({batch, channels, size, size}, options).requires_grad_(true);
  auto w = torch::randn({channels, channels, kernel, kernel}, options).requires_grad_(true);
  const double macs = 3.0 * static_cast<double>(batch * channels * channels * kernel * kernel * size * size);
  std::vector<double> times;
  for (int i = 0; i < 7; ++i) {
    const auto t0 = Clock::now();
    torch::conv2d(x, w, {}, 1, kernel / 2).sum().backward();
    synchronizeDevice(device);
    if (i >= 2) times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return macs / times[times.size() / 2] / 1e9;
}

// The ceiling: the best of two large convolutions (3×3 and 7×7), the most this
// LibTorch reaches on this machine.
double rooflineGmacPerSecond(const torch::Device& device) {
  return std::max(convolutionGmacPerSecond(device, /*batch=*/32, /*channels=*/128, /*size=*/32, /*kernel=*/3),
                  convolutionGmacPerSecond(device, /*batch=*/32, /*channels=*/64, /*size=*/16, /*kernel=*/7));
}

// Sets A so that sparsemax keeps exactly 2 ops on every edge, 1 kernel size and
// the full depth: what a search looks like once the temperature has annealed.
void makeSparse(Architecture& arch, std::mt19937_64& rng) {
  torch::NoGradGuard no_grad;
  arch.alpha.fill_(-10.0);
  arch.beta.fill_(-10.0);
  arch.gamma.fill_(-10.0);
  std::uniform_int_distribution<int> op(1, kOps - 1), kernel(0, kKernels - 1);
  for (int64_t r = 0; r < arch.alpha.size(0); ++r) {
    const int a = op(rng);
    int b = op(rng);
    while (b == a) b = op(rng);
    arch.alpha[r][a] = 1.0;
    arch.alpha[r][b] = 1.0;
    arch.beta[r][kernel(rng)] = 1.0;
  }
  arch.gamma.select(1, arch.gamma.size(1) - 1).fill_(1.0);
}

enum class Setting { Phase1, Phase2, Sparse };

SearchOptions searchOptionsOf(const BenchOptions& o) {
  SearchOptions options;
  options.network.channels = o.channels;
  options.network.cells = o.cells;
  options.batch = o.batch;
  options.seed = o.seed;
  options.skip_zero_ops = o.skip_zero_ops;
  options.parallel_copies = o.parallel_copies;
  options.augment.resize = o.resize;
  options.precision = o.precision;
  if (o.estimator == Estimator::Random)
    throw ConfigError("--estimator random: the random method draws an architecture and times no search step");
  options.arch.estimator = o.estimator;
  return options;
}

nlohmann::json timeSetting(const BenchOptions& o, Setting setting, const torch::Device& device) {
  const SearchOptions options = searchOptionsOf(o);
  const bool phase2 = setting != Setting::Phase1;
  SupernetOptions network;
  network.in_channels = o.in_channels;
  network.classes = o.classes;
  network.channels = o.channels;
  network.cells = o.cells;
  network.skip_zero_ops = o.skip_zero_ops;
  network.channels_last = useChannelsLast(o.memory_format, device);
  // An active band the expected size lies outside of, so the penalty's gradient runs.
  SearchStepTimer timer(options, network, BudgetBand{0, 1000}, {o.in_channels, o.classes, o.image_size}, device);
  timer.engine().beginEpoch(phase2 ? options.switch_epoch : 0);
  if (setting == Setting::Sparse) {
    // With T as low as at the end of a run, these logits give exactly 2 ops.
    makeSparse(timer.engine().architecture(), timer.rng());
  }
  const int rounds = options.arch.rounds;
  const int steps = (std::max(o.steps, 1) + rounds - 1) / rounds * rounds;
  const int warmup = o.warmup_steps >= 0 ? o.warmup_steps : rounds;  // one whole round by default
  const auto timing = timer.run(warmup, steps);
  const double total = timing.totalSeconds(), macs = timing.macs;
  nlohmann::json j;
  j["steps"] = steps;
  j["images_per_s"] = static_cast<double>(steps) * o.batch / total;
  // The reference's loader (xautodl's SearchDataset) yields a weight and an
  // architecture batch on every step, so counted its way a step moves 2B images.
  j["images_per_s_reference_counting"] = 2.0 * static_cast<double>(steps) * o.batch / total;
  j["ms_per_step"] = 1000.0 * total / steps;
  j["median_ms_per_step"] = 1000.0 * timing.medianSeconds();
  j["gmac_per_step"] = macs / steps / 1e9;
  j["gmac_per_s"] = macs / total / 1e9;
  return j;
}

// Retraining steps exactly as the Trainer takes them (§7 defaults: augmentation,
// mixup/CutMix, label smoothing 0.1, SGD with momentum and weight decay, clip 5).
nlohmann::json timeTraining(const BenchOptions& o, const torch::Device& device) {
  TrainOptions t;
  t.channels = o.channels;
  t.batch = o.train_batch;
  t.augment.resize = o.resize;
  torch::manual_seed(o.seed);
  DiscreteNetwork net(checkGenotype(), DiscreteNetworkOptions{o.in_channels, o.classes, o.channels});
  net->to(device);
  net->train();
  torch::optim::SGD sgd(net->parameters(),
                        torch::optim::SGDOptions(t.lr).momentum(t.momentum).weight_decay(t.weight_decay));
  std::mt19937_64 rng(o.seed);
  const int64_t pool = std::max<int64_t>(2 * t.batch, 64);
  ImageSet images{torch::randint(0, 256, {pool, o.in_channels, o.image_size, o.image_size}, torch::kUInt8),
                  torch::randint(0, o.classes, {pool}, torch::kLong)};
  if (o.resize > 0) images = resizeImages(images, o.resize);
  images = placedOn(images, device);
  auto step = [&]() {
    const auto idx = toDeviceAsync(torch::randint(0, pool, {t.batch}, torch::kLong), device);
    const auto x = augmentBatch(images.images.index_select(0, idx), t.augment, rng);
    const auto batch = mixBatch(x, images.labels.index_select(0, idx), t, rng);
    sgd.zero_grad();
    const auto loss = mixedLoss(net->forward(batch.images), batch, t.label_smoothing);
    loss.backward();
    clipGradientNorm(net->parameters(), t.grad_clip);
    sgd.step();
    return loss.detach();  // no host read, as in the Trainer
  };
  const int warmup = o.warmup_steps >= 0 ? o.warmup_steps : 3;
  for (int i = 0; i < warmup; ++i) step();
  synchronizeDevice(device);
  std::vector<double> step_seconds;
  for (int i = 0; i < std::max(o.steps, 1); ++i) {
    const auto t0 = Clock::now();
    step();
    synchronizeDevice(device);
    step_seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  double total = 0;
  for (double s : step_seconds) total += s;
  std::sort(step_seconds.begin(), step_seconds.end());
  const auto steps = static_cast<double>(step_seconds.size());
  nlohmann::json j;
  j["steps"] = step_seconds.size();
  j["batch"] = t.batch;
  j["params"] = countParameters(*net);
  j["genotype"] = "ALGORITHM.md section 5 check genotype (depths 1, 2, 3)";
  j["images_per_s"] = steps * t.batch / total;
  j["ms_per_step"] = 1000.0 * total / steps;
  j["median_ms_per_step"] = 1000.0 * step_seconds[step_seconds.size() / 2];
  return j;
}

}  // namespace

nlohmann::json runSearchBench(const BenchOptions& o) {
  const int threads = configureThreads(o.threads);
  const auto device = resolveDevice(o.device);
  configureCudnn(o.cudnn_benchmark);
  resetPeakMemory(device);
  nlohmann::json out;
  // The ceiling is measured before and after the timed settings and the higher
  // kept: on a shared machine one measurement alone fell as low as 46 GMAC/s
  // where others reached 75.
  const double roofline_before = rooflineGmacPerSecond(device);
  const auto wanted = [&o](const char* name) { return o.only.empty() || o.only == name; };
  if (wanted("phase1")) out["phase1"] = timeSetting(o, Setting::Phase1, device);
  if (wanted("phase2")) out["phase2"] = timeSetting(o, Setting::Phase2, device);
  if (wanted("sparse")) out["sparse"] = timeSetting(o, Setting::Sparse, device);
  if (wanted("train")) out["train"] = timeTraining(o, device);
  const double roofline = std::max(roofline_before, rooflineGmacPerSecond(device));
  out["roofline_gmac_per_s"] = roofline;
  if (out.contains("sparse") && out.contains("phase2"))
    out["sparse_vs_phase2_time"] = out["sparse"]["ms_per_step"].get<double>() /
                                   out["phase2"]["ms_per_step"].get<double>();
  for (const char* phase : {"phase1", "phase2"})
    if (out.contains(phase))
      out[std::string(phase) + "_vs_roofline"] = out[phase]["gmac_per_s"].get<double>() / roofline;
  out["peak_rss_mib"] = peakRssMib();
  if (device.is_cuda()) {
    for (const auto& g : listGpus())
      if (g.index == device.index()) {
        out["gpu_name"] = g.name;
        out["gpu_memory_mib"] = g.total_bytes >> 20;
      }
    out["peak_gpu_mem_mib"] = static_cast<double>(peakDeviceBytes(device)) / (1 << 20);
  }
  out["settings"] = {{"channels", o.channels},
                     {"cells", o.cells},
                     {"batch", o.batch},
                     {"classes", o.classes},
                     {"image_size", o.image_size},
                     {"resize", o.resize},
                     {"in_channels", o.in_channels},
                     {"skip_zero_ops", o.skip_zero_ops},
                     {"memory_format", useChannelsLast(o.memory_format, device) ? "channels_last" : "contiguous"},
                     {"train_batch", o.train_batch},
                     {"parallel_copies", trainsCopiesSideBySide(searchOptionsOf(o), device.is_cpu(), threads)},
                     {"precision", nameOf(o.precision)},
                     {"estimator", nameOf(o.estimator)},
                     {"cudnn_benchmark", device.is_cuda() && o.cudnn_benchmark},
                     {"device", describeDevice(device)},
                     {"threads", threads},
                     {"torch_version", TORCH_VERSION}};
  return out;
}

}  // namespace zd
