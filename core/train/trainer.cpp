#include "core/train/trainer.h"

#include "core/common/cuda_device.h"
#include "core/common/device.h"
#include "core/common/device_sum.h"
#include "core/common/error.h"
#include "core/common/progress_throttle.h"
#include "core/data/batch_augment.h"
#include "core/data/device_placement.h"
#include "core/search/checkpoint.h"
#include "core/search/observer_tools.h"
#include "core/search/report_failures.h"
#include "core/search/weight_step.h"
#include "core/train/batch_mixing.h"
#include "core/train/inference.h"
#include "core/train/lr_schedule.h"
#include "core/train/module_state.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>

namespace zd {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

torch::Tensor permutation(int64_t n, std::mt19937_64& rng) {
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), int64_t{0});
  std::shuffle(idx.begin(), idx.end(), rng);
  return torch::tensor(idx, torch::kLong);
}

// Curves travel in the checkpoint as a double tensor, one row per epoch.
constexpr int kCurveColumns = 9;

torch::Tensor curvesToTensor(const std::vector<TrainEpochFinished>& curves) {
  auto t = torch::zeros({static_cast<int64_t>(curves.size()), kCurveColumns}, torch::kDouble);
  auto a = t.accessor<double, 2>();
  for (size_t i = 0; i < curves.size(); ++i) {
    const auto& c = curves[i];
    const double row[kCurveColumns] = {double(c.epoch), c.lr, c.train_loss, c.train_accuracy, c.val_loss,
                                       c.val_accuracy, double(c.best_epoch), c.best_val_accuracy, c.seconds};
    for (int k = 0; k < kCurveColumns; ++k) a[static_cast<int64_t>(i)][k] = row[k];
  }
  return t;
}

std::vector<TrainEpochFinished> curvesFromTensor(const torch::Tensor& t) {
  std::vector<TrainEpochFinished> out;
  if (t.dim() != 2 || t.size(1) != kCurveColumns) return out;
  const auto d = t.to(torch::kCPU, torch::kDouble).contiguous();
  auto a = d.accessor<double, 2>();
  for (int64_t i = 0; i < d.size(0); ++i) {
    TrainEpochFinished c;
    c.epoch = static_cast<int>(a[i][0]);
    c.lr = a[i][1];
    c.train_loss = a[i][2];
    c.train_accuracy = a[i][3];
    c.val_loss = a[i][4];
    c.val_accuracy = a[i][5];
    c.best_epoch = static_cast<int>(a[i][6]);
    c.best_val_accuracy = a[i][7];
    c.seconds = a[i][8];
    out.push_back(c);
  }
  return out;
}

// Where the loop is inside the run; saved so that a resumed run continues mid-epoch.
struct LoopState {
  int epoch = 0;
  int step_in_epoch = 0;
  torch::Tensor order;        // this epoch's permutation of the train split
  double loss_sum = 0;        // Σ loss · batch size in this epoch
  double correct = 0;         // λ-weighted correct predictions in this epoch
  // Steps' sums not yet read back from the device (folded in by readPending).
  DeviceSum pending_loss, pending_correct;
  int64_t seen = 0;
  double epoch_seconds = 0;   // spent in this epoch before an interruption
  double run_seconds = 0;     // spent by earlier processes of this run
  int best_epoch = -1;
  double best_accuracy = -1;
  std::vector<torch::Tensor> best_state;
  std::vector<TrainEpochFinished> curves;
};

class Loop {
 public:
  Loop(const TrainOptions& o, const Genotype& genotype, const TrainData& data, torch::Device device,
       SearchObserver& observer, StopToken& stop, std::filesystem::path checkpoint, std::filesystem::path curves)
      : o_(o), data_(data), device_(device), observer_(observer), stop_(stop), checkpoint_(std::move(checkpoint)),
        curves_(std::move(curves)), rng_(o.seed), progress_(device) {
    const bool on_device = keepDataOnDevice(imageBytes({&data.train, &data.val}), device);
    train_ = on_device ? placedOn(data.train, device) : data.train;
    val_images_ = on_device ? placedOn(data.val, device).images : data.val.images;
    torch::manual_seed(o.seed);  // the weight initialisation
    DiscreteNetworkOptions n;
    n.in_channels = data.train.channels();
    n.classes = data.classes;
    n.channels = o.channels;
    net_ = DiscreteNetwork(genotype, n);
    net_->to(device_);
    torch::optim::SGDOptions sgd(o.lr);
    sgd.momentum(o.momentum).nesterov(o.nesterov).weight_decay(o.weight_decay);
    optimizer_ = std::make_unique<torch::optim::SGD>(net_->parameters(), sgd);
    steps_per_epoch_ = static_cast<int>((data.train.size() + o.batch - 1) / o.batch);
  }

