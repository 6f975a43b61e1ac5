// DARTS's second-order hypergradient (Liu et al. 2019, §2.3, eqs. 6–8) as a pure
// function of two losses, so that it can be checked on problems whose answer is
// known in closed form (the search's darts2 architect applies it to the supernet):
//   w' = w − ξ·(m·b + ∇_w L_train(w, A) + δ·w)          one virtual SGD step
//   g  = ∇_A L_val(w', A) − ξ·[∇_A L_train(w⁺, A) − ∇_A L_train(w⁻, A)] / (2ε)
//   w± = w ± ε·∇_{w'} L_val(w', A),  ε = eps_scale / ‖∇_{w'} L_val(w', A)‖
// (b: the weights' momentum buffers, m: the momentum, δ: the weight decay, as the
// reference's _compute_unrolled_model). The central difference is the
// Hessian-vector product ∇²_{A,w} L_train · ∇_{w'} L_val, exact for quadratics.
#pragma once

#include <torch/types.h>

#include <functional>
#include <vector>

namespace zd {

struct UnrolledStep {
  double xi = 0.1;          // ξ: the virtual step's learning rate (the weights' lr in force)
  double momentum = 0;      // m
  double weight_decay = 0;  // δ
  double eps_scale = 0.01;  // ε = eps_scale / ‖∇_{w'} L_val‖
};

// `train_loss` and `val_loss` evaluate their loss at the current values of
// `weights` and `arch` (leaves requiring gradients). `weights` are moved in place
// to w', w⁺ and w⁻ and restored before returning. `momentum_buffers`: one per
// weight, undefined where there is none (or empty). Returns one gradient per entry
// of `arch` (zeros where a loss does not depend on it).
std::vector<torch::Tensor> unrolledHypergradient(const std::function<torch::Tensor()>& train_loss,
                                                 const std::function<torch::Tensor()>& val_loss,
                                                 const std::vector<torch::Tensor>& weights,
                                                 const std::vector<torch::Tensor>& arch,
                                                 const std::vector<torch::Tensor>& momentum_buffers,
                                                 const UnrolledStep& step);

}  // namespace zd
