#include "core/search/zo_architect.h"

#include "core/nas/param_count.h"
#include "core/job/archive_io.h"
#include "core/search/weight_step.h"
#include "core/search/zo_estimate.h"

#include <torch/torch.h>

#include <cmath>

namespace zd {

ZoArchitect::ZoArchitect(Supernet net, Architecture& arch, const SearchOptions& options, torch::Device device)
    : net_(std::move(net)), perturbed_(net_->options()), arch_(arch), options_(options), device_(device) {
  perturbed_->to(device_);
  adam_ = makeAdam();
}

void ZoArchitect::enterPhase2() {
  perturbed_->enterPhase2();
  if (options_.arch.reset_adam_at_switch) adam_ = makeAdam();
}

std::unique_ptr<torch::optim::Adam> ZoArchitect::makeAdam() const {
  const auto& a = options_.arch;
  // Adam sees α, β, γ from the start; β and γ only get gradients in phase 2, and
  // Adam leaves parameters without a gradient untouched.
  return std::make_unique<torch::optim::Adam>(
      arch_.all(), torch::optim::AdamOptions(a.lr).betas({a.beta1, a.beta2}).weight_decay(a.weight_decay));
}

void ZoArchitect::makePerturbedOptimizer(double lr) {
  perturbed_sgd_ = makeWeightOptimizer(perturbed_->parameters(), options_.weights, lr);
  zeroGradients(perturbed_->parameters());
}

void ZoArchitect::startRound(const ArchStepContext& context, const torch::optim::SGD& network_sgd,
                             std::mt19937_64& rng) {
  torch::NoGradGuard no_grad;
  // u ~ N(0, I) over every active architecture parameter, u ← u/‖u‖.
  u_ = sampleUnitDirection(arch_.active(context.phase2), rng, device_);
  // μ = mu_scale · ‖α‖
  mu_ = options_.arch.mu_scale * arch_.alpha.detach().norm().item<double>();
  if (!(mu_ > 0)) mu_ = options_.arch.mu_scale;  // α = 0 exactly (a user's init_scale of 0)
  round_phase2_ = context.phase2;
  perturbed_weights_.reset();
  // The perturbed copy: same weights (and BatchNorm statistics) and, unless the
  // reference's fresh momentum is asked for, the network's momentum buffers, so
  // that the two runs differ only by μu.
  const auto src = net_->named_parameters();
  for (auto& p : perturbed_->named_parameters()) p.value().copy_(src[p.key()]);
  const auto src_buffers = net_->named_buffers();
  for (auto& b : perturbed_->named_buffers()) b.value().copy_(src_buffers[b.key()]);
  makePerturbedOptimizer(context.lr);
  if (options_.arch.perturbed_momentum == PerturbedMomentum::Copy) {
    std::vector<torch::Tensor> from, to;
    for (auto& p : perturbed_->named_parameters()) {
      to.push_back(p.value());
      from.push_back(src[p.key()]);
    }
    copyMomentum(network_sgd, from, *perturbed_sgd_, to);
  }
  round_open_ = true;
}

void ZoArchitect::beginStep(int64_t step, const ArchStepContext& context, const torch::optim::SGD& network_sgd,
                            std::mt19937_64& rng) {
  if (options_.arch.estimator != Estimator::Zo) return;
  if (step % options_.arch.rounds == 0) startRound(context, network_sgd, rng);
}

void ZoArchitect::trainPerturbed(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context) {
  if (!round_open_) return;
  // A + μu is fixed for the round: its distributions change only with T or the phase.
  if (!perturbed_weights_ || perturbed_temperature_ != context.temperature ||
      perturbed_weights_->beta.defined() != context.phase2) {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> shifted;
    const auto active = arch_.all();
    for (size_t i = 0; i < active.size(); ++i)
      shifted.push_back(i < u_.size() ? active[i].detach() + mu_ * u_[i] : active[i].detach());
    perturbed_weights_ = withHostCopies(Architecture::distributionsOf(shifted, context.temperature,
                                                                      options_.distribution, context.phase2));
    perturbed_temperature_ = context.temperature;
  }
  const ArchWeights& w = *perturbed_weights_;
  if (context.phase2 && !perturbed_->inPhase2()) perturbed_->enterPhase2();
  setLearningRate(*perturbed_sgd_, context.lr);
  weightStep(perturbed_, *perturbed_sgd_, x, y, w, options_.weights.grad_clip, options_.precision == Precision::Bf16);
}

double ZoArchitect::expectedParamsOf(const ArchWeights& w, torch::Tensor* differentiable) const {
  const auto& o = net_->options();
  auto p = expectedParams(w.alpha, w.beta, w.gamma, o.in_channels, o.channels, o.cells, o.classes);
  if (differentiable) *differentiable = p;
  return p.item<double>();
}

torch::Tensor ZoArchitect::penaltyOf(const ArchWeights& w, const ArchStepContext& context, double* expected) const {
  torch::Tensor p;
  const double value = expectedParamsOf(w, &p);
  if (expected) *expected = value;
  if (!(context.phase2 && context.band.active())) return torch::Tensor();
  return budgetPenalty(p, context.band, context.penalty_scale);
}

ArchStepResult ZoArchitect::step(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context) {
  ArchStepResult result;
  const auto& a = options_.arch;
  const bool zo = a.estimator == Estimator::Zo;
  // The penalty depends on A alone, so its gradient is exact: "full" adds it to
  // the update as it is; "projected" (and DARTS, whose g_A is used in full anyway)
  // folds it into L_val.
  const bool penalty_apart = zo && a.penalty_gradient == PenaltyGradient::Full;
  const auto w = arch_.distributions(context.temperature, options_.distribution, context.phase2);
  const auto logits = net_->forward(x, w);
  const auto ce = torch::nn::functional::cross_entropy(logits, y);
  auto loss = ce;
  const torch::Tensor penalty = penaltyOf(w, context, &result.expected_params);
  torch::Tensor weighted_penalty;
  if (penalty.defined()) {
    result.penalty = penalty.item<double>();
    weighted_penalty = context.lambda * penalty;
    if (!penalty_apart) loss = loss + weighted_penalty.to(loss.scalar_type());
  }
  result.loss = ce.item<double>();
  result.correct = logits.argmax(1).eq(y).sum().item<int64_t>();
  result.count = y.size(0);

  // Direct gradients with autograd on the live network (no deep copy):
  // g_w = ∂L_val/∂w, g_A = ∂L_val/∂A.
  const auto active = arch_.active(context.phase2);
  std::vector<torch::Tensor> inputs = active;
  const auto weights = net_->parameters();
  if (zo) inputs.insert(inputs.end(), weights.begin(), weights.end());
  const auto grads = torch::autograd::grad({loss}, inputs, /*grad_outputs=*/{}, /*retain_graph=*/penalty_apart,
                                           /*create_graph=*/false, /*allow_unused=*/true);
  std::vector<torch::Tensor> penalty_grads;
  if (penalty_apart && weighted_penalty.defined() && result.penalty > 0) {
    if (a.penalty_path == PenaltyPath::Softmax) {
      // The penalty's slope at P (±λ/scale), times ∂P/∂A under softmax(A/T):
      // same sign of pull, and no saturation.
      const double slope = context.lambda / context.penalty_scale *
                           (result.expected_params > context.band.max ? 1 : -1);
      const auto soft = Architecture::distributionsOf(active, context.temperature, Distribution::Softmax, true);
      torch::Tensor soft_count;
      expectedParamsOf(soft, &soft_count);
      penalty_grads = torch::autograd::grad({slope * soft_count}, active, {}, false, false, /*allow_unused=*/true);
    } else if (weighted_penalty.requires_grad()) {
      penalty_grads = torch::autograd::grad({weighted_penalty}, active, {}, false, false, /*allow_unused=*/true);
    }
  }
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> estimate(active.size());
  if (zo) {
    if (!round_open_) return result;  // no round yet (cannot happen with step 0 starting one)
    const std::vector<torch::Tensor> g_arch(grads.begin(), grads.begin() + static_cast<long>(active.size()));
    const std::vector<torch::Tensor> g_weights(grads.begin() + static_cast<long>(active.size()), grads.end());
    // g_w·v with v = (w_perturbed − w)/μ: the implicit part, only known along u.
    const double implicit = zoDirectionalDerivative({}, u_, g_weights, perturbed_->parameters(), weights, mu_);
    const bool direct_full = a.direct_gradient == DirectGradient::Full;
    // ĝ = (g_A·u + g_w·v)·u, or g_A + (g_w·v)·u with the direct gradient in full.
    const double along_u = implicit + (direct_full ? 0.0 : zoDirectionalDerivative(g_arch, u_, {}, {}, {}, mu_));
    // Parameters u does not cover (β, γ when the round began in phase 1) get no
    // gradient, so Adam leaves them alone this time.
    for (size_t i = 0; i < active.size() && i < u_.size(); ++i) {
      estimate[i] = along_u * u_[i];
      if (direct_full && g_arch[i].defined()) estimate[i] = estimate[i] + g_arch[i];
    }
    round_open_ = false;
  } else {
    for (size_t i = 0; i < active.size(); ++i)
      estimate[i] = grads[i].defined() ? grads[i] : torch::zeros_like(active[i]);
  }
  for (size_t i = 0; i < penalty_grads.size(); ++i)
    if (penalty_grads[i].defined())
      estimate[i] = estimate[i].defined() ? estimate[i] + penalty_grads[i] : penalty_grads[i];
  for (auto p : arch_.all()) p.mutable_grad() = torch::Tensor();
  for (size_t i = 0; i < active.size(); ++i) {
    auto p = active[i];
    if (estimate[i].defined()) p.mutable_grad() = estimate[i].detach().clone();
  }
  std::vector<torch::Tensor> before;
  const bool capped = a.max_count_step > 0 && context.phase2 && context.band.active();
  if (capped)
    for (const auto& p : arch_.all()) before.push_back(p.detach().clone());
  adam_->step();
  if (capped)
    limitCountStep(before, result.expected_params, a.max_count_step * (context.band.max - context.band.min), context);
  return result;
}

void ZoArchitect::limitCountStep(const std::vector<torch::Tensor>& before, double expected_before, double cap,
                                 const ArchStepContext& context) {
  const auto params = arch_.all();
  std::vector<torch::Tensor> after;
  for (const auto& p : params) after.push_back(p.detach().clone());
  // P along the step A_before + t·(A_after − A_before).
  const auto countAt = [&](double t) {
    std::vector<torch::Tensor> at;
    for (size_t i = 0; i < params.size(); ++i) at.push_back(before[i] + t * (after[i] - before[i]));
    return expectedParamsOf(Architecture::distributionsOf(at, context.temperature, options_.distribution, true),
                            nullptr);
  };
  if (std::abs(countAt(1.0) - expected_before) <= cap) return;
  // The longest step whose count stays within the cap, by bisection (P is
  // continuous in t; 20 halvings leave a ~1e-6 share of the step).
  double lo = 0, hi = 1;
  for (int i = 0; i < 20; ++i) {
    const double mid = 0.5 * (lo + hi);
    (std::abs(countAt(mid) - expected_before) <= cap ? lo : hi) = mid;
  }
  for (size_t i = 0; i < params.size(); ++i) params[i].detach().copy_(before[i] + lo * (after[i] - before[i]));
}

void ZoArchitect::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive adam_archive, perturbed_archive;
  adam_->save(adam_archive);
  archive.write("adam", adam_archive);
  perturbed_->save(perturbed_archive);
  archive.write("perturbed", perturbed_archive);
  writeInt(archive, "round_open", round_open_ ? 1 : 0);
  writeInt(archive, "round_phase2", round_phase2_ ? 1 : 0);
  writeDouble(archive, "mu", mu_);
  writeInt(archive, "u_count", static_cast<int64_t>(u_.size()));
  for (size_t i = 0; i < u_.size(); ++i) archive.write("u" + std::to_string(i), u_[i]);
  if (perturbed_sgd_) {
    torch::serialize::OutputArchive sgd_archive;
    perturbed_sgd_->save(sgd_archive);
    archive.write("perturbed_sgd", sgd_archive);
  }
}

void ZoArchitect::load(torch::serialize::InputArchive& archive, const ArchStepContext& context) {
  torch::serialize::InputArchive adam_archive, perturbed_archive;
  archive.read("adam", adam_archive);
  adam_->load(adam_archive);
  if (context.phase2) perturbed_->enterPhase2();
  archive.read("perturbed", perturbed_archive);
  perturbed_->load(perturbed_archive);
  // Fresh tensors for every read: InputArchive::read into a defined tensor
  // reinterprets its storage.
  round_open_ = readInt(archive, "round_open") != 0;
  round_phase2_ = readInt(archive, "round_phase2") != 0;
  mu_ = readDouble(archive, "mu");
  perturbed_weights_.reset();
  const int64_t directions = readInt(archive, "u_count");
  u_.clear();
  for (int64_t i = 0; i < directions; ++i) {
    torch::Tensor u;
    archive.read("u" + std::to_string(i), u);
    u_.push_back(u.to(device_));
  }
  if (round_open_) {
    makePerturbedOptimizer(context.lr);
    torch::serialize::InputArchive sgd_archive;
    archive.read("perturbed_sgd", sgd_archive);
    perturbed_sgd_->load(sgd_archive);
  }
}

}  // namespace zd
