#include "core/search/architect_step.h"

#include "core/common/error.h"
#include "core/nas/param_count.h"
#include "core/search/darts_second_order_architect.h"
#include "core/search/direct_gradient_architect.h"
#include "core/search/zo_architect.h"

#include <torch/torch.h>

#include <cmath>

namespace zd {

ArchitectStep::ArchitectStep(Supernet net, Architecture& arch, const SearchOptions& options, torch::Device device)
    : net_(std::move(net)), arch_(arch), options_(options), device_(device), adam_(makeAdam()) {}

ArchitectStep::~ArchitectStep() = default;

void ArchitectStep::beginStep(int64_t, const ArchStepContext&, const torch::optim::SGD&, std::mt19937_64&) {}

void ArchitectStep::trainAlongside(const torch::Tensor&, const torch::Tensor&, const ArchStepContext&) {}

void ArchitectStep::enterPhase2() {
  if (options_.arch.reset_adam_at_switch) adam_ = makeAdam();
}

std::unique_ptr<torch::optim::Adam> ArchitectStep::makeAdam() const {
  const auto& a = options_.arch;
  // Adam sees α, β, γ from the start; β and γ only get gradients in phase 2, and
  // Adam leaves parameters without a gradient untouched.
  return std::make_unique<torch::optim::Adam>(
      arch_.all(), torch::optim::AdamOptions(a.lr).betas({a.beta1, a.beta2}).weight_decay(a.weight_decay));
}

double ArchitectStep::expectedParamsOf(const ArchWeights& w, torch::Tensor* differentiable) const {
  const auto& o = net_->options();
  auto p = expectedParams(w.alpha, w.beta, w.gamma, o.in_channels, o.channels, o.cells, o.classes);
  if (differentiable) *differentiable = p;
  return p.item<double>();
}

torch::Tensor ArchitectStep::penaltyOf(const ArchWeights& w, const ArchStepContext& context, double* expected) const {
  torch::Tensor p;
  const double value = expectedParamsOf(w, &p);
  if (expected) *expected = value;
  if (!(context.phase2 && context.band.active())) return torch::Tensor();
  return budgetPenalty(p, context.band, context.penalty_scale);
}

std::vector<torch::Tensor> ArchitectStep::penaltyGradients(const torch::Tensor& weighted_penalty,
                                                           const std::vector<torch::Tensor>& active, double expected,
                                                           const ArchStepContext& context) const {
  if (options_.arch.penalty_path == PenaltyPath::Softmax) {
    // The penalty's slope at P (±λ/scale), times ∂P/∂A under softmax(A/T): same
    // sign of pull, and no saturation.
    const double slope = context.lambda / context.penalty_scale * (expected > context.band.max ? 1 : -1);
    const auto soft = Architecture::distributionsOf(active, context.temperature, Distribution::Softmax, true);
    torch::Tensor soft_count;
    expectedParamsOf(soft, &soft_count);
    return torch::autograd::grad({slope * soft_count}, active, {}, false, false, /*allow_unused=*/true);
  }
  if (!weighted_penalty.requires_grad()) return {};
  // The graph from A to the distributions is the loss's too: kept for the estimate.
  return torch::autograd::grad({weighted_penalty}, active, {}, /*retain_graph=*/true, false, /*allow_unused=*/true);
}

ArchStepResult ArchitectStep::step(const torch::Tensor& x, const torch::Tensor& y, const ArchStepContext& context) {
  ArchStepResult result;
  const bool penalty_apart = penaltyApart();
  const auto active = arch_.active(context.phase2);
  const auto w = arch_.distributions(context.temperature, options_.distribution, context.phase2);
  const auto logits = net_->forward(x, w);
  const auto ce = torch::nn::functional::cross_entropy(logits, y);
  auto loss = ce;
  std::vector<torch::Tensor> penalty_grads;
  const torch::Tensor penalty = penaltyOf(w, context, &result.expected_params);
  if (penalty.defined()) {
    result.penalty = penalty.item<double>();
    const auto weighted_penalty = context.lambda * penalty;
    if (!penalty_apart) loss = loss + weighted_penalty.to(loss.scalar_type());
    else if (result.penalty > 0)
      penalty_grads = penaltyGradients(weighted_penalty, active, result.expected_params, context);
  }
  result.loss = ce.item<double>();
  result.correct = logits.argmax(1).eq(y).sum().item<int64_t>();
  result.count = y.size(0);

  auto estimated = estimate(ArchBatch{x, y, loss, active, context});
  if (!estimated) return result;
  torch::NoGradGuard no_grad;
  auto& g = *estimated;
  g.resize(active.size());
  for (size_t i = 0; i < penalty_grads.size() && i < g.size(); ++i)
    if (penalty_grads[i].defined()) g[i] = g[i].defined() ? g[i] + penalty_grads[i] : penalty_grads[i];
  for (auto p : arch_.all()) p.mutable_grad() = torch::Tensor();
  for (size_t i = 0; i < active.size(); ++i) {
    auto p = active[i];
    if (g[i].defined()) p.mutable_grad() = g[i].detach().clone();
  }
  std::vector<torch::Tensor> before;
  const auto& a = options_.arch;
  const bool capped = a.max_count_step > 0 && context.phase2 && context.band.active();
  if (capped)
    for (const auto& p : arch_.all()) before.push_back(p.detach().clone());
  adam_->step();
  if (capped)
    limitCountStep(before, result.expected_params, a.max_count_step * (context.band.max - context.band.min), context);
  return result;
}

void ArchitectStep::limitCountStep(const std::vector<torch::Tensor>& before, double expected_before, double cap,
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

void ArchitectStep::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive adam_archive;
  adam_->save(adam_archive);
  archive.write("adam", adam_archive);
  saveState(archive);
}

void ArchitectStep::load(torch::serialize::InputArchive& archive, const ArchStepContext& context) {
  torch::serialize::InputArchive adam_archive;
  archive.read("adam", adam_archive);
  adam_->load(adam_archive);
  loadState(archive, context);
}

std::unique_ptr<ArchitectStep> makeArchitectStep(Supernet net, Architecture& arch, const SearchOptions& options,
                                                 torch::Device device) {
  switch (options.arch.estimator) {
    case Estimator::Zo: return std::make_unique<ZoArchitect>(std::move(net), arch, options, device);
    case Estimator::Darts1: return std::make_unique<DirectGradientArchitect>(std::move(net), arch, options, device);
    case Estimator::Darts2: return std::make_unique<DartsSecondOrderArchitect>(std::move(net), arch, options, device);
    case Estimator::Random:
      throw ConfigError("search.arch.estimator \"random\" draws an architecture instead of searching one: "
                        "it has no architecture step (runSearch draws it)");
  }
  throw std::logic_error("makeArchitectStep: unknown estimator");
}

}  // namespace zd
