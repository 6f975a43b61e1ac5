#include "core/search/search_loop.h"

#include "core/common/cuda_device.h"
#include "core/common/device.h"
#include "core/common/device_sum.h"
#include "core/common/error.h"
#include "core/common/progress_throttle.h"
#include "core/data/batch_augment.h"
#include "core/data/device_placement.h"
#include "core/nas/param_count.h"
#include "core/search/checkpoint.h"
#include "core/search/observer_tools.h"
#include "core/search/report_failures.h"
#include "core/search/search_engine.h"

#include <torch/torch.h>

#include <chrono>
#include <optional>
#include <thread>

namespace zd {
namespace {

using Clock = std::chrono::steady_clock;

// A seeded permutation from the search's own generator (identical on every machine).
torch::Tensor permutation(int64_t n, std::mt19937_64& rng) {
  std::vector<int64_t> idx(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) idx[static_cast<size_t>(i)] = i;
  std::shuffle(idx.begin(), idx.end(), rng);
  return torch::tensor(idx, torch::kLong);
}

// Where the loop is inside the run; saved in the checkpoint so that a resumed run
// continues mid-epoch exactly where the interrupted one stopped.
struct LoopState {
  int epoch = 0;
  int step_in_epoch = 0;
  torch::Tensor weight_order;  // this epoch's permutation of the weight half
  torch::Tensor arch_order;    // current pass over the architecture half
  int64_t arch_position = 0;
  double loss_sum = 0;
  int64_t correct = 0, seen = 0;
  // Steps' sums not yet read back from the device (folded in by readPending).
  DeviceSum pending_loss, pending_correct;
  int64_t total_updates = 0;  // in the run
  double epoch_seconds = 0;   // time spent in this epoch before an interruption
  double macs = 0, dense_macs = 0;  // computed vs dense conv work in this epoch
  double run_seconds = 0;     // spent by earlier processes of this run (resume)
};

class Loop {
 public:
  Loop(const SearchOptions& options, const SearchData& data, BudgetBand band, torch::Device device,
       SearchObserver& observer, StopToken& stop, std::filesystem::path checkpoint)
      : options_(options), data_(data), device_(device), observer_(observer), stop_(stop),
        checkpoint_(std::move(checkpoint)),
        engine_(options, supernetOptionsFor(options, data, device), band, device),
        rng_(options.seed), progress_(device) {
    if (keepDataOnDevice(imageBytes({&data.weight_half, &data.arch_half}), device)) {
      weight_half_ = placedOn(data.weight_half, device);
      arch_half_ = placedOn(data.arch_half, device);
    } else {
      weight_half_ = data.weight_half;
      arch_half_ = data.arch_half;
    }
    const int64_t n = data.weight_half.size();
    steps_per_epoch_ = static_cast<int>(std::max<int64_t>(1, (n + options.batch - 1) / options.batch));
  }

  SearchResult run(bool resume) {
    if (resume) loadCheckpoint();
    started_ = Clock::now();
    emitRunStarted();
    SearchResult result;
    bool cancelled = false;
    for (; state_.epoch < options_.epochs && !cancelled; ) {
      const auto s = engine_.beginEpoch(state_.epoch);
      if (state_.step_in_epoch == 0) {
        if (s.phase == 2 && state_.epoch == options_.switch_epoch) observer_.onEvent(PhaseChanged{s.epoch, 2});
        state_.weight_order = permutation(data_.weight_half.size(), rng_);
      }
      observer_.onEvent(EpochStarted{s.epoch, s.phase, s.temperature, s.lr, s.lambda});
      cancelled = !runEpoch();
      if (cancelled) break;
      finishEpoch(s);
    }
    if (cancelled) saveCheckpoint();
    // A run that ended with its last epoch derived it then; a cancelled one moved on since.
    result.derivation = !cancelled && last_derivation_ ? *last_derivation_ : engine_.derive();
    result.genotype = result.derivation.genotype;
    result.params = result.derivation.params;
    result.cancelled = cancelled;
    result.seconds = totalSeconds();
    result.epochs_done = state_.epoch;
    RunFinished finished;
    finished.genotype = result.genotype.toString();
    finished.params = result.params;
    finished.argmax_genotype = result.derivation.argmax.toString();
    finished.argmax_params = result.derivation.argmax_params;
    finished.derivation = result.derivation.method;
    finished.changes = result.derivation.changes;
    finished.seconds = result.seconds;
    finished.cancelled = cancelled;
    observer_.onEvent(finished);
    return result;
  }

