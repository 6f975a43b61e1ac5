#include "core/search/search_loop.h"

#include "core/common/cuda_device.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/common/progress_throttle.h"
#include "core/data/batch_augment.h"
#include "core/data/device_placement.h"
#include "core/nas/param_count.h"
#include "core/job/archive_io.h"
#include "core/job/epoch_cursor.h"
#include "core/job/observer_tools.h"
#include "core/job/report_failures.h"
#include "core/search/search_engine.h"

#include <torch/torch.h>

#include <chrono>
#include <optional>
#include <thread>

namespace zd {
namespace {

// What the search saves beyond its EpochCursor (the epoch, the weight half's order,
// sums, seconds, generator), so that a resumed run continues mid-epoch exactly.
struct LoopState {
  torch::Tensor arch_order;  // current pass over the architecture half
  int64_t arch_position = 0;
  int64_t total_updates = 0;        // in the run
  double macs = 0, dense_macs = 0;  // computed vs dense conv work in this epoch
};

class Loop {
 public:
  Loop(const SearchOptions& options, const SearchData& data, BudgetBand band, torch::Device device,
       JobObserver& observer, StopToken& stop, std::filesystem::path checkpoint)
      : options_(options), data_(data), device_(device), observer_(observer), stop_(stop),
        checkpoint_(std::move(checkpoint)), engine_(options, supernetOptionsFor(options, data, device), band, device),
        cursor_(options.seed, data.weight_half.size(), options.batch), progress_(device) {
    if (keepDataOnDevice(imageBytes({&data.weight_half, &data.arch_half}), device)) {
      weight_half_ = placedOn(data.weight_half, device);
      arch_half_ = placedOn(data.arch_half, device);
    } else {
      weight_half_ = data.weight_half;
      arch_half_ = data.arch_half;
    }
  }