  TrainResult run(bool resume) {
    if (resume) loadCheckpoint();
    started_ = Clock::now();
    emitStarted();
    bool cancelled = false;
    while (state_.epoch < o_.epochs) {
      if (state_.step_in_epoch == 0) state_.order = permutation(data_.train.size(), rng_);
      setLearningRate(*optimizer_, trainLrAt(o_, state_.epoch));
      if (!runEpoch()) {
        cancelled = true;
        break;
      }
      finishEpoch();
    }
    if (cancelled) saveCheckpoint();
    TrainResult r;
    r.cancelled = cancelled;
    r.epochs_done = state_.epoch;
    r.curves = state_.curves;
    r.seconds = state_.run_seconds + secondsSince(started_);
    r.best_epoch = state_.best_epoch;
    r.best_val_accuracy = state_.best_accuracy;
    if (!state_.best_state.empty()) restoreState(*net_, state_.best_state);
    net_->eval();
    r.network = net_;
    observer_.onEvent(TrainFinished{r.best_epoch, r.best_val_accuracy, r.epochs_done, r.seconds, cancelled});
    return r;
  }

 private:
  void emitStarted() {
    TrainStarted e;
    e.device = describeDevice(device_);
    e.genotype = net_->genotype().toString();
    e.params = countParameters(*net_);
    e.train_images = data_.train.size();
    e.val_images = data_.val.size();
    e.classes = data_.classes;
    e.channels = data_.train.channels();
    e.epochs = o_.epochs;
    e.steps_per_epoch = steps_per_epoch_;
    e.start_epoch = state_.epoch;
    observer_.onEvent(e);
  }

  bool runEpoch() {
    const int64_t n = data_.train.size();
    const auto epoch_start = Clock::now();
    const double carried = state_.epoch_seconds;
    net_->train();
    for (; state_.step_in_epoch < steps_per_epoch_; ++state_.step_in_epoch) {
      if (!keepGoing(stop_)) {
        state_.epoch_seconds = carried + secondsSince(epoch_start);
        return false;
      }
      const int64_t begin = static_cast<int64_t>(state_.step_in_epoch) * o_.batch;
      const auto idx = state_.order.narrow(0, begin, std::min<int64_t>(o_.batch, n - begin));
      const auto loss = step(idx);
      if (progress_.due(state_.step_in_epoch + 1 == steps_per_epoch_))
        observer_.onEvent(StepProgress{state_.epoch, state_.step_in_epoch + 1, steps_per_epoch_, loss.item<double>()});
    }
    state_.epoch_seconds = carried + secondsSince(epoch_start);
    return true;
  }

  // One SGD step on the images at `idx` (host); returns the batch's loss, on the device.
  torch::Tensor step(const torch::Tensor& indices) {
    const auto idx = toDeviceAsync(indices, train_.images.device());
    const auto x = toDeviceAsync(augmentBatch(train_.images.index_select(0, idx), o_.augment, rng_), device_);
    const auto y = toDeviceAsync(train_.labels.index_select(0, idx), device_);
    const MixedBatch batch = mixBatch(x, y, o_, rng_);
    optimizer_->zero_grad();
    const auto logits = net_->forward(batch.images);
    const auto loss = mixedLoss(logits, batch, o_.label_smoothing);
    loss.backward();
    if (o_.grad_clip > 0) clipGradientNorm(net_->parameters(), o_.grad_clip);
    optimizer_->step();
    const auto predicted = logits.detach().argmax(1);
    const auto correct = batch.lambda * predicted.eq(batch.labels_a).sum().to(torch::kDouble) +
                         (1.0 - batch.lambda) * predicted.eq(batch.labels_b).sum().to(torch::kDouble);
    const auto value = loss.detach();
    const auto count = idx.size(0);
    state_.pending_loss.add(value.to(torch::kDouble) * static_cast<double>(count));
    state_.pending_correct.add(correct);
    state_.seen += count;
    return value;
  }

