// The architect-step interface: the first-order DARTS step hands Adam exactly
// ∂L_val/∂A (with the budget penalty), computed here independently by autograd on
// the same batch, and so does the second-order one as its virtual step vanishes; the zeroth-order step hands it an
// estimate along the round's direction u, redrawn here from the same generator; each updates only every R-th step; and
// a saved and reloaded architect continues as the original.
#include "core/nas/param_count.h"
#include "core/search/architect_step.h"
#include "core/search/weight_step.h"
#include "core/search/zo_estimate.h"

#include <torch/torch.h>

#include <QtTest>

namespace {

zd::SupernetOptions tinyNetwork() {
  zd::SupernetOptions n;
  n.classes = 3;
  n.channels = 4;
  n.cells = 1;
  return n;
}

// One search's pieces: network, A, the network's SGD and an architect for `options`.
struct Rig {
  explicit Rig(const zd::SearchOptions& o) : options(o) {
    torch::manual_seed(3);
    net = zd::Supernet(tinyNetwork());
    arch = std::make_unique<zd::Architecture>(1, 0.5, torch::kCPU);  // far from uniform: gradients differ per entry
    sgd = zd::makeWeightOptimizer(net->parameters(), options.weights, options.weights.lr);
    architect = zd::makeArchitectStep(net, *arch, options, torch::kCPU);
  }
  zd::SearchOptions options;
  zd::Supernet net{nullptr};
  std::unique_ptr<zd::Architecture> arch;
  std::unique_ptr<torch::optim::SGD> sgd;
  std::unique_ptr<zd::ArchitectStep> architect;
};

std::pair<torch::Tensor, torch::Tensor> batch(int64_t seed) {
  torch::manual_seed(seed);
  return {torch::randn({8, 1, 12, 12}), torch::randint(0, 3, {8}, torch::kLong)};
}

// The gradients the architect left on A's active parameters, flattened together.
torch::Tensor handedToAdam(const zd::Architecture& arch, bool phase2) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : arch.active(phase2))
    flat.push_back(p.grad().defined() ? p.grad().flatten() : torch::zeros({p.numel()}));
  return torch::cat(flat);
}

double cosine(const torch::Tensor& a, const torch::Tensor& b) {
  return (a * b).sum().item<double>() / (a.norm().item<double>() * b.norm().item<double>());
}

}  // namespace

class TestArchitectStep : public QObject {
  Q_OBJECT
 private slots:
  // darts1 in phase 2 with the count outside its band: g = ∂(CE + λ·penalty)/∂A.
  // darts2 with a vanishing virtual step (ξ = the weights' lr → 0) is first order
  // too; with a real step its second-order term moves it away, and its virtual
  // steps leave the network's weights and BatchNorm statistics as they were.
  void dartsHandsAdamTheExactGradient_data() {
    QTest::addColumn<int>("estimator");
    QTest::addColumn<double>("lr");
    QTest::addColumn<bool>("firstOrder");
    QTest::newRow("darts1") << static_cast<int>(zd::Estimator::Darts1) << 0.1 << true;
    QTest::newRow("darts2, xi -> 0") << static_cast<int>(zd::Estimator::Darts2) << 1e-9 << true;
    QTest::newRow("darts2, xi = 0.5") << static_cast<int>(zd::Estimator::Darts2) << 0.5 << false;
  }
  void dartsHandsAdamTheExactGradient() {
    QFETCH(int, estimator);
    QFETCH(double, lr);
    QFETCH(bool, firstOrder);
    zd::SearchOptions o;
    o.arch.estimator = static_cast<zd::Estimator>(estimator);
    o.arch.rounds = 1;
    Rig rig(o);
    rig.net->enterPhase2();
    rig.architect->enterPhase2();
    zd::ArchStepContext ctx;
    ctx.temperature = 0.7;
    ctx.phase2 = true;
    ctx.lambda = 20;
    ctx.band = {1, 2};  // every architecture is above it: the penalty pulls
    ctx.penalty_scale = 1e4;
    ctx.lr = lr;
    const auto [x, y] = batch(5);
    const auto [xw, yw] = batch(6);

    // The independent computation, before the step moves A.
    const auto w = rig.arch->distributions(ctx.temperature, o.distribution, true);
    const auto& n = rig.net->options();
    const auto count = zd::expectedParams(w.alpha, w.beta, w.gamma, n.in_channels, n.channels, n.cells, n.classes);
    const auto loss = torch::nn::functional::cross_entropy(rig.net->forward(x, w), y) +
                      ctx.lambda * zd::budgetPenalty(count, ctx.band, ctx.penalty_scale);
    const auto active = rig.arch->active(true);
    const auto grads = torch::autograd::grad({loss}, active, {}, false, false, true);
    std::vector<torch::Tensor> flat;
    for (size_t i = 0; i < grads.size(); ++i)
      flat.push_back(grads[i].defined() ? grads[i].flatten() : torch::zeros({active[i].numel()}));
    const auto expected = torch::cat(flat);

    std::vector<torch::Tensor> state_before;
    for (const auto& t : rig.net->parameters()) state_before.push_back(t.detach().clone());
    for (const auto& t : rig.net->buffers()) state_before.push_back(t.clone());
    std::mt19937_64 rng(1);
    rig.architect->beginStep(0, ctx, *rig.sgd, rng);
    rig.architect->trainAlongside(xw, yw, ctx);
    // The step's own forward moves the running statistics once, as every estimator's does.
    const auto result = rig.architect->step(x, y, ctx);
    QVERIFY(result.penalty > 0);
    const auto got = handedToAdam(*rig.arch, true);
    QVERIFY(expected.abs().sum().item<double>() > 0);
    const double difference = (got - expected).abs().max().item<double>();
    if (firstOrder) {
      QVERIFY2(torch::allclose(got, expected, 1e-4, 1e-6), qPrintable(QString("max difference %1").arg(difference)));
    } else {
      QVERIFY2(difference > 1e-4, qPrintable(QString("max difference %1").arg(difference)));
      const auto params = rig.net->parameters();
      for (size_t i = 0; i < params.size(); ++i) QVERIFY(torch::equal(params[i].detach(), state_before[i]));
    }
  }

