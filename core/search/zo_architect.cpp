#include "core/search/zo_architect.h"

#include "core/nas/param_count.h"
#include "core/search/checkpoint.h"
#include "core/search/weight_step.h"
#include "core/search/zo_estimate.h"

#include <torch/torch.h>

namespace zd {

ZoArchitect::ZoArchitect(Supernet net, Architecture& arch, const SearchOptions& options, torch::Device device)
    : net_(std::move(net)), perturbed_(net_->options()), arch_(arch), options_(options), device_(device) {
  perturbed_->to(device_);
  const auto& a = options.arch;
  // Adam sees α, β, γ from the start; β and γ only get gradients in phase 2, and
  // Adam leaves parameters without a gradient untouched.
  adam_ = std::make_unique<torch::optim::Adam>(
      arch_.all(), torch::optim::AdamOptions(a.lr).betas({a.beta1, a.beta2}).weight_decay(a.weight_decay));
}

void ZoArchitect::enterPhase2() { perturbed_->enterPhase2(); }

void ZoArchitect::makePerturbedOptimizer(double lr) {
  perturbed_sgd_ = makeWeightOptimizer(perturbed_->parameters(), options_.weights, lr);
  zeroGradients(perturbed_->parameters());
}

void ZoArchitect::startRound(const ArchStepContext& context, std::mt19937_64& rng) {
  torch::NoGradGuard no_grad;
  // u ~ N(0, I) over every active architecture parameter, u ← u/‖u‖.
  u_ = sampleUnitDirection(arch_.active(context.phase2), rng, device_);
  // μ = mu_scale · ‖α‖
  mu_ = options_.arch.mu_scale * arch_.alpha.detach().norm().item<double>();
  if (!(mu_ > 0)) mu_ = options_.arch.mu_scale;  // α = 0 exactly (a user's init_scale of 0)
  round_phase2_ = context.phase2;
  // The perturbed copy: same weights (and BatchNorm statistics), fresh momentum.
  const auto src = net_->named_parameters();
  for (auto& p : perturbed_->named_parameters()) p.value().copy_(src[p.key()]);
  const auto src_buffers = net_->named_buffers();
  for (auto& b : perturbed_->named_buffers()) b.value().copy_(src_buffers[b.key()]);
  makePerturbedOptimizer(context.lr);
  round_open_ = true;
}

void ZoArchitect::beginStep(int64_t step, const ArchStepContext& context, std::mt19937_64& rng) {
  if (options_.arch.estimator != "zo") return;
  if (step % options_.arch.rounds == 0) startRound(context, rng);
}

void ZoArchitect::trainPerturbed(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context) {
  if (!round_open_) return;
  ArchWeights w;
  {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> shifted;
    const auto active = arch_.all();
    for (size_t i = 0; i < active.size(); ++i)
      shifted.push_back(i < u_.size() ? active[i].detach() + mu_ * u_[i] : active[i].detach());
    w = Architecture::distributionsOf(shifted, context.temperature, options_.distribution, context.phase2);
  }
  if (context.phase2 && !perturbed_->inPhase2()) enterPhase2();
  setLearningRate(*perturbed_sgd_, context.lr);
  weightStep(perturbed_, *perturbed_sgd_, x, y, w, options_.weights.grad_clip);
}

double ZoArchitect::expectedParamsOf(const ArchWeights& w, torch::Tensor* differentiable) const {
  const auto& o = net_->options();
  auto p = expectedParams(w.alpha, w.beta, w.gamma, o.in_channels, o.channels, o.cells, o.classes);
  if (differentiable) *differentiable = p;
  return p.item<double>();
}

ArchStepResult ZoArchitect::step(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context) {
  ArchStepResult result;
  const auto w = arch_.distributions(context.temperature, options_.distribution, context.phase2);
  const auto logits = net_->forward(x, w);
  const auto ce = torch::nn::functional::cross_entropy(logits, y);
  auto loss = ce;
  torch::Tensor expected;
  result.expected_params = expectedParamsOf(w, &expected);
  if (context.phase2 && context.band.active()) {
    const auto penalty = budgetPenalty(expected, context.band, context.penalty_scale);
    result.penalty = penalty.item<double>();
    loss = loss + context.lambda * penalty.to(loss.scalar_type());
  }
  result.loss = ce.item<double>();
  result.correct = logits.argmax(1).eq(y).sum().item<int64_t>();
  result.count = y.size(0);

  // Direct gradients with autograd on the live network (no deep copy):
  // g_w = ∂L_val/∂w, g_A = ∂L_val/∂A.
  const auto active = arch_.active(context.phase2);
  const bool zo = options_.arch.estimator == "zo";
  std::vector<torch::Tensor> inputs = active;
  const auto weights = net_->parameters();
  if (zo) inputs.insert(inputs.end(), weights.begin(), weights.end());
  const auto grads = torch::autograd::grad({loss}, inputs, /*grad_outputs=*/{}, /*retain_graph=*/false,
                                           /*create_graph=*/false, /*allow_unused=*/true);
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> estimate(active.size());
  if (zo) {
    if (!round_open_) return result;  // no round yet (cannot happen with step 0 starting one)
    // ĝ = (g_A·u + g_w·v)·u, v = (w_perturbed − w)/μ.
    const std::vector<torch::Tensor> g_arch(grads.begin(), grads.begin() + static_cast<long>(active.size()));
    const std::vector<torch::Tensor> g_weights(grads.begin() + static_cast<long>(active.size()), grads.end());
    const double directional =
        zoDirectionalDerivative(g_arch, u_, g_weights, perturbed_->parameters(), weights, mu_);
    // Parameters u does not cover (β, γ when the round began in phase 1) get no
    // gradient, so Adam leaves them alone this time.
    for (size_t i = 0; i < active.size() && i < u_.size(); ++i) estimate[i] = directional * u_[i];
    round_open_ = false;
  } else {
    for (size_t i = 0; i < active.size(); ++i)
      estimate[i] = grads[i].defined() ? grads[i] : torch::zeros_like(active[i]);
  }
  for (auto p : arch_.all()) p.mutable_grad() = torch::Tensor();
  for (size_t i = 0; i < active.size(); ++i) {
    auto p = active[i];
    if (estimate[i].defined()) p.mutable_grad() = estimate[i].detach().clone();
  }
  adam_->step();
  return result;
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
