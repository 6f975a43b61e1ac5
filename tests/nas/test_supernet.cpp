#include "core/nas/discrete_network.h"
#include "core/nas/param_count.h"
#include "core/nas/sparsemax.h"
#include "core/nas/supernet.h"

#include <torch/torch.h>

#include <QtTest>

namespace {

zd::SupernetOptions tinyOptions(bool skip) {
  zd::SupernetOptions o;
  o.in_channels = 1;
  o.classes = 3;
  o.channels = 4;
  o.cells = 2;
  o.skip_zero_ops = skip;
  return o;
}

// Distributions with many exact zeros (sparsemax of spread-out logits), as leaves.
struct Arch {
  torch::Tensor alpha, beta, gamma;
  explicit Arch(int64_t cells, bool phase2, uint64_t seed) {
    torch::manual_seed(seed);
    alpha = (torch::randn({18, 5}, torch::kFloat) * 2).requires_grad_(true);
    if (phase2) {
      beta = (torch::randn({18, 3}) * 2).requires_grad_(true);
      gamma = (torch::randn({3, cells}) * 2).requires_grad_(true);
    }
  }
  zd::ArchWeights weights() const {
    zd::ArchWeights w;
    w.alpha = zd::sparsemax(alpha);
    if (beta.defined()) w.beta = zd::sparsemax(beta);
    if (gamma.defined()) w.gamma = zd::sparsemax(gamma);
    return w;
  }
  std::vector<torch::Tensor> leaves() const {
    std::vector<torch::Tensor> v{alpha};
    if (beta.defined()) v.push_back(beta), v.push_back(gamma);
    return v;
  }
};

struct Gradients {
  torch::Tensor logits;
  std::vector<torch::Tensor> weights, arch;
};

Gradients runOnce(zd::Supernet& net, const Arch& arch, const torch::Tensor& x, const torch::Tensor& y) {
  const auto logits = net->forward(x, arch.weights());
  const auto loss = torch::nn::functional::cross_entropy(logits, y);
  auto inputs = net->parameters();
  const size_t n_weights = inputs.size();
  for (const auto& a : arch.leaves()) inputs.push_back(a);
  const auto grads = torch::autograd::grad({loss}, inputs, {}, false, false, /*allow_unused=*/true);
  Gradients g;
  g.logits = logits.detach();
  for (size_t i = 0; i < grads.size(); ++i) {
    // Skipped ops have no gradient at all: exactly zero.
    const auto grad = grads[i].defined() ? grads[i] : torch::zeros_like(inputs[i]);
    (i < n_weights ? g.weights : g.arch).push_back(grad);
  }
  return g;
}

double maxAbsDiff(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, (a[i] - b[i]).abs().max().item<double>());
  return m;
}

}  // namespace

class TestSupernet : public QObject {
  Q_OBJECT

 private slots:
  void phase1CountIsTheReferencesModel_data() {
    QTest::addColumn<int>("classes");
    QTest::addColumn<qlonglong>("expected");
    QTest::newRow("2 classes") << 2 << 4914930LL;
    QTest::newRow("11 classes") << 11 << 4915515LL;
  }
  void phase1CountIsTheReferencesModel() {
    QFETCH(int, classes);
    QFETCH(qlonglong, expected);
    zd::SupernetOptions o;
    o.classes = classes;
    zd::Supernet net(o);
    QCOMPARE(qlonglong(zd::countParameters(*net)), expected);
    QCOMPARE(qlonglong(zd::supernetParams(1, 16, 3, classes)), expected);
  }

