#include "core/nas/sparsemax.h"

#include <torch/torch.h>

#include <QtTest>

class TestSparsemax : public QObject {
  Q_OBJECT

 private slots:
  void handComputed_data() {
    QTest::addColumn<QVector<double>>("z");
    QTest::addColumn<QVector<double>>("expected");
    // k = 2, τ = (1.5 − 1)/2 = 0.25
    QTest::newRow("two in support") << QVector<double>{1, 0.5, -1} << QVector<double>{0.75, 0.25, 0};
    QTest::newRow("uniform") << QVector<double>{0, 0, 0} << QVector<double>{1.0 / 3, 1.0 / 3, 1.0 / 3};
    // k = 1, τ = 2
    QTest::newRow("one-hot") << QVector<double>{3, 0, 0} << QVector<double>{1, 0, 0};
    // k = 3 of 5: sorted 0.9 0.8 0.7 | 0 −1; τ = (2.4 − 1)/3 = 0.4667
    QTest::newRow("three of five") << QVector<double>{0.8, 0, 0.9, -1, 0.7}
                                   << QVector<double>{0.8 - 1.4 / 3, 0, 0.9 - 1.4 / 3, 0, 0.7 - 1.4 / 3};
  }
  void handComputed() {
    QFETCH(QVector<double>, z);
    QFETCH(QVector<double>, expected);
    const auto p = zd::sparsemax(torch::tensor(std::vector<double>(z.begin(), z.end()), torch::kDouble));
    for (int i = 0; i < z.size(); ++i) QVERIFY(std::abs(p[i].item<double>() - expected[i]) < 1e-12);
  }

  void exactZerosAndSimplex() {
    torch::manual_seed(1);
    const auto z = torch::randn({200, 5}, torch::kDouble) * 3;
    const auto p = zd::sparsemax(z);
    QVERIFY((p >= 0).all().item<bool>());
    QVERIFY(torch::allclose(p.sum(-1), torch::ones({200}, torch::kDouble)));
    // Spread-out rows leave ops out with exactly 0, which softmax never does.
    QVERIFY((p == 0).sum().item<int64_t>() > 200);
    // Order is kept: the largest logit gets the largest weight.
    QVERIFY(torch::equal(p.argmax(-1), z.argmax(-1)));
  }

  void temperatureScalesLogits() {
    const auto z = torch::tensor({0.3, 0.1, -0.2, 0.05}, torch::kDouble);
    for (double t : {1.5, 0.5, 0.11}) {
      const auto a = zd::distributionOf(z, t, zd::Distribution::Sparsemax);
      QVERIFY(torch::allclose(a, zd::sparsemax(z / t)));
    }
    // Annealing sharpens: at T = 0.11 only the best op survives.
    const auto sharp = zd::distributionOf(z, 0.11, zd::Distribution::Sparsemax);
    QCOMPARE(sharp[0].item<double>(), 1.0);
    const auto soft = zd::distributionOf(z, 1.0, zd::Distribution::Softmax);
    QVERIFY(torch::allclose(soft, torch::softmax(z, -1)));
  }

  void jacobianMatchesFiniteDifferences() {
    torch::manual_seed(2);
    const double eps = 1e-6;
    for (int trial = 0; trial < 20; ++trial) {
      const auto z0 = torch::randn({5}, torch::kDouble);
      for (int64_t i = 0; i < 5; ++i) {
        auto z = z0.clone().requires_grad_(true);
        const auto p = zd::sparsemax(z);
        const auto analytic = torch::autograd::grad({p[i]}, {z})[0];
        for (int64_t j = 0; j < 5; ++j) {
          auto plus = z0.clone(), minus = z0.clone();
          plus[j] += eps;
          minus[j] -= eps;
          const double numeric = (zd::sparsemax(plus)[i].item<double>() - zd::sparsemax(minus)[i].item<double>()) /
                                 (2 * eps);
          QVERIFY2(
              std::abs(analytic[j].item<double>() - numeric) < 1e-6,
              qPrintable(QString("dp%1/dz%2: %3 vs %4").arg(i).arg(j).arg(analytic[j].item<double>()).arg(numeric)));
        }
      }
    }
  }

  void batchedRowsAreIndependent() {
    torch::manual_seed(3);
    const auto z = torch::randn({3, 4, 5}, torch::kDouble);
    const auto p = zd::sparsemax(z);
    for (int64_t a = 0; a < 3; ++a)
      for (int64_t b = 0; b < 4; ++b) QVERIFY(torch::allclose(p[a][b], zd::sparsemax(z[a][b])));
  }
};

QTEST_GUILESS_MAIN(TestSparsemax)
#include "test_sparsemax.moc"