 private:
  double totalSeconds() const { return state_.run_seconds + secondsSince(started_); }

  static double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  }

  void emitRunStarted() {
    RunStarted e;
    e.device = describeDevice(device_);
    e.weight_images = data_.weight_half.size();
    e.arch_images = data_.arch_half.size();
    e.classes = data_.classes;
    e.channels = data_.weight_half.channels();
    e.epochs = options_.epochs;
    e.steps_per_epoch = steps_per_epoch_;
    e.start_epoch = state_.epoch;
    e.min_params = engine_.band().min;
    e.max_params = engine_.band().max;
    e.supernet_params = countSupernetParams();
    observer_.onEvent(e);
  }

  int64_t countSupernetParams() {
    int64_t total = 0;
    for (const auto& p : engine_.network()->parameters()) total += p.numel();
    return total;
  }

  // The batch at `indices` (host int64), augmented where the set lives.
  std::pair<torch::Tensor, torch::Tensor> nextBatch(const ImageSet& set, const torch::Tensor& indices) {
    const auto idx = toDeviceAsync(indices, set.images.device());
    auto images = augmentBatch(set.images.index_select(0, idx), options_.augment, rng_);
    auto labels = set.labels.index_select(0, idx);
    return {toDeviceAsync(images, device_), toDeviceAsync(labels, device_)};
  }

  std::pair<torch::Tensor, torch::Tensor> nextArchBatch() {
    const int64_t n = data_.arch_half.size();
    const int64_t b = std::min<int64_t>(options_.batch, n);
    if (!state_.arch_order.defined() || state_.arch_position + b > n) {
      state_.arch_order = permutation(n, rng_);
      state_.arch_position = 0;
    }
    const auto idx = state_.arch_order.narrow(0, state_.arch_position, b);
    state_.arch_position += b;
    return nextBatch(arch_half_, idx);
  }

  bool runEpoch() {
    const int64_t n = data_.weight_half.size();
    const auto epoch_start = Clock::now();
    const double carried = state_.epoch_seconds;
    for (; state_.step_in_epoch < steps_per_epoch_; ++state_.step_in_epoch) {
      if (!keepGoing(stop_)) {
        state_.epoch_seconds = carried + secondsSince(epoch_start);
        return false;
      }
      const int64_t begin = static_cast<int64_t>(state_.step_in_epoch) * options_.batch;
      const auto idx = state_.weight_order.narrow(0, begin, std::min<int64_t>(options_.batch, n - begin));
      const auto [x, y] = nextBatch(weight_half_, idx);
      const auto outcome = engine_.step(x, y, [this] { return nextArchBatch(); }, rng_);
      const auto& w = outcome.weights;
      state_.pending_loss.add(w.loss.to(torch::kDouble) * static_cast<double>(w.count));
      state_.pending_correct.add(w.correct);
      state_.seen += w.count;
      state_.macs += static_cast<double>(outcome.macs);
      state_.dense_macs += static_cast<double>(outcome.dense_macs);
      if (outcome.arch) emitArchUpdate(*outcome.arch);
      const bool last = state_.step_in_epoch + 1 == steps_per_epoch_;
      if (progress_.due(last))
        observer_.onEvent(StepProgress{state_.epoch, state_.step_in_epoch + 1, steps_per_epoch_, w.loss.item<double>()});
    }
    state_.epoch_seconds = carried + secondsSince(epoch_start);
    return true;
  }