  void skippingZeroOpsIsExact_data() {
    QTest::addColumn<bool>("phase2");
    QTest::newRow("phase 1") << false;
    QTest::newRow("phase 2 (kernels and depth)") << true;
  }
  void skippingZeroOpsIsExact() {
    QFETCH(bool, phase2);
    for (uint64_t seed : {1, 2, 3}) {
      torch::manual_seed(100 + seed);
      zd::Supernet skip(tinyOptions(true));
      torch::manual_seed(100 + seed);
      zd::Supernet dense(tinyOptions(false));
      if (phase2) {
        skip->enterPhase2();
        dense->enterPhase2();
      }
      const Arch arch(2, phase2, seed);
      QVERIFY2((arch.weights().alpha == 0).sum().item<int64_t>() > 10, "the test needs exact zeros");
      torch::manual_seed(seed);
      const auto x = torch::rand({6, 1, 16, 16});
      const auto y = torch::randint(0, 3, {6}, torch::kLong);
      const auto a = runOnce(skip, arch, x, y);
      const auto b = runOnce(dense, arch, x, y);
      QVERIFY2((a.logits - b.logits).abs().max().item<double>() < 1e-5, "outputs differ");
      const double dw = maxAbsDiff(a.weights, b.weights);
      const double da = maxAbsDiff(a.arch, b.arch);
      QVERIFY2(dw < 1e-5, qPrintable(QString("weight gradients differ by %1").arg(dw)));
      QVERIFY2(da < 1e-5, qPrintable(QString("architecture gradients differ by %1").arg(da)));
      // Skipping computes less; the dense count is what the dense forward computed.
      QVERIFY(skip->lastForwardMacs() < dense->lastForwardMacs());
      QCOMPARE(dense->lastForwardMacs(), dense->lastDenseForwardMacs());
      QCOMPARE(skip->lastDenseForwardMacs(), dense->lastDenseForwardMacs());
    }
  }

  void phaseSwitchInheritsCentreCrops() {
    torch::manual_seed(4);
    zd::Supernet net(tinyOptions(true));
    const int64_t before = zd::countParameters(*net);
    const auto created = net->enterPhase2();
    // 5×5 and 3×3 conv (weight + bias) on every edge of every cell.
    QCOMPARE(created.size(), size_t(3 * 2 * 6 * 2 * 2));
    QVERIFY(net->inPhase2());
    QVERIFY(net->enterPhase2().empty());  // idempotent
    const auto params = net->named_parameters();
    const auto w7 = params["stage1_cell0.edge2_conv7x7.weight"];
    const auto w5 = params["stage1_cell0.edge2_conv5x5.weight"];
    const auto w3 = params["stage1_cell0.edge2_conv3x3.weight"];
    QVERIFY(torch::equal(w5, w7.narrow(2, 1, 5).narrow(3, 1, 5)));
    QVERIFY(torch::equal(w3, w7.narrow(2, 2, 3).narrow(3, 2, 3)));
    QVERIFY(torch::equal(params["stage1_cell0.edge2_conv3x3.bias"], params["stage1_cell0.edge2_conv7x7.bias"]));
    int64_t added = 0;
    for (const auto& p : created) added += p.numel();
    QCOMPARE(zd::countParameters(*net), before + added);
  }

  void discreteNetworkCountEqualsFormula() {
    std::mt19937_64 rng(21);
    for (int trial = 0; trial < 40; ++trial) {
      const auto genotype = zd::Genotype::random(rng, 3);
      for (int64_t in : {1, 3})
        for (int64_t classes : {2, 11}) {
          zd::DiscreteNetwork net(genotype, zd::DiscreteNetworkOptions{in, classes, 4});
          QCOMPARE(zd::countParameters(*net), zd::exactParams(genotype, in, 4, classes));
        }
    }
  }

  void discreteNetworkOfTheCheckValue() {
    zd::Genotype g;
    g.stages.resize(3);
    g.stages[0] = zd::StageGenotype::fromString(
        "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|", 1);
    g.stages[1] = zd::StageGenotype::fromString(
        "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|", 2);
    g.stages[2] = zd::StageGenotype::fromString(
        "|nor_conv_7x7~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|", 3);
    QCOMPARE(zd::countParameters(*zd::DiscreteNetwork(g, zd::DiscreteNetworkOptions{1, 2, 16})), int64_t(807266));
    QCOMPARE(zd::countParameters(*zd::DiscreteNetwork(g, zd::DiscreteNetworkOptions{3, 11, 16})), int64_t(808139));
  }

  void discreteNetworkRunsDisconnectedCells() {
    zd::Genotype g;
    g.stages.resize(3);
    for (auto& s : g.stages)
      s = zd::StageGenotype::fromString("|none~0|+|none~0|skip_connect~1|+|none~0|none~1|nor_conv_3x3~2|", 1);
    QVERIFY(!g.stages[0].outputConnected());
    zd::DiscreteNetwork net(g, zd::DiscreteNetworkOptions{1, 2, 4});
    net->eval();
    const auto out = net->forward(torch::rand({2, 1, 28, 28}));
    QCOMPARE(out.sizes(), (std::vector<int64_t>{2, 2}));
    QVERIFY(torch::isfinite(out).all().item<bool>());
  }
};

QTEST_GUILESS_MAIN(TestSupernet)
#include "test_supernet.moc"
