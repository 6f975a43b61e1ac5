// One SGD step of the network weights on a batch (ALGORITHM.md §4 step 2), shared
// by the unperturbed network and its perturbed copy.
#pragma once

#include "core/job/sgd_step.h"
#include "core/nas/supernet.h"
#include "core/search/search_options.h"

#include <memory>
#include <vector>

namespace zd {

// Cross-entropy on (x, y) under the given (detached) distributions, backward,
// gradient-norm clip, SGD step; the forward under bf16 autocast when `bf16` (CUDA).
StepStats weightStep(Supernet& net, torch::optim::SGD& optimizer, const torch::Tensor& x, const torch::Tensor& y,
                     const ArchWeights& arch, double grad_clip, bool bf16 = false);

// SGD with the search's options (momentum, Nesterov, weight decay) at `lr`.
std::unique_ptr<torch::optim::SGD> makeWeightOptimizer(const std::vector<torch::Tensor>& params,
                                                       const WeightOptimOptions& options, double lr);

// Gives `to` the momentum buffers `from` holds, copied: to_params[i] gets
// from_params[i]'s (same shapes); parameters `from` has no momentum for yet start
// without one, as in `from`.
// The momentum buffer `optimizer` holds for each of `params` (undefined where none).
std::vector<torch::Tensor> momentumBuffers(const torch::optim::SGD& optimizer,
                                           const std::vector<torch::Tensor>& params);

void copyMomentum(const torch::optim::SGD& from, const std::vector<torch::Tensor>& from_params, torch::optim::SGD& to,
                  const std::vector<torch::Tensor>& to_params);

}  // namespace zd
