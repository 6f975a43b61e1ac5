#include "core/job/epoch_cursor.h"

#include "core/common/error.h"
#include "core/job/archive_io.h"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace zd {

torch::Tensor permutation(int64_t n, std::mt19937_64& rng) {
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), int64_t{0});
  std::shuffle(idx.begin(), idx.end(), rng);
  return torch::tensor(idx, torch::kLong);
}

EpochCursor::EpochCursor(uint64_t seed, int64_t images, int64_t batch)
    : rng_(seed), images_(images), batch_(std::max<int64_t>(1, batch)),
      steps_per_epoch_(static_cast<int>(std::max<int64_t>(1, (images + batch_ - 1) / batch_))) {}

void EpochCursor::beginEpoch() {
  if (step_ == 0) order_ = permutation(images_, rng_);
}

torch::Tensor EpochCursor::batchIndices() const {
  const int64_t begin = static_cast<int64_t>(step_) * batch_;
  return order_.narrow(0, begin, std::min<int64_t>(batch_, images_ - begin));
}

void EpochCursor::finishStep(const torch::Tensor& loss, const torch::Tensor& correct, int64_t count) {
  pending_loss_.add(loss.to(torch::kDouble) * static_cast<double>(count));
  pending_correct_.add(correct);
  seen_ += count;
  ++step_;
}

void EpochCursor::readPending() {
  loss_sum_ += pending_loss_.take();
  correct_ += pending_correct_.take();
}

double EpochCursor::meanLoss() {
  readPending();
  return seen_ ? loss_sum_ / static_cast<double>(seen_) : 0;
}

double EpochCursor::accuracy() {
  readPending();
  return seen_ ? correct_ / static_cast<double>(seen_) : 0;
}

void EpochCursor::nextEpoch() {
  readPending();  // drops nothing still in flight into the next epoch
  epoch_ += 1;
  step_ = 0;
  loss_sum_ = correct_ = 0;
  seen_ = 0;
  epoch_seconds_ = 0;
}

void EpochCursor::startClock() { started_ = Clock::now(); }

double EpochCursor::runSeconds() const {
  return earlier_seconds_ + std::chrono::duration<double>(Clock::now() - started_).count();
}

void EpochCursor::stepsStarted() {
  steps_started_ = Clock::now();
  carried_ = epoch_seconds_;
}

void EpochCursor::stepsStopped() {
  epoch_seconds_ = carried_ + std::chrono::duration<double>(Clock::now() - steps_started_).count();
}

void EpochCursor::save(torch::serialize::OutputArchive& archive, const std::string& order_key) {
  readPending();
  writeInt(archive, "epoch", epoch_);
  writeInt(archive, "step_in_epoch", step_);
  archive.write(order_key, order_.defined() ? order_ : torch::empty({0}, torch::kLong));
  writeDouble(archive, "loss_sum", loss_sum_);
  writeDouble(archive, "correct", correct_);
  writeInt(archive, "seen", seen_);
  writeDouble(archive, "epoch_seconds", epoch_seconds_);
  writeDouble(archive, "run_seconds", runSeconds());
  writeRng(archive, "rng", rng_);
}

void EpochCursor::load(torch::serialize::InputArchive& archive, const std::string& order_key, const std::string& what) {
  epoch_ = static_cast<int>(readInt(archive, "epoch"));
  step_ = static_cast<int>(readInt(archive, "step_in_epoch"));
  archive.read(order_key, order_);
  order_ = order_.to(torch::kCPU);  // orders live on the host, whichever device wrote them
  if (order_.numel() == 0) order_ = torch::Tensor();
  loss_sum_ = readDouble(archive, "loss_sum");
  correct_ = readDouble(archive, "correct");  // older searches wrote an integer: read alike
  seen_ = readInt(archive, "seen");
  epoch_seconds_ = readDouble(archive, "epoch_seconds");
  earlier_seconds_ = readDouble(archive, "run_seconds");
  readRng(archive, "rng", rng_);
  if ((order_.defined() && order_.size(0) != images_) || (step_ > 0 && !order_.defined()))
    throw IoError(what + ": the checkpoint was written for a different data set");
}

}  // namespace zd