  void emitArchUpdate(const ArchStepResult& r) {
    ++state_.total_updates;
    ArchitectureUpdated e;
    e.epoch = state_.epoch;
    e.update = state_.total_updates;
    e.distributions = toEventDistributions(engine_.distributions());
    e.expected_params = r.expected_params;
    e.penalty = r.penalty;
    e.arch_loss = r.loss;
    observer_.onEvent(e);
  }

  // Accuracy of the supernet on the whole architecture half (no augmentation).
  BatchResult evaluateArchHalf() {
    BatchResult total;
    const auto& set = arch_half_;
    for (int64_t begin = 0; begin < set.size(); begin += options_.batch) {
      const int64_t b = std::min<int64_t>(options_.batch, set.size() - begin);
      const auto x = toDeviceAsync(toFloatImages(set.images.narrow(0, begin, b)), device_);
      const auto y = toDeviceAsync(set.labels.narrow(0, begin, b), device_);
      const auto r = engine_.evaluate(x, y);
      total.loss += r.loss;
      total.correct += r.correct;
      total.count += r.count;
    }
    return total;
  }

  // Adds the device's pending sums to the host's (waits for the device).
  void readPending() {
    state_.loss_sum += state_.pending_loss.take();
    state_.correct += static_cast<int64_t>(state_.pending_correct.take());  // exact below 2^53
  }

  void finishEpoch(const EpochSettings& s) {
    readPending();
    const auto eval = evaluateArchHalf();
    EpochFinished e;
    e.epoch = s.epoch;
    e.phase = s.phase;
    e.train_loss = state_.seen ? state_.loss_sum / static_cast<double>(state_.seen) : 0;
    e.train_accuracy = state_.seen ? static_cast<double>(state_.correct) / static_cast<double>(state_.seen) : 0;
    e.arch_loss = eval.count ? eval.loss / static_cast<double>(eval.count) : 0;
    e.arch_accuracy = eval.count ? static_cast<double>(eval.correct) / static_cast<double>(eval.count) : 0;
    const Derivation& derived = last_derivation_.emplace(engine_.derive());
    e.genotype = derived.genotype.toString();
    for (const auto& stage : derived.genotype.stages) e.depths.push_back(stage.depth);
    e.derived_params = derived.params;
    e.argmax_genotype = derived.argmax.toString();
    e.argmax_params = derived.argmax_params;
    e.expected_params = engine_.expectedParams();
    e.seconds = state_.epoch_seconds;
    e.compute_fraction = state_.dense_macs > 0 ? state_.macs / state_.dense_macs : 1.0;
    e.distributions = toEventDistributions(engine_.distributions());
    // Next epoch starts fresh.
    state_.epoch += 1;
    state_.step_in_epoch = 0;
    state_.loss_sum = 0;
    state_.correct = state_.seen = 0;
    state_.epoch_seconds = 0;
    state_.macs = state_.dense_macs = 0;
    observer_.onEvent(e);
    const int every = options_.checkpoint_every;
    if (every > 0 && (state_.epoch % every == 0 || state_.epoch == options_.epochs)) saveCheckpoint();
  }

  void saveCheckpoint() {
    if (checkpoint_.empty()) return;
    readPending();
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive engine_archive;
    engine_.save(engine_archive);
    archive.write("engine", engine_archive);
    writeInt(archive, "epoch", state_.epoch);
    writeInt(archive, "step_in_epoch", state_.step_in_epoch);
    archive.write("weight_order", state_.weight_order.defined() ? state_.weight_order : torch::empty({0}, torch::kLong));
    archive.write("arch_order", state_.arch_order.defined() ? state_.arch_order : torch::empty({0}, torch::kLong));
    writeInt(archive, "arch_position", state_.arch_position);
    writeDouble(archive, "loss_sum", state_.loss_sum);
    writeInt(archive, "correct", state_.correct);
    writeInt(archive, "seen", state_.seen);
    writeInt(archive, "total_updates", state_.total_updates);
    writeDouble(archive, "epoch_seconds", state_.epoch_seconds);
    writeDouble(archive, "run_seconds", totalSeconds());
    writeDouble(archive, "macs", state_.macs);
    writeDouble(archive, "dense_macs", state_.dense_macs);
    writeRng(archive, "rng", rng_);
    saveArchiveAtomically(archive, checkpoint_);
    observer_.onEvent(CheckpointWritten{state_.epoch, checkpoint_.string()});
  }

