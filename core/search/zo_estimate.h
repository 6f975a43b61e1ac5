// The zeroth-order hypergradient estimate of ALGORITHM.md §4 as pure functions, so
// that it can be checked on problems whose hypergradient is known in closed form.
#pragma once

#include <torch/types.h>

#include <random>
#include <vector>

namespace zd {

// u ~ N(0, I) over all of `like` (flattened together), then u ← u/‖u‖; one tensor
// per entry of `like`, same shapes, float32 on `device`. Drawn from `rng` (not
// torch's generator) so that a resumed run draws the same directions.
std::vector<torch::Tensor> sampleUnitDirection(const std::vector<torch::Tensor>& like, std::mt19937_64& rng,
                                               torch::Device device);

// The directional derivative of L_val(w*(A), A) along u:
//   g_A·u + g_w·v,  v = (w_perturbed − w)/μ
// (undefined gradients count as zero: skipped ops have exactly zero gradient).
double zoDirectionalDerivative(const std::vector<torch::Tensor>& g_arch, const std::vector<torch::Tensor>& u,
                               const std::vector<torch::Tensor>& g_weights,
                               const std::vector<torch::Tensor>& weights_perturbed,
                               const std::vector<torch::Tensor>& weights, double mu);

}  // namespace zd
