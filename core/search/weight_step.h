// One SGD step of the network weights on a batch (ALGORITHM.md §4 step 2), shared
// by the unperturbed network and its perturbed copy.
#pragma once

#include "core/nas/supernet.h"
#include "core/search/search_options.h"

#include <torch/optim/sgd.h>

#include <memory>
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

// Cross-entropy on (x, y) under the given (detached) distributions, backward,
// gradient-norm clip, SGD step; the forward under bf16 autocast when `bf16` (CUDA).
StepStats weightStep(Supernet& net, torch::optim::SGD& optimizer, const torch::Tensor& x,
                     const torch::Tensor& y, const ArchWeights& arch, double grad_clip, bool bf16 = false);

// Sets the learning rate of every parameter group.
void setLearningRate(torch::optim::SGD& optimizer, double lr);

// SGD with the search's options (momentum, Nesterov, weight decay) at `lr`.
std::unique_ptr<torch::optim::SGD> makeWeightOptimizer(const std::vector<torch::Tensor>& params,
                                                       const WeightOptimOptions& options, double lr);

// Gives `to` the momentum buffers `from` holds, copied: to_params[i] gets
// from_params[i]'s (same shapes); parameters `from` has no momentum for yet start
// without one, as in `from`.
void copyMomentum(const torch::optim::SGD& from, const std::vector<torch::Tensor>& from_params,
                  torch::optim::SGD& to, const std::vector<torch::Tensor>& to_params);

}  // namespace zd
