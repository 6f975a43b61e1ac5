// addNormalizedTerms against the plain composition it replaces (batch_norm with
// batch statistics, then base + p · share): same outputs and same gradients.
#include "core/nas/candidate_ops.h"
#include "core/nas/normalized_terms.h"

#include <torch/torch.h>

#include <QtTest>

namespace {

struct Case {
  torch::Tensor conv_out;
  std::vector<torch::Tensor> coefficients, bases, weights;  // weights: a random linear loss per output
};

Case makeCase(torch::ScalarType dtype, bool channels_last, bool coefficients_need_grad, uint64_t seed) {
  torch::manual_seed(seed);
  const auto options = torch::TensorOptions().dtype(dtype);
  Case c;
  c.conv_out = (torch::randn({4, 3 * 5, 6, 6}, options) * 2 + 0.5);
  if (channels_last) c.conv_out = c.conv_out.contiguous(torch::MemoryFormat::ChannelsLast);
  c.conv_out.requires_grad_(true);
  for (int i = 0; i < 3; ++i) {
    c.coefficients.push_back(torch::rand({}, options).requires_grad_(coefficients_need_grad));
    // The second term has no base (the first term reaching its node).
    c.bases.push_back(i == 1 ? torch::Tensor() : torch::randn({4, 5, 6, 6}, options).requires_grad_(true));
    c.weights.push_back(torch::randn({4, 5, 6, 6}, options));
  }
  return c;
}

std::vector<torch::Tensor> composite(const Case& c) {
  const auto y = torch::batch_norm(c.conv_out, {}, {}, {}, {}, true, zd::kBatchNormMomentum, zd::kBatchNormEps, false);
  const auto shares = y.chunk(3, 1);
  std::vector<torch::Tensor> out;
  for (size_t i = 0; i < 3; ++i)
    out.push_back(c.bases[i].defined() ? c.bases[i] + c.coefficients[i] * shares[i] : c.coefficients[i] * shares[i]);
  return out;
}

// Outputs, then the gradients of Σ_i <weights_i, out_i> w.r.t. conv_out, the
// coefficients and the defined bases (undefined where not required).
std::vector<torch::Tensor> evaluate(const Case& c, const std::vector<torch::Tensor>& out) {
  torch::Tensor loss = torch::zeros({}, c.conv_out.options());
  for (size_t i = 0; i < out.size(); ++i) loss = loss + (out[i] * c.weights[i]).sum();
  std::vector<torch::Tensor> inputs{c.conv_out}, wanted;
  for (const auto& p : c.coefficients)
    if (p.requires_grad()) inputs.push_back(p);
  for (const auto& b : c.bases)
    if (b.defined()) inputs.push_back(b);
  auto grads = torch::autograd::grad({loss}, inputs);
  std::vector<torch::Tensor> result;
  for (const auto& o : out) result.push_back(o.detach());
  result.insert(result.end(), grads.begin(), grads.end());
  return result;
}

}  // namespace

class TestNormalizedTerms : public QObject {
  Q_OBJECT
 private slots:
  void matchesBatchNormThenWeightedSum_data() {
    QTest::addColumn<bool>("is_double");
    QTest::addColumn<bool>("channels_last");
    QTest::addColumn<bool>("coefficients_need_grad");
    QTest::newRow("double, NCHW, arch step") << true << false << true;
    QTest::newRow("double, NHWC, arch step") << true << true << true;
    QTest::newRow("double, NHWC, weight step") << true << true << false;
    QTest::newRow("float, NHWC, arch step") << false << true << true;
  }
  void matchesBatchNormThenWeightedSum() {
    QFETCH(bool, is_double);
    QFETCH(bool, channels_last);
    QFETCH(bool, coefficients_need_grad);
    const auto c = makeCase(is_double ? torch::kDouble : torch::kFloat, channels_last, coefficients_need_grad, 3);
    const auto expected = evaluate(c, composite(c));
    const auto actual = evaluate(c, zd::addNormalizedTerms(c.conv_out, c.coefficients, c.bases));
    QCOMPARE(actual.size(), expected.size());
    QCOMPARE(actual.size(), static_cast<size_t>(3 + 1 + (coefficients_need_grad ? 3 : 0) + 2));
    const double tolerance = is_double ? 1e-10 : 1e-4;
    for (size_t i = 0; i < expected.size(); ++i) {
      QCOMPARE(actual[i].sizes(), expected[i].sizes());
      const double diff = (actual[i] - expected[i]).abs().max().item<double>();
      const double scale = expected[i].abs().max().item<double>();
      QVERIFY2(diff <= tolerance * std::max(1.0, scale),
               qPrintable(QString("tensor %1: max |diff| %2").arg(i).arg(diff)));
    }
    // The gradients are not trivially zero.
    QVERIFY(expected[3].abs().max().item<double>() > 1e-3);
  }

  void coefficientGradientMatchesFiniteDifferences() {
    auto c = makeCase(torch::kDouble, true, true, 5);
    auto loss = [&](double shift) {
      torch::NoGradGuard no_grad;
      auto shifted = c;
      shifted.coefficients[1] = c.coefficients[1] + shift;
      const auto out = zd::addNormalizedTerms(c.conv_out, shifted.coefficients, c.bases);
      double total = 0;
      for (size_t i = 0; i < 3; ++i) total += (out[i] * c.weights[i]).sum().item<double>();
      return total;
    };
    const double h = 1e-6;
    const double numeric = (loss(h) - loss(-h)) / (2 * h);
    const auto grads = evaluate(c, zd::addNormalizedTerms(c.conv_out, c.coefficients, c.bases));
    const double analytic = grads[3 + 1 + 1].item<double>();  // outputs, conv_out, then p_0, p_1
    QVERIFY2(std::abs(numeric - analytic) < 1e-6 * std::max(1.0, std::abs(numeric)),
             qPrintable(QString("%1 vs %2").arg(numeric).arg(analytic)));
  }
};

QTEST_APPLESS_MAIN(TestNormalizedTerms)
#include "test_normalized_terms.moc"