  // Adds the device's pending sums to the host's (waits for the device).
  void readPending() {
    state_.loss_sum += state_.pending_loss.take();
    state_.correct += state_.pending_correct.take();
  }

  void finishEpoch() {
    readPending();
    TrainEpochFinished e;
    e.epoch = state_.epoch;
    e.lr = trainLrAt(o_, state_.epoch);
    e.train_loss = state_.seen ? state_.loss_sum / static_cast<double>(state_.seen) : 0;
    e.train_accuracy = state_.seen ? state_.correct / static_cast<double>(state_.seen) : 0;
    if (data_.val.size() > 0) {
      const auto v = evaluateLogits(predictLogits(net_, val_images_, o_.batch, device_), data_.val.labels);
      e.val_loss = v.loss;
      e.val_accuracy = v.accuracy;
    } else {
      e.val_loss = e.val_accuracy = std::numeric_limits<double>::quiet_NaN();
    }
    // Strictly better only, so ties keep the earlier epoch; without a validation
    // split every epoch counts as better, and the last one is kept.
    if (data_.val.size() == 0 || e.val_accuracy > state_.best_accuracy) {
      state_.best_epoch = e.epoch;
      state_.best_accuracy = data_.val.size() > 0 ? e.val_accuracy : std::numeric_limits<double>::quiet_NaN();
      state_.best_state = cloneState(*net_);
    }
    e.best_epoch = state_.best_epoch;
    e.best_val_accuracy = state_.best_accuracy;
    e.seconds = state_.epoch_seconds;
    state_.curves.push_back(e);
    state_.epoch += 1;
    state_.step_in_epoch = 0;
    state_.loss_sum = state_.correct = 0;
    state_.seen = 0;
    state_.epoch_seconds = 0;
    if (!curves_.empty()) writeCurvesCsv(curves_, state_.curves);
    observer_.onEvent(e);
    const int every = o_.checkpoint_every;
    if (every > 0 && (state_.epoch % every == 0 || state_.epoch == o_.epochs)) saveCheckpoint();
  }

  void saveCheckpoint() {
    if (checkpoint_.empty()) return;
    readPending();
    torch::serialize::OutputArchive archive, net_archive, sgd_archive, best_archive;
    net_->save(net_archive);
    archive.write("network", net_archive);
    optimizer_->save(sgd_archive);
    archive.write("sgd", sgd_archive);
    for (size_t i = 0; i < state_.best_state.size(); ++i)
      best_archive.write("t" + std::to_string(i), state_.best_state[i]);
    archive.write("best", best_archive);
    writeInt(archive, "best_tensors", static_cast<int64_t>(state_.best_state.size()));
    writeInt(archive, "best_epoch", state_.best_epoch);
    writeDouble(archive, "best_accuracy", state_.best_accuracy);
    writeInt(archive, "epoch", state_.epoch);
    writeInt(archive, "step_in_epoch", state_.step_in_epoch);
    archive.write("order", state_.order.defined() ? state_.order : torch::empty({0}, torch::kLong));
    writeDouble(archive, "loss_sum", state_.loss_sum);
    writeDouble(archive, "correct", state_.correct);
    writeInt(archive, "seen", state_.seen);
    writeDouble(archive, "epoch_seconds", state_.epoch_seconds);
    writeDouble(archive, "run_seconds", state_.run_seconds + secondsSince(started_));
    archive.write("curves", curvesToTensor(state_.curves));
    writeInt(archive, "train_images", data_.train.size());
    writeRng(archive, "rng", rng_);
    saveArchiveAtomically(archive, checkpoint_);
    observer_.onEvent(CheckpointWritten{state_.epoch, checkpoint_.string()});
  }