  // zo: the estimate lies along the round's u (the direct gradient projected, §4),
  // and the update comes only after R weight steps.
  void zoHandsAdamAnEstimateAlongU() {
    zd::SearchOptions o;
    o.arch.rounds = 2;
    Rig rig(o);
    zd::ArchStepContext ctx;
    std::mt19937_64 rng(11), redraw(11);
    const auto u = zd::sampleUnitDirection(rig.arch->active(false), redraw, torch::kCPU);
    QVERIFY(!rig.architect->updateDue(0));
    QVERIFY(rig.architect->updateDue(1));
    const auto alpha_before = rig.arch->alpha.detach().clone();
    for (int64_t step = 0; step < 2; ++step) {
      rig.architect->beginStep(step, ctx, *rig.sgd, rng);
      const auto [x, y] = batch(20 + step);
      zd::weightStep(rig.net, *rig.sgd, x, y, rig.arch->distributions(ctx.temperature, o.distribution, false),
                     o.weights.grad_clip);
      rig.architect->trainAlongside(x, y, ctx);
    }
    QVERIFY(torch::equal(rig.arch->alpha.detach(), alpha_before));  // weight steps leave A alone
    const auto [xa, ya] = batch(30);
    rig.architect->step(xa, ya, ctx);
    const auto got = handedToAdam(*rig.arch, false);
    QVERIFY(got.norm().item<double>() > 0);
    const double along = std::abs(cosine(got, u[0].flatten()));
    QVERIFY2(along > 1 - 1e-5, qPrintable(QString("|cos(g, u)| = %1").arg(along)));
    QVERIFY(!torch::equal(rig.arch->alpha.detach(), alpha_before));
  }

  // A resumed search continues as the uninterrupted one: the architect's state
  // (Adam's moments; for zo the round, u, μ and the perturbed copy) round-trips.
  void savedArchitectContinuesAsTheOriginal_data() {
    QTest::addColumn<int>("estimator");
    QTest::newRow("zo") << static_cast<int>(zd::Estimator::Zo);
    QTest::newRow("darts1") << static_cast<int>(zd::Estimator::Darts1);
  }
  void savedArchitectContinuesAsTheOriginal() {
    QFETCH(int, estimator);
    zd::SearchOptions o;
    o.arch.estimator = static_cast<zd::Estimator>(estimator);
    o.arch.rounds = 2;
    zd::ArchStepContext ctx;
    Rig original(o), resumed(o);
    std::mt19937_64 rng(7);
    // Step 0 opens a round; the checkpoint falls between it and the update.
    original.architect->beginStep(0, ctx, *original.sgd, rng);
    const auto [x0, y0] = batch(40);
    original.architect->trainAlongside(x0, y0, ctx);
    original.architect->step(x0, y0, ctx);  // an earlier update: Adam has moments to save
    original.architect->beginStep(2, ctx, *original.sgd, rng);
    original.architect->trainAlongside(x0, y0, ctx);

    torch::serialize::OutputArchive saved;
    original.architect->save(saved);
    std::stringstream bytes;
    saved.save_to(bytes);
    torch::serialize::InputArchive loaded;
    loaded.load_from(bytes);
    resumed.architect->load(loaded, ctx);
    {
      torch::NoGradGuard no_grad;
      for (size_t i = 0; i < 3; ++i) resumed.arch->all()[i].copy_(original.arch->all()[i]);
    }

    const auto [xa, ya] = batch(41);
    original.architect->step(xa, ya, ctx);
    resumed.architect->step(xa, ya, ctx);
    QVERIFY(torch::equal(original.arch->alpha.detach(), resumed.arch->alpha.detach()));
  }
};

QTEST_APPLESS_MAIN(TestArchitectStep)
#include "test_architect_step.moc"
