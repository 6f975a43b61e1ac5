#include "core/search/search_engine.h"

#include "core/common/concurrent_pair.h"
#include "core/common/cuda_device.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/nas/param_count.h"
#include "core/job/archive_io.h"
#include "core/search/schedules.h"

#include <ATen/Config.h>
#include <torch/torch.h>

namespace zd {

bool trainsCopiesSideBySide(const SearchOptions& options, bool cpu, int threads) {
  if (options.arch.estimator != Estimator::Zo) return false;  // no perturbed copy to train
  if (options.parallel_copies == ParallelCopies::On) return true;
  if (!cpu) return false;  // a GPU overlaps them on two streams only when asked ("on"), until measured
  if (options.parallel_copies == ParallelCopies::Off) return false;
  // Only LibTorch's OpenMP backend (Linux builds) keeps a thread count per thread;
  // with its native pool, the workers' counts would change every thread's.
  return AT_PARALLEL_OPENMP && cpu && threads >= 2 && options.batch <= 64;
}

SearchEngine::SearchEngine(const SearchOptions& options, const SupernetOptions& network, BudgetBand band,
                           torch::Device device)
    : options_(options), device_(device), band_(band) {
  if (options.precision == Precision::Bf16 && !device.is_cuda())
    throw ConfigError("search.precision bf16 needs a CUDA device (got " + describeDevice(device) +
                      "): bfloat16 autocast is for GPUs; use fp32 on the CPU");
  torch::manual_seed(options.seed);
  net_ = Supernet(network);
  net_->to(device_);
  arch_ = std::make_unique<Architecture>(network.cells, options.arch.init_scale, device_);
  sgd_ = makeWeightOptimizer(net_->parameters(), options.weights, options.weights.lr);
  zeroGradients(net_->parameters());
  architect_ = makeArchitectStep(net_, *arch_, options_, device_);
  settings_ = {};
  const int threads = torch::get_num_threads();
  if (trainsCopiesSideBySide(options, device_.is_cpu(), threads)) {
    if (device_.is_cuda()) two_streams_ = true;
    else pair_ = std::make_unique<ConcurrentPair>(threads / 2);
  }
}

SearchEngine::~SearchEngine() = default;

void SearchEngine::enterPhase2() {
  if (net_->inPhase2()) return;
  const auto created = net_->enterPhase2();
  // The new convolutions join the weight optimiser (the reference forgets this).
  step_weights_.reset();
  sgd_->add_param_group(torch::optim::OptimizerParamGroup(
      created, std::make_unique<torch::optim::SGDOptions>(
                   static_cast<torch::optim::SGDOptions&>(sgd_->param_groups()[0].options()))));
  zeroGradients(created);
  architect_->enterPhase2();
}

EpochSettings SearchEngine::beginEpoch(int epoch) {
  EpochSettings s;
  s.epoch = epoch;
  s.phase = options_.size_search && epoch >= options_.switch_epoch ? 2 : 1;
  s.temperature = temperatureAt(options_.temperature, epoch);
  s.lr = weightLrAt(options_.weights, epoch, options_.epochs);
  s.lambda = s.phase == 2 && band_.active() ? budgetLambdaAt(options_.budget, s.temperature) : 0.0;
  if (s.phase == 2) enterPhase2();
  setLearningRate(*sgd_, s.lr);
  settings_ = s;
  step_weights_.reset();  // T may have changed
  return s;
}

ArchStepContext SearchEngine::context() const {
  ArchStepContext c;
  c.temperature = settings_.temperature;
  c.phase2 = settings_.phase == 2;
  c.lambda = settings_.lambda;
  c.band = band_;
  c.penalty_scale = options_.budget.scale;
  c.lr = settings_.lr;
  return c;
}

StepOutcome SearchEngine::step(const torch::Tensor& x, const torch::Tensor& y,
                               const std::function<std::pair<torch::Tensor, torch::Tensor>()>& arch_batch,
                               std::mt19937_64& rng) {
  const auto ctx = context();
  StepOutcome outcome;
  architect_->beginStep(global_step_, ctx, *sgd_, rng);
  if (!step_weights_) {
    // The distributions change only with A or T: computed (and copied to the host,
    // where they decide what to compute) once per architecture update or epoch.
    torch::NoGradGuard no_grad;  // weight steps do not differentiate A
    step_weights_ = withHostCopies(arch_->distributions(ctx.temperature, options_.distribution, ctx.phase2));
  }
  const ArchWeights& w = *step_weights_;
  // Both networks step on the same batch (§4 step 2); they share nothing, so
  // they may run side by side.
  auto train_network = [&] { outcome.weights = weightStep(net_, *sgd_, x, y, w, options_.weights.grad_clip, bf16_); };
  auto train_copy = [&] { architect_->trainAlongside(x, y, ctx); };
  if (pair_) {
    pair_->run(train_network, train_copy);
  } else if (two_streams_) {
    runOnTwoStreams(device_, train_network, train_copy);
  } else {
    train_network();
    train_copy();
  }
  outcome.macs = net_->lastForwardMacs();
  outcome.dense_macs = net_->lastDenseForwardMacs();
  if (architect_->updateDue(global_step_)) {
    const auto [xa, ya] = arch_batch();
    outcome.arch = architect_->step(xa, ya, ctx);
    step_weights_.reset();
  }
  ++global_step_;
  return outcome;
}

BatchResult SearchEngine::evaluate(const torch::Tensor& x, const torch::Tensor& y) {
  return evaluateUnder(x, y, distributions());
}

BatchResult SearchEngine::evaluate(const torch::Tensor& x, const torch::Tensor& y, const Genotype& genotype) {
  const int64_t cells = net_->options().cells;
  auto alpha = torch::zeros({kStages * kEdges, kOps}, torch::kFloat);
  auto beta = torch::zeros({kStages * kEdges, kKernels}, torch::kFloat);
  auto gamma = torch::zeros({kStages, cells}, torch::kFloat);
  for (int s = 0; s < kStages; ++s) {
    for (int e = 0; e < kEdges; ++e) {
      const auto& choice = genotype.stages[s].edges[e];
      alpha[s * kEdges + e][static_cast<int>(choice.op)] = 1;
      beta[s * kEdges + e][choice.op == Op::KernelConv ? kernelIndex(choice.kernel) : 0] = 1;
    }
    gamma[s][genotype.stages[s].depth - 1] = 1;
  }
  ArchWeights w;
  w.alpha = alpha.to(device_);
  if (net_->inPhase2()) {  // phase 1's supernet has 7×7 kernels and every cell only
    w.beta = beta.to(device_);
    w.gamma = gamma.to(device_);
  }
  return evaluateUnder(x, y, w);
}

BatchResult SearchEngine::evaluateUnder(const torch::Tensor& x, const torch::Tensor& y, const ArchWeights& w) {
  torch::NoGradGuard no_grad;
  net_->eval();
  const auto logits = net_->forward(x, w);
  net_->train();
  BatchResult r;
  r.loss = torch::nn::functional::cross_entropy(logits, y).item<double>() * static_cast<double>(y.size(0));
  r.correct = logits.argmax(1).eq(y).sum().item<int64_t>();
  r.count = y.size(0);
  return r;
}

ArchWeights SearchEngine::distributions() const {
  torch::NoGradGuard no_grad;
  return arch_->distributions(settings_.temperature, options_.distribution, settings_.phase == 2);
}

Derivation SearchEngine::derive() const {
  const auto& o = net_->options();
  return deriveArchitecture(*arch_, settings_.temperature, settings_.phase == 2,
                            CountShape{o.in_channels, o.channels, o.classes}, band_, options_.derive);
}

double SearchEngine::expectedParams() const {
  const auto w = distributions();
  const auto& o = net_->options();
  return zd::expectedParams(w.alpha, w.beta, w.gamma, o.in_channels, o.channels, o.cells, o.classes).item<double>();
}

void SearchEngine::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive net_archive, sgd_archive, architect_archive;
  net_->save(net_archive);
  archive.write("network", net_archive);
  sgd_->save(sgd_archive);
  archive.write("sgd", sgd_archive);
  architect_->save(architect_archive);
  archive.write("architect", architect_archive);
  archive.write("alpha", arch_->alpha.detach());
  archive.write("beta", arch_->beta.detach());
  archive.write("gamma", arch_->gamma.detach());
  writeInt(archive, "global_step", global_step_);
  writeInt(archive, "phase2", net_->inPhase2() ? 1 : 0);
}

void SearchEngine::load(torch::serialize::InputArchive& archive) {
  if (readInt(archive, "phase2") != 0) enterPhase2();
  torch::serialize::InputArchive net_archive, sgd_archive, architect_archive;
  archive.read("network", net_archive);
  net_->load(net_archive);
  archive.read("sgd", sgd_archive);
  sgd_->load(sgd_archive);
  {
    torch::NoGradGuard no_grad;
    for (auto [key, param] : {std::pair{"alpha", arch_->alpha}, {"beta", arch_->beta}, {"gamma", arch_->gamma}}) {
      torch::Tensor saved;  // fresh: reading into a defined tensor reinterprets it
      archive.read(key, saved);
      param.copy_(saved);
    }
  }
  global_step_ = readInt(archive, "global_step");
  step_weights_.reset();
  archive.read("architect", architect_archive);
  auto ctx = context();
  ctx.phase2 = net_->inPhase2();
  architect_->load(architect_archive, ctx);
}

}  // namespace zd