  SearchResult run(bool resume) {
    if (resume) loadCheckpoint();
    cursor_.startClock();
    emitRunStarted();
    SearchResult result;
    bool cancelled = false;
    for (; cursor_.epoch() < options_.epochs && !cancelled;) {
      const auto s = engine_.beginEpoch(cursor_.epoch());
      if (cursor_.step() == 0 && s.phase == 2 && s.epoch == options_.switch_epoch)
        observer_.onEvent(PhaseChanged{s.epoch, 2});
      cursor_.beginEpoch();
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
    result.seconds = cursor_.runSeconds();
    result.epochs_done = cursor_.epoch();
    RunFinished finished;
    finished.genotype = result.genotype;
    finished.params = result.params;
    finished.argmax_genotype = result.derivation.argmax;
    finished.argmax_params = result.derivation.argmax_params;
    finished.derivation = result.derivation.method;
    finished.changes = result.derivation.changes;
    finished.seconds = result.seconds;
    finished.cancelled = cancelled;
    observer_.onEvent(finished);
    return result;
  }

 private:
  void emitRunStarted() {
    RunStarted e;
    e.device = describeDevice(device_);
    e.weight_images = data_.weight_half.size();
    e.arch_images = data_.arch_half.size();
    e.classes = data_.classes;
    e.channels = data_.weight_half.channels();
    e.epochs = options_.epochs;
    e.steps_per_epoch = cursor_.stepsPerEpoch();
    e.start_epoch = cursor_.epoch();
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
    auto images = augmentBatch(set.images.index_select(0, idx), options_.augment, cursor_.rng());
    auto labels = set.labels.index_select(0, idx);
    return {toDeviceAsync(images, device_), toDeviceAsync(labels, device_)};
  }

  std::pair<torch::Tensor, torch::Tensor> nextArchBatch() {
    const int64_t n = data_.arch_half.size();
    const int64_t b = std::min<int64_t>(options_.batch, n);
    if (!state_.arch_order.defined() || state_.arch_position + b > n) {
      state_.arch_order = permutation(n, cursor_.rng());
      state_.arch_position = 0;
    }
    const auto idx = state_.arch_order.narrow(0, state_.arch_position, b);
    state_.arch_position += b;
    return nextBatch(arch_half_, idx);
  }

  bool runEpoch() {
    cursor_.stepsStarted();
    while (!cursor_.epochDone()) {
      if (!keepGoing(stop_)) {
        cursor_.stepsStopped();
        return false;
      }
      const auto [x, y] = nextBatch(weight_half_, cursor_.batchIndices());
      const auto outcome = engine_.step(
          x, y, [this] { return nextArchBatch(); }, cursor_.rng());
      const auto& w = outcome.weights;
      cursor_.finishStep(w.loss, w.correct, w.count);
      state_.macs += static_cast<double>(outcome.macs);
      state_.dense_macs += static_cast<double>(outcome.dense_macs);
      if (outcome.arch) emitArchUpdate(*outcome.arch);
      if (progress_.due(cursor_.epochDone()))
        observer_.onEvent(StepProgress{cursor_.epoch(), cursor_.step(), cursor_.stepsPerEpoch(),
                                       w.loss.item<double>()});
    }
    cursor_.stepsStopped();
    return true;
  }

  void emitArchUpdate(const ArchStepResult& r) {
    ++state_.total_updates;
    ArchitectureUpdated e;
    e.epoch = cursor_.epoch();
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

  void finishEpoch(const EpochSettings& s) {
    const auto eval = evaluateArchHalf();
    EpochFinished e;
    e.epoch = s.epoch;
    e.phase = s.phase;
    e.train_loss = cursor_.meanLoss();
    e.train_accuracy = cursor_.accuracy();
    e.arch_loss = eval.count ? eval.loss / static_cast<double>(eval.count) : 0;
    e.arch_accuracy = eval.count ? static_cast<double>(eval.correct) / static_cast<double>(eval.count) : 0;
    const Derivation& derived = last_derivation_.emplace(engine_.derive());
    e.genotype = derived.genotype;
    for (const auto& stage : derived.genotype.stages) e.depths.push_back(stage.depth);
    e.derived_params = derived.params;
    e.argmax_genotype = derived.argmax;
    e.argmax_params = derived.argmax_params;
    e.expected_params = engine_.expectedParams();
    e.seconds = cursor_.epochSeconds();
    e.compute_fraction = state_.dense_macs > 0 ? state_.macs / state_.dense_macs : 1.0;
    e.distributions = toEventDistributions(engine_.distributions());
    // Next epoch starts fresh.
    cursor_.nextEpoch();
    state_.macs = state_.dense_macs = 0;
    observer_.onEvent(e);
    const int every = options_.checkpoint_every;
    if (every > 0 && (cursor_.epoch() % every == 0 || cursor_.epoch() == options_.epochs)) saveCheckpoint();
  }

  void saveCheckpoint() {
    if (checkpoint_.empty()) return;
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive engine_archive;
    engine_.save(engine_archive);
    archive.write("engine", engine_archive);
    cursor_.save(archive, "weight_order");
    archive.write("arch_order", state_.arch_order.defined() ? state_.arch_order : torch::empty({0}, torch::kLong));
    writeInt(archive, "arch_position", state_.arch_position);
    writeInt(archive, "total_updates", state_.total_updates);
    writeDouble(archive, "macs", state_.macs);
    writeDouble(archive, "dense_macs", state_.dense_macs);
    saveArchiveAtomically(archive, checkpoint_);
    observer_.onEvent(CheckpointWritten{cursor_.epoch(), checkpoint_.string()});
  }

  void loadCheckpoint() {
    torch::serialize::InputArchive archive;
    loadArchive(archive, checkpoint_, device_);
    try {
      torch::serialize::InputArchive engine_archive;
      archive.read("engine", engine_archive);
      engine_.load(engine_archive);
      cursor_.load(archive, "weight_order", checkpoint_.string());
      archive.read("arch_order", state_.arch_order);
      state_.arch_order = state_.arch_order.to(torch::kCPU);  // the loop's orders live on the host
      if (state_.arch_order.numel() == 0) state_.arch_order = torch::Tensor();
      state_.arch_position = readInt(archive, "arch_position");
      state_.total_updates = readInt(archive, "total_updates");
      state_.macs = readDouble(archive, "macs");
      state_.dense_macs = readDouble(archive, "dense_macs");
    } catch (const c10::Error& e) {
      throw IoError(checkpoint_.string() + ": checkpoint does not match this run's settings or data (" +
                    std::string(e.what_without_backtrace()) + ")");
    }
  }

  SearchOptions options_;
  const SearchData& data_;
  ImageSet weight_half_, arch_half_;  // data_'s halves where the loop reads them (device or host)
  torch::Device device_;
  JobObserver& observer_;
  StopToken& stop_;
  std::filesystem::path checkpoint_;
  SearchEngine engine_;
  EpochCursor cursor_;
  LoopState state_;
  ProgressThrottle progress_;
  std::optional<Derivation> last_derivation_;  // of the last finished epoch
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

SearchResult runSearchLoop(const SearchOptions& options, const SearchData& data, BudgetBand band, torch::Device device,
                           JobObserver& observer, StopToken& stop, const std::filesystem::path& checkpoint,
                           bool resume) {
  if (data.weight_half.size() == 0 || data.arch_half.size() == 0)
    throw DataError("the search needs images in both halves of the training data");
  return reportFailures(observer, [&] {
    Loop loop(options, data, band, device, observer, stop, checkpoint);
    return loop.run(resume);
  });
}

}  // namespace zd