  void loadCheckpoint() {
    torch::serialize::InputArchive archive;
    loadArchive(archive, checkpoint_, device_);
    try {
      torch::serialize::InputArchive engine_archive;
      archive.read("engine", engine_archive);
      engine_.load(engine_archive);
      state_.epoch = static_cast<int>(readInt(archive, "epoch"));
      state_.step_in_epoch = static_cast<int>(readInt(archive, "step_in_epoch"));
      archive.read("weight_order", state_.weight_order);
      archive.read("arch_order", state_.arch_order);
      state_.weight_order = state_.weight_order.to(torch::kCPU);  // the loop's orders live on the host
      state_.arch_order = state_.arch_order.to(torch::kCPU);
      if (state_.weight_order.numel() == 0) state_.weight_order = torch::Tensor();
      if (state_.arch_order.numel() == 0) state_.arch_order = torch::Tensor();
      state_.arch_position = readInt(archive, "arch_position");
      state_.loss_sum = readDouble(archive, "loss_sum");
      state_.correct = readInt(archive, "correct");
      state_.seen = readInt(archive, "seen");
      state_.total_updates = readInt(archive, "total_updates");
      state_.epoch_seconds = readDouble(archive, "epoch_seconds");
      state_.run_seconds = readDouble(archive, "run_seconds");
      state_.macs = readDouble(archive, "macs");
      state_.dense_macs = readDouble(archive, "dense_macs");
      readRng(archive, "rng", rng_);
    } catch (const c10::Error& e) {
      throw IoError(checkpoint_.string() + ": checkpoint does not match this run's settings or data (" +
                    std::string(e.what_without_backtrace()) + ")");
    }
    if (state_.weight_order.defined() && state_.weight_order.size(0) != data_.weight_half.size())
      throw IoError(checkpoint_.string() + ": checkpoint was written for a different data set");
  }

  SearchOptions options_;
  const SearchData& data_;
  ImageSet weight_half_, arch_half_;  // data_'s halves where the loop reads them (device or host)
  torch::Device device_;
  SearchObserver& observer_;
  StopToken& stop_;
  std::filesystem::path checkpoint_;
  SearchEngine engine_;
  std::mt19937_64 rng_;
  LoopState state_;
  ProgressThrottle progress_;
  std::optional<Derivation> last_derivation_;  // of the last finished epoch
  int steps_per_epoch_ = 1;
  Clock::time_point started_ = Clock::now();
};

}  // namespace

SupernetOptions supernetOptionsFor(const SearchOptions& o, const SearchData& d, const torch::Device& device) {
  SupernetOptions n;
  n.in_channels = d.weight_half.channels();
  n.classes = d.classes;
  n.channels = o.network.channels;
  n.cells = o.network.cells;
  n.skip_zero_ops = o.skip_zero_ops;
  n.channels_last = useChannelsLast(o.memory_format, device);
  return n;
}

SearchResult runSearchLoop(const SearchOptions& options, const SearchData& data, BudgetBand band,
                           torch::Device device, SearchObserver& observer, StopToken& stop,
                           const std::filesystem::path& checkpoint, bool resume) {
  if (data.weight_half.size() == 0 || data.arch_half.size() == 0)
    throw DataError("the search needs images in both halves of the training data");
  return reportFailures(observer, [&] {
    Loop loop(options, data, band, device, observer, stop, checkpoint);
    return loop.run(resume);
  });
}

}  // namespace zd
