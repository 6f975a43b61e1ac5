#include "core/train/trainer.h"

#include "core/common/cuda_device.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/common/progress_throttle.h"
#include "core/data/batch_augment.h"
#include "core/data/device_placement.h"
#include "core/job/archive_io.h"
#include "core/job/epoch_cursor.h"
#include "core/job/observer_tools.h"
#include "core/job/report_failures.h"
#include "core/job/sgd_step.h"
#include "core/train/batch_mixing.h"
#include "core/train/curves_csv.h"
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

// Curves travel in the checkpoint as a double tensor, one row per epoch.
constexpr int kCurveColumns = 9;

torch::Tensor curvesToTensor(const std::vector<TrainEpochFinished>& curves) {
  auto t = torch::zeros({static_cast<int64_t>(curves.size()), kCurveColumns}, torch::kDouble);
  auto a = t.accessor<double, 2>();
  for (size_t i = 0; i < curves.size(); ++i) {
    const auto& c = curves[i];
    const double row[kCurveColumns] = {double(c.epoch), c.lr,           c.train_loss,         c.train_accuracy,
                                       c.val_loss,      c.val_accuracy, double(c.best_epoch), c.best_val_accuracy,
                                       c.seconds};
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

// What the retraining saves beyond its EpochCursor (the epoch, the order, sums,
// seconds, generator), so that a resumed run continues mid-epoch exactly.
struct LoopState {
  int best_epoch = -1;
  double best_accuracy = -1;
  std::vector<torch::Tensor> best_state;
  std::vector<TrainEpochFinished> curves;
};

class Loop {
 public:
  Loop(const TrainOptions& o, const Genotype& genotype, const TrainData& data, torch::Device device,
       JobObserver& observer, StopToken& stop, std::filesystem::path checkpoint, std::filesystem::path curves)
      : o_(o), data_(data), device_(device), observer_(observer), stop_(stop), checkpoint_(std::move(checkpoint)),
        curves_(std::move(curves)), cursor_(o.seed, data.train.size(), o.batch), progress_(device) {
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
  }

  TrainResult run(bool resume) {
    if (resume) loadCheckpoint();
    cursor_.startClock();
    emitStarted();
    bool cancelled = false;
    while (cursor_.epoch() < o_.epochs) {
      cursor_.beginEpoch();
      setLearningRate(*optimizer_, trainLrAt(o_, cursor_.epoch()));
      if (!runEpoch()) {
        cancelled = true;
        break;
      }
      finishEpoch();
    }
    if (cancelled) saveCheckpoint();
    TrainResult r;
    r.cancelled = cancelled;
    r.epochs_done = cursor_.epoch();
    r.curves = state_.curves;
    r.seconds = cursor_.runSeconds();
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
    e.genotype = net_->genotype();
    e.params = countParameters(*net_);
    e.train_images = data_.train.size();
    e.val_images = data_.val.size();
    e.classes = data_.classes;
    e.channels = data_.train.channels();
    e.epochs = o_.epochs;
    e.steps_per_epoch = cursor_.stepsPerEpoch();
    e.start_epoch = cursor_.epoch();
    observer_.onEvent(e);
  }

  bool runEpoch() {
    cursor_.stepsStarted();
    net_->train();
    while (!cursor_.epochDone()) {
      if (!keepGoing(stop_)) {
        cursor_.stepsStopped();
        return false;
      }
      const auto loss = step(cursor_.batchIndices());
      if (progress_.due(cursor_.epochDone()))
        observer_.onEvent(TrainStepProgress{cursor_.epoch(), cursor_.step(), cursor_.stepsPerEpoch(),
                                            loss.item<double>()});
    }
    cursor_.stepsStopped();
    return true;
  }

  // One SGD step on the images at `idx` (host); returns the batch's loss, on the device.
  torch::Tensor step(const torch::Tensor& indices) {
    const auto idx = toDeviceAsync(indices, train_.images.device());
    const auto x = toDeviceAsync(augmentBatch(train_.images.index_select(0, idx), o_.augment, cursor_.rng()), device_);
    const auto y = toDeviceAsync(train_.labels.index_select(0, idx), device_);
    const MixedBatch batch = mixBatch(x, y, o_, cursor_.rng());
    optimizer_->zero_grad();
    const auto logits = net_->forward(batch.images);
    const auto loss = mixedLoss(logits, batch, o_.label_smoothing);
    sgdStep(*optimizer_, net_->parameters(), loss, o_.grad_clip);
    const auto predicted = logits.detach().argmax(1);
    const auto correct = batch.lambda * predicted.eq(batch.labels_a).sum().to(torch::kDouble) +
                         (1.0 - batch.lambda) * predicted.eq(batch.labels_b).sum().to(torch::kDouble);
    const auto value = loss.detach();
    cursor_.finishStep(value, correct, idx.size(0));
    return value;
  }

  void finishEpoch() {
    TrainEpochFinished e;
    e.epoch = cursor_.epoch();
    e.lr = trainLrAt(o_, cursor_.epoch());
    e.train_loss = cursor_.meanLoss();
    e.train_accuracy = cursor_.accuracy();
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
    e.seconds = cursor_.epochSeconds();
    state_.curves.push_back(e);
    cursor_.nextEpoch();
    if (!curves_.empty()) writeCurvesCsv(curves_, state_.curves);
    observer_.onEvent(e);
    const int every = o_.checkpoint_every;
    if (every > 0 && (cursor_.epoch() % every == 0 || cursor_.epoch() == o_.epochs)) saveCheckpoint();
  }

  void saveCheckpoint() {
    if (checkpoint_.empty()) return;
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
    cursor_.save(archive, "order");
    archive.write("curves", curvesToTensor(state_.curves));
    writeInt(archive, "train_images", data_.train.size());
    saveArchiveAtomically(archive, checkpoint_);
    observer_.onEvent(TrainCheckpointWritten{cursor_.epoch(), checkpoint_.string()});
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
      cursor_.load(archive, "order", what);
      torch::Tensor curves;
      archive.read("curves", curves);
      state_.curves = curvesFromTensor(curves);
    } catch (const c10::Error& e) {
      throw IoError(what + ": checkpoint does not match this training's settings (" +
                    std::string(e.what_without_backtrace()) + ")");
    } catch (const DataError& e) {
      throw IoError(what + ": checkpoint does not match this training's genotype (" + std::string(e.what()) + ")");
    }
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
  JobObserver& observer_;
  StopToken& stop_;
  std::filesystem::path checkpoint_;
  std::filesystem::path curves_;
  EpochCursor cursor_;
  DiscreteNetwork net_{nullptr};
  std::unique_ptr<torch::optim::SGD> optimizer_;
  ProgressThrottle progress_;
  ImageSet train_;            // data_.train where the steps read it (device or host)
  torch::Tensor val_images_;  // data_.val's images, likewise
  LoopState state_;
};

}  // namespace

Trainer::Trainer(TrainOptions options, Genotype genotype, torch::Device device, std::filesystem::path checkpoint,
                 std::filesystem::path curves)
    : options_(std::move(options)), genotype_(std::move(genotype)), device_(device), checkpoint_(std::move(checkpoint)),
      curves_(std::move(curves)) {}

TrainResult Trainer::run(const TrainData& data, JobObserver& observer, StopToken& stop, bool resume) {
  return reportFailures<TrainFailed>(observer, [&] {
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