  void loadCheckpoint() {
    torch::serialize::InputArchive archive;
    loadArchive(archive, checkpoint_, device_);
    const std::string what = checkpoint_.string();
    try {
      if (readInt(archive, "train_images") != data_.train.size())
        throw IoError(what + ": the checkpoint was written for a different data set");
      torch::serialize::InputArchive net_archive, sgd_archive, best_archive;
      archive.read("network", net_archive);
      readModuleStrict(*net_, net_archive, what);
      archive.read("sgd", sgd_archive);
      optimizer_->load(sgd_archive);
      archive.read("best", best_archive);
      state_.best_state.clear();
      const int64_t best_tensors = readInt(archive, "best_tensors");
      for (int64_t i = 0; i < best_tensors; ++i) {
        torch::Tensor t;  // fresh: reading into a defined tensor reinterprets it
        best_archive.read("t" + std::to_string(i), t);
        state_.best_state.push_back(t.to(device_));
      }
      state_.best_epoch = static_cast<int>(readInt(archive, "best_epoch"));
      state_.best_accuracy = readDouble(archive, "best_accuracy");
      state_.epoch = static_cast<int>(readInt(archive, "epoch"));
      state_.step_in_epoch = static_cast<int>(readInt(archive, "step_in_epoch"));
      archive.read("order", state_.order);
      state_.order = state_.order.to(torch::kCPU);
      if (state_.order.numel() == 0) state_.order = torch::Tensor();
      state_.loss_sum = readDouble(archive, "loss_sum");
      state_.correct = readDouble(archive, "correct");
      state_.seen = readInt(archive, "seen");
      state_.epoch_seconds = readDouble(archive, "epoch_seconds");
      state_.run_seconds = readDouble(archive, "run_seconds");
      torch::Tensor curves;
      archive.read("curves", curves);
      state_.curves = curvesFromTensor(curves);
      readRng(archive, "rng", rng_);
    } catch (const c10::Error& e) {
      throw IoError(what + ": checkpoint does not match this training's settings (" +
                    std::string(e.what_without_backtrace()) + ")");
    } catch (const DataError& e) {
      throw IoError(what + ": checkpoint does not match this training's genotype (" + std::string(e.what()) + ")");
    }
    if (state_.step_in_epoch > 0 && (!state_.order.defined() || state_.order.size(0) != data_.train.size()))
      throw IoError(what + ": the checkpoint was written for a different data set");
    if (!state_.best_state.empty()) restoreStateCheck();
  }

  // The saved best weights must fit the network; restoring into a scratch copy of the
  // current state checks it without disturbing the live weights.
  void restoreStateCheck() {
    const auto live = cloneState(*net_);
    restoreState(*net_, state_.best_state);
    restoreState(*net_, live);
  }

  TrainOptions o_;
  const TrainData& data_;
  torch::Device device_;
  SearchObserver& observer_;
  StopToken& stop_;
  std::filesystem::path checkpoint_;
  std::filesystem::path curves_;
  std::mt19937_64 rng_;
  DiscreteNetwork net_{nullptr};
  std::unique_ptr<torch::optim::SGD> optimizer_;
  ProgressThrottle progress_;
  ImageSet train_;            // data_.train where the steps read it (device or host)
  torch::Tensor val_images_;  // data_.val's images, likewise
  LoopState state_;
  int steps_per_epoch_ = 1;
  Clock::time_point started_ = Clock::now();
};

}  // namespace

Trainer::Trainer(TrainOptions options, Genotype genotype, torch::Device device, std::filesystem::path checkpoint,
                 std::filesystem::path curves)
    : options_(std::move(options)), genotype_(std::move(genotype)), device_(device),
      checkpoint_(std::move(checkpoint)), curves_(std::move(curves)) {}

TrainResult Trainer::run(const TrainData& data, SearchObserver& observer, StopToken& stop, bool resume) {
  return reportFailures(observer, [&] {
    validate(options_);
    if (options_.channels < 1)  // 0 means "the search's width", which the run layer fills in
      throw ConfigError("train.channels: the retraining width must be resolved (at least 1) before training");
    if (data.train.size() == 0) throw DataError("retraining needs images in the train split, found none");
    if (data.classes < 2) throw DataError("retraining needs at least 2 classes, found " + std::to_string(data.classes));
    if (data.val.size() > 0 && data.val.channels() != data.train.channels())
      throw DataError("train and validation images differ in channels");
    Loop loop(options_, genotype_, data, device_, observer, stop, checkpoint_, curves_);
    return loop.run(resume);
  });
}

}  // namespace zd
