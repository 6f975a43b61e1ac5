// The zeroth-order hypergradient on a bilevel problem with a closed-form answer:
// inner  w*(A) = argmin ½‖w − M·A‖² = M·A (reached by SGD),
// outer  L_val(w, A) = ½‖w − t‖² + ½·c·‖A‖²,
// so dL_val(w*(A), A)/dA = Mᵀ(M·A − t) + c·A.
#include "core/search/weight_step.h"
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

  // With momentum SGD (the search's inner optimiser: momentum 0.9, Nesterov) the
  // network arrives at a round with momentum b0. The perturbed copy must start with
  // b0 too (copyMomentum, arch.perturbed_momentum "copy"): then v measures only the
  // response to μu. Started fresh (the reference's), v also carries the momentum
  // difference over R steps divided by μ, a term independent of u: the estimate
  // becomes a random walk along u. Truth: autograd through the unrolled steps.
  void copiedMomentumMakesTheEstimateMeasureTheHypergradient() {
    const Problem p;
    torch::manual_seed(21);
    const auto b0 = torch::randn({kWeights});
    constexpr double kMomentum = 0.9, kStepLr = 0.05;
    // R steps of the inner loss ½‖w − M·A‖² from (w0, b0), differentiable in A.
    const auto unrolled = [&](const torch::Tensor& arch) {
      auto w = p.w0.clone();
      auto b = b0.clone();
      for (int k = 0; k < kRounds; ++k) {
        const auto g = w - torch::mv(p.m, arch);
        b = kMomentum * b + g;
        w = w - kStepLr * (g + kMomentum * b);
      }
      return w;
    };
    auto a = p.a.clone().requires_grad_(true);
    const auto w_true = unrolled(a);
    const auto l_val = 0.5 * (w_true - p.t).pow(2).sum() + 0.5 * kC * a.pow(2).sum();
    const auto truth = torch::autograd::grad({l_val}, {a})[0].detach();

    // The same steps with LibTorch's SGD, as the search takes them.
    torch::optim::SGDOptions options(kStepLr);
    options.momentum(kMomentum).nesterov(true);
    auto network_w = p.w0.clone().requires_grad_(true);
    torch::optim::SGD network(std::vector<torch::Tensor>{network_w}, options);
    {  // give the network's optimiser the momentum b0 it arrives with
      torch::NoGradGuard no_grad;
      network_w.mutable_grad() = b0.clone();
      torch::optim::SGD seed(std::vector<torch::Tensor>{network_w}, torch::optim::SGDOptions(0.0).momentum(kMomentum));
      seed.step();  // lr 0: the weights stay, the buffer becomes b0
      zd::copyMomentum(seed, {network_w}, network, {network_w});
    }
    const auto train = [&](const torch::Tensor& arch, bool copy_momentum) {
      auto w = p.w0.clone().requires_grad_(true);
      torch::optim::SGD sgd(std::vector<torch::Tensor>{w}, options);
      if (copy_momentum) zd::copyMomentum(network, {network_w}, sgd, {w});
      for (int k = 0; k < kRounds; ++k) {
        torch::NoGradGuard no_grad;
        w.mutable_grad() = w.detach() - torch::mv(p.m, arch);
        sgd.step();
      }
      return w.detach();
    };
    const auto w = train(p.a, true);
    QVERIFY(torch::allclose(w, w_true.detach(), 1e-5, 1e-5));  // LibTorch's steps are the unrolled ones
    const auto g_w = w - p.t;
    const auto g_a = kC * p.a;
    const double mu = 5e-3 * p.a.norm().item<double>();
    struct Spread {
      double cosine, error_rms;
    };
    const auto estimate = [&](bool copy_momentum) {
      std::mt19937_64 rng(17);
      auto mean = torch::zeros({kArch});
      double error2 = 0;
      const int samples = 400;
      for (int i = 0; i < samples; ++i) {
        const auto u = zd::sampleUnitDirection({p.a}, rng, torch::kCPU);
        const auto w_perturbed = train(p.a + mu * u[0], copy_momentum);
        const double d = zd::zoDirectionalDerivative({g_a}, u, {g_w}, {w_perturbed}, {w}, mu);
        const double exact = (truth * u[0]).sum().item<double>();
        error2 += (d - exact) * (d - exact);
        mean += d * u[0];
      }
      return Spread{cosine(mean / samples, truth), std::sqrt(error2 / samples)};
    };
    const Spread copied = estimate(true), fresh = estimate(false);
    const double scale = truth.norm().item<double>();
    qInfo("momentum copied: cosine %.3f, rms error of g.u %.3g; fresh: cosine %.3f, rms error %.3g (|truth| %.3g)",
          copied.cosine, copied.error_rms, fresh.cosine, fresh.error_rms, scale);
    QVERIFY2(copied.cosine > 0.9, qPrintable(QString::number(copied.cosine)));
    QVERIFY(copied.error_rms < 0.02 * scale);  // exact along every u, up to O(μ)
    QVERIFY(fresh.error_rms > 100 * copied.error_rms);
    QVERIFY(fresh.error_rms > scale);  // the u-independent term outweighs the signal
    QVERIFY(fresh.cosine < copied.cosine);
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
