// The architecture step's budget settings act as they claim on a tiny supernet in
// phase 2 whose expected size lies far above its band: the penalty's exact gradient
// added in full pulls the expected count down at every update; projected on one
// random direction (the reference's) it barely does; the softmax path still pulls
// where sparsemax is one-hot; the trust region caps each update's change.
#include "core/nas/param_count.h"
#include "core/search/search_engine.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <QtTest>

namespace {

struct Trace {
  std::vector<double> counts;  // P before each architecture update
  double band_width = 0;
};

Trace run(const std::function<void(zd::SearchOptions&)>& tweak, double t0 = 1.0) {
  zd::SearchOptions options;
  options.network.channels = 4;
  options.network.cells = 2;
  options.batch = 8;
  options.arch.rounds = 1;   // an update every step
  options.switch_epoch = 0;  // phase 2 (and the penalty) from the start
  options.temperature.t0 = t0;
  options.parallel_copies = zd::ParallelCopies::Off;
  options.budget.scale = 1e3;  // a tiny net's counts are ~10k: make the penalty felt
  tweak(options);
  zd::SupernetOptions network;
  network.classes = 3;
  network.channels = 4;
  network.cells = 2;
  // A band just above the smallest architectures: the uniform start is far above it.
  const double smallest = double(zd::fixedParams(1, 4, 3));
  const zd::BudgetBand band{smallest, smallest + 2000};
  zd::SearchEngine engine(options, network, band, torch::kCPU);
  std::mt19937_64 rng(3);
  torch::Generator data = at::detail::createCPUGenerator(5);
  auto batch = [&] { return std::make_pair(torch::rand({8, 1, 16, 16}, data), torch::randint(0, 3, {8}, data)); };
  engine.beginEpoch(0);
  Trace trace;
  trace.band_width = band.max - band.min;
  for (int step = 0; step < 8; ++step) {
    const auto [x, y] = batch();
    const auto outcome = engine.step(x, y, batch, rng);
    if (outcome.arch) trace.counts.push_back(outcome.arch->expected_params);
  }
  trace.counts.push_back(engine.expectedParams());
  return trace;
}

double drop(const Trace& t) { return t.counts.front() - t.counts.back(); }

}  // namespace

class TestBudgetPull : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { at::set_num_threads(1); }

  void fullPenaltyGradientPullsAtEveryUpdate() {
    const Trace full = run([](zd::SearchOptions&) {});  // the defaults: full, momentum copied
    const Trace projected = run([](zd::SearchOptions& o) { o.arch.penalty_gradient = zd::PenaltyGradient::Projected; });
    QCOMPARE(full.counts.size(), size_t(9));
    for (size_t i = 1; i < full.counts.size(); ++i)
      QVERIFY2(full.counts[i] < full.counts[i - 1],
               qPrintable(QString("update %1: %2 -> %3").arg(i).arg(full.counts[i - 1]).arg(full.counts[i])));
    qInfo("expected count fell by %.0f with the penalty in full, %.0f projected on u", drop(full), drop(projected));
    QVERIFY(drop(full) > 3 * std::abs(drop(projected)));
  }

  // Cold (logits N(0, 1) at T = 1e-3: rows ~1000 apart after scaling): sparsemax is
  // one-hot, its Jacobian zero, so neither the exact penalty gradient nor the
  // estimate moves A (a tiny μ leaves the copy's choices, hence its weights, equal
  // to the network's: v = 0); through softmax the penalty still pulls.
  void softmaxPathPullsWhereSparsemaxIsSaturated() {
    const auto cold = [](zd::SearchOptions& o) {
      o.arch.init_scale = 1;
      o.arch.mu_scale = 1e-5;
      o.arch.lr = 0.5;
      o.arch.weight_decay = 0;  // Adam would otherwise move A by the decay alone
    };
    const auto exact = run(cold, 1e-3);
    const auto soft = run(
        [&](zd::SearchOptions& o) {
          cold(o);
          o.arch.penalty_path = zd::PenaltyPath::Softmax;
        },
        1e-3);
    qInfo("cold search: count fell by %.0f (sparsemax path), %.0f (softmax path)", drop(exact), drop(soft));
    QCOMPARE(drop(exact), 0.0);
    QVERIFY(drop(soft) > 0);
  }

  void trustRegionCapsEachUpdate() {
    const Trace capped = run([](zd::SearchOptions& o) {
      o.arch.lr = 0.5;  // large steps that the cap must shorten
      o.arch.max_count_step = 0.25;
    });
    for (size_t i = 1; i < capped.counts.size(); ++i)
      QVERIFY2(std::abs(capped.counts[i] - capped.counts[i - 1]) <= 0.25 * capped.band_width * (1 + 1e-6),
               qPrintable(QString("update %1 moved %2").arg(i).arg(capped.counts[i] - capped.counts[i - 1])));
    QVERIFY(drop(capped) > 0);
  }
};

QTEST_APPLESS_MAIN(TestBudgetPull)
#include "test_budget_pull.moc"
