// The parts of an SGD step that the search's weight step (search/weight_step.h) and
// the retraining's step (train/trainer.cpp) share: gradients cleared and clipped on
// the device, the step's statistics kept there, the learning rate set.
#pragma once

#include <torch/optim/sgd.h>

#include <cstdint>
#include <vector>

namespace zd {

struct BatchResult {
  double loss = 0;
  int64_t correct = 0;
  int64_t count = 0;
};

// A weight step's loss and hits, still on the step's device: reading them makes
// the host wait for the GPU, so a loop sums them there and reads at epoch end or
// when an event needs a value.
struct StepStats {
  torch::Tensor loss;     // 0-dim float: the batch's mean cross-entropy
  torch::Tensor correct;  // 0-dim long
  int64_t count = 0;
  BatchResult read() const;  // waits for the device
};

// clip_grad_norm_ (L2 over all gradients, scaled to at most `max_norm`) done on the
// gradients' device: LibTorch's returns the norm as a double, a host wait per step.
void clipGradientNorm(const std::vector<torch::Tensor>& params, double max_norm);

// Zeroes every gradient in place, creating zero gradients where none exist yet, so
// that ops skipped for a step see weight decay and momentum exactly as if their
// (zero) gradient had been computed.
void zeroGradients(const std::vector<torch::Tensor>& params);

// Backward of `loss`, the gradients clipped to `grad_clip` (L2 norm; 0 = no clip),
// one step of `optimizer` over `params`.
void sgdStep(torch::optim::SGD& optimizer, const std::vector<torch::Tensor>& params, const torch::Tensor& loss,
             double grad_clip);

// Sets the learning rate of every parameter group.
void setLearningRate(torch::optim::SGD& optimizer, double lr);

}  // namespace zd
