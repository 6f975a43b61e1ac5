// DARTS's second-order hypergradient on the bilevel problem test_zo_estimate uses,
// whose unrolled gradient is known in closed form:
//   L_train(w, A) = ½‖w − M·A‖²,   L_val(w, A) = ½‖w − t‖² + ½·c·‖A‖²
//   w' = w − ξ·(m·b + (w − M·A) + δ·w)   ⇒   dw'/dA = ξ·M
//   d L_val(w'(A), A)/dA = c·A + ξ·Mᵀ(w' − t)
// and, from the inner optimum w = M·A with ξ = 1 (no momentum or decay), the true
// hypergradient Mᵀ(M·A − t) + c·A.
#include "core/search/unrolled_hypergradient.h"

#include <torch/torch.h>

#include <QtTest>

namespace {

constexpr int kArch = 6, kWeights = 8;
constexpr double kC = 0.3;

struct Problem {
  torch::Tensor m, t, a, w, b;
  Problem() {
    torch::manual_seed(7);
    m = torch::randn({kWeights, kArch}, torch::kDouble);
    t = torch::randn({kWeights}, torch::kDouble);
    a = torch::randn({kArch}, torch::kDouble).requires_grad_(true);
    w = torch::randn({kWeights}, torch::kDouble).requires_grad_(true);
    b = torch::randn({kWeights}, torch::kDouble);
  }
  torch::Tensor trainLoss() const { return 0.5 * (w - torch::mv(m, a)).pow(2).sum(); }
  torch::Tensor valLoss() const { return 0.5 * (w - t).pow(2).sum() + 0.5 * kC * a.pow(2).sum(); }
  std::vector<torch::Tensor> hypergradient(const zd::UnrolledStep& step, bool momentum) {
    return zd::unrolledHypergradient([this] { return trainLoss(); }, [this] { return valLoss(); }, {w}, {a},
                                     momentum ? std::vector<torch::Tensor>{b} : std::vector<torch::Tensor>{}, step);
  }
};

}  // namespace

class TestUnrolledHypergradient : public QObject {
  Q_OBJECT
 private slots:
  void matchesTheClosedForm_data() {
    QTest::addColumn<double>("xi");
    QTest::addColumn<double>("momentum");
    QTest::addColumn<double>("decay");
    QTest::newRow("plain step") << 0.3 << 0.0 << 0.0;
    QTest::newRow("momentum and decay") << 0.1 << 0.9 << 3e-4;
    QTest::newRow("large step") << 0.9 << 0.5 << 0.01;
  }
  void matchesTheClosedForm() {
    QFETCH(double, xi);
    QFETCH(double, momentum);
    QFETCH(double, decay);
    Problem p;
    const auto w_before = p.w.detach().clone();
    zd::UnrolledStep step;
    step.xi = xi;
    step.momentum = momentum;
    step.weight_decay = decay;
    const auto g = p.hypergradient(step, true);

    torch::NoGradGuard no_grad;
    const auto a = p.a.detach(), w = p.w.detach();
    const auto w_virtual = w - xi * (momentum * p.b + (w - torch::mv(p.m, a)) + decay * w);
    const auto expected = kC * a + xi * torch::mv(p.m.t(), w_virtual - p.t);
    QCOMPARE(g.size(), size_t(1));
    QVERIFY2(torch::allclose(g[0], expected, 1e-6, 1e-8),
             qPrintable(QString("max difference %1").arg((g[0] - expected).abs().max().item<double>())));
    QVERIFY(torch::equal(p.w.detach(), w_before));  // the virtual steps leave w as it was
  }

  void fromTheInnerOptimumItIsTheTrueHypergradient() {
    Problem p;
    {
      torch::NoGradGuard no_grad;
      p.w.copy_(torch::mv(p.m, p.a));
    }
    zd::UnrolledStep step;
    step.xi = 1;
    const auto g = p.hypergradient(step, false);
    torch::NoGradGuard no_grad;
    const auto a = p.a.detach();
    const auto truth = torch::mv(p.m.t(), torch::mv(p.m, a) - p.t) + kC * a;
    QVERIFY(torch::allclose(g[0], truth, 1e-6, 1e-8));
  }

  // With ξ → 0 the implicit part vanishes: first-order DARTS, ∂L_val/∂A = c·A.
  void vanishingStepIsFirstOrder() {
    Problem p;
    zd::UnrolledStep step;
    step.xi = 1e-9;
    const auto g = p.hypergradient(step, false);
    QVERIFY(torch::allclose(g[0], kC * p.a.detach(), 1e-6, 1e-8));
  }
};

QTEST_APPLESS_MAIN(TestUnrolledHypergradient)
#include "test_unrolled_hypergradient.moc"
