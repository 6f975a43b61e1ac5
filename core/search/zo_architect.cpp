#include "core/search/zo_architect.h"

#include "core/job/archive_io.h"
#include "core/search/weight_step.h"
#include "core/search/zo_estimate.h"

#include <torch/torch.h>

namespace zd {

ZoArchitect::ZoArchitect(Supernet net, Architecture& arch, const SearchOptions& options, torch::Device device)
    : ArchitectStep(std::move(net), arch, options, device), perturbed_(net_->options()) {
  perturbed_->to(device_);
}

void ZoArchitect::enterPhase2() {
  perturbed_->enterPhase2();
  ArchitectStep::enterPhase2();
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
  if (step % options_.arch.rounds == 0) startRound(context, network_sgd, rng);
}

void ZoArchitect::trainAlongside(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context) {
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

std::optional<std::vector<torch::Tensor>> ZoArchitect::estimate(const ArchBatch& batch) {
  const auto& active = batch.active;
  if (!round_open_) return std::nullopt;  // no round yet (cannot happen with step 0 starting one)
  // Direct gradients with autograd on the live network (no deep copy):
  // g_w = ∂L_val/∂w, g_A = ∂L_val/∂A.
  std::vector<torch::Tensor> inputs = active;
  const auto weights = net_->parameters();
  inputs.insert(inputs.end(), weights.begin(), weights.end());
  const auto grads = torch::autograd::grad({batch.loss}, inputs, /*grad_outputs=*/{}, /*retain_graph=*/false,
                                           /*create_graph=*/false, /*allow_unused=*/true);
  torch::NoGradGuard no_grad;
  const std::vector<torch::Tensor> g_arch(grads.begin(), grads.begin() + static_cast<long>(active.size()));
  const std::vector<torch::Tensor> g_weights(grads.begin() + static_cast<long>(active.size()), grads.end());
  // g_w·v with v = (w_perturbed − w)/μ: the implicit part, only known along u.
  const double implicit = zoDirectionalDerivative({}, u_, g_weights, perturbed_->parameters(), weights, mu_);
  const bool direct_full = options_.arch.direct_gradient == DirectGradient::Full;
  // ĝ = (g_A·u + g_w·v)·u, or g_A + (g_w·v)·u with the direct gradient in full.
  const double along_u = implicit + (direct_full ? 0.0 : zoDirectionalDerivative(g_arch, u_, {}, {}, {}, mu_));
  // Parameters u does not cover (β, γ when the round began in phase 1) get no
  // gradient, so Adam leaves them alone this time.
  std::vector<torch::Tensor> estimate(active.size());
  for (size_t i = 0; i < active.size() && i < u_.size(); ++i) {
    estimate[i] = along_u * u_[i];
    if (direct_full && g_arch[i].defined()) estimate[i] = estimate[i] + g_arch[i];
  }
  round_open_ = false;
  return estimate;
}

void ZoArchitect::saveState(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive perturbed_archive;
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

void ZoArchitect::loadState(torch::serialize::InputArchive& archive, const ArchStepContext& context) {
  torch::serialize::InputArchive perturbed_archive;
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
