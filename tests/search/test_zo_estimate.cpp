// The zeroth-order hypergradient on a bilevel problem with a closed-form answer:
// inner  w*(A) = argmin ½‖w − M·A‖² = M·A (reached by SGD),
// outer  L_val(w, A) = ½‖w − t‖² + ½·c·‖A‖²,
// so dL_val(w*(A), A)/dA = Mᵀ(M·A − t) + c·A.
#include "core/search/zo_estimate.h"

#include <torch/torch.h>

#include <QtTest>

namespace {

constexpr int kArch = 6, kWeights = 8, kRounds = 10;
constexpr double kLr = 0.5, kC = 0.3;

struct Problem {
  torch::Tensor m, t, a, w0;
  Problem() {
    torch::manual_seed(7);
    m = torch::randn({kWeights, kArch});
    t = torch::randn({kWeights});
    a = torch::randn({kArch});
    w0 = torch::randn({kWeights});
  }
  // R SGD steps on the inner loss from w0, as the search's weight steps do.
  torch::Tensor train(const torch::Tensor& arch) const {
    auto w = w0.clone();
    for (int k = 0; k < kRounds; ++k) w = w - kLr * (w - torch::mv(m, arch));
    return w;
  }
  torch::Tensor trueHypergradient() const { return torch::mv(m.t(), torch::mv(m, a) - t) + kC * a; }
};

double cosine(const torch::Tensor& x, const torch::Tensor& y) {
  return (x * y).sum().item<double>() / (x.norm().item<double>() * y.norm().item<double>());
}

}  // namespace

class TestZoEstimate : public QObject {
  Q_OBJECT

 private slots:
  void directionIsUnitAndSeeded() {
    std::mt19937_64 rng1(5), rng2(5);
    const std::vector<torch::Tensor> like{torch::zeros({18, 5}), torch::zeros({3, 3})};
    const auto u1 = zd::sampleUnitDirection(like, rng1, torch::kCPU);
    const auto u2 = zd::sampleUnitDirection(like, rng2, torch::kCPU);
    QCOMPARE(u1.size(), size_t(2));
    QCOMPARE(u1[0].sizes(), like[0].sizes());
    const double norm2 = u1[0].pow(2).sum().item<double>() + u1[1].pow(2).sum().item<double>();
    QVERIFY(std::abs(norm2 - 1.0) < 1e-5);
    QVERIFY(torch::equal(u1[0], u2[0]) && torch::equal(u1[1], u2[1]));
  }

  // For any single u, g_A·u + g_w·v is the directional derivative up to O(μ).
  void directionalDerivativeIsExactPerDirection() {
    const Problem p;
    const auto w = p.train(p.a);
    const auto g_w = w - p.t;
    const auto g_a = kC * p.a;
    const auto truth = p.trueHypergradient();
    std::mt19937_64 rng(11);
    const double mu = 1e-2;
    for (int i = 0; i < 50; ++i) {
      const auto u = zd::sampleUnitDirection({p.a}, rng, torch::kCPU);
      const auto w_perturbed = p.train(p.a + mu * u[0]);
      const double d = zd::zoDirectionalDerivative({g_a}, u, {g_w}, {w_perturbed}, {w}, mu);
      const double expected = (truth * u[0]).sum().item<double>();
      QVERIFY2(std::abs(d - expected) < 2e-2 * (1 + std::abs(expected)),
               qPrintable(QString("%1 vs %2").arg(d).arg(expected)));
    }
  }

  // E[(∇·u) u] = ∇/d: the mean of many one-direction estimates points the true way.
  void meanEstimatePointsTheTrueWay() {
    const Problem p;
    const auto w = p.train(p.a);
    const auto g_w = w - p.t;
    const auto g_a = kC * p.a;
    std::mt19937_64 rng(13);
    const double mu = 5e-3 * p.a.norm().item<double>();  // μ = 0.005·‖α‖ as in the search
    auto mean = torch::zeros({kArch});
    const int samples = 2000;
    for (int i = 0; i < samples; ++i) {
      const auto u = zd::sampleUnitDirection({p.a}, rng, torch::kCPU);
      const auto w_perturbed = p.train(p.a + mu * u[0]);
      const double d = zd::zoDirectionalDerivative({g_a}, u, {g_w}, {w_perturbed}, {w}, mu);
      mean += d * u[0];
    }
    mean /= samples;
    const double c = cosine(mean, p.trueHypergradient());
    QVERIFY2(c > 0.9, qPrintable(QString("cosine %1").arg(c)));
    // And the scale: E[ĝ] = ∇/d.
    const double ratio = mean.norm().item<double>() / (p.trueHypergradient().norm().item<double>() / kArch);
    QVERIFY2(ratio > 0.7 && ratio < 1.3, qPrintable(QString("scale ratio %1").arg(ratio)));
  }

  void undefinedGradientsCountAsZero() {
    const auto u = std::vector<torch::Tensor>{torch::ones({2}) / std::sqrt(2.0)};
    const double d = zd::zoDirectionalDerivative({torch::Tensor()}, u, {torch::Tensor(), torch::ones({3})},
                                                 {torch::ones({4}), torch::full({3}, 2.0)},
                                                 {torch::zeros({4}), torch::ones({3})}, 0.5);
    QCOMPARE(d, 3.0 / 0.5);
  }
};

QTEST_GUILESS_MAIN(TestZoEstimate)
#include "test_zo_estimate.moc"
