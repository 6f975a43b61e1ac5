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

// Zeroes every gradient in place, creating zero gradients where none exist yet, so
// that ops skipped for a step see weight decay and momentum exactly as if their
// (zero) gradient had been computed.
void zeroGradients(const std::vector<torch::Tensor>& params);

// Cross-entropy on (x, y) under the given (detached) distributions, backward,
// gradient-norm clip, SGD step.
BatchResult weightStep(Supernet& net, torch::optim::SGD& optimizer, const torch::Tensor& x,
                       const torch::Tensor& y, const ArchWeights& arch, double grad_clip);

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
