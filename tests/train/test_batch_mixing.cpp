// Label smoothing, mixup and CutMix (ALGORITHM.md §7) on tiny tensors against
// values computed by hand, and the invariants of the random draws.
#include "core/train/batch_mixing.h"

#include <torch/torch.h>

#include <QtTest>

namespace {
bool near(double a, double b) { return std::abs(a - b) < 1e-12; }
}  // namespace

class TestBatchMixing : public QObject {
  Q_OBJECT

 private slots:
  void smoothedCrossEntropy_data() {
    QTest::addColumn<double>("epsilon");
    QTest::addColumn<double>("expected");
    // logits (2, 0, −1), label 0: log p = z − log(e² + 1 + e⁻¹);
    // loss = (1 − ε)·(−log p₀) + ε·mean(−log p).
    QTest::newRow("no smoothing = cross-entropy") << 0.0 << 0.16984601955628564;
    QTest::newRow("epsilon 0.1") << 0.1 << 0.33651268622295233;
  }
  void smoothedCrossEntropy() {
    QFETCH(double, epsilon);
    QFETCH(double, expected);
    const auto logits = torch::tensor({2.0, 0.0, -1.0}, torch::kDouble).view({1, 3});
    const auto loss = zd::smoothedCrossEntropy(logits, torch::tensor({0}, torch::kLong), epsilon);
    QVERIFY2(near(loss.item<double>(), expected), qPrintable(QString::number(loss.item<double>(), 'g', 17)));
  }

  void mixedLossWeighsBothLabels() {
    // Rows (2, 0, −1) and (0, 1, 0); labels a = (0, 1), b = (2, 0); λ = 0.7, ε = 0.1:
    // mean over rows of the smoothed losses is 0.47731203341083506 for a and
    // 2.277312033410835 for b, so 0.7·A + 0.3·B = 1.017312033410835.
    const auto logits = torch::tensor({2.0, 0.0, -1.0, 0.0, 1.0, 0.0}, torch::kDouble).view({2, 3});
    zd::MixedBatch batch;
    batch.labels_a = torch::tensor({0, 1}, torch::kLong);
    batch.labels_b = torch::tensor({2, 0}, torch::kLong);
    batch.lambda = 0.7;
    batch.kind = zd::MixKind::Mixup;
    QVERIFY(near(zd::mixedLoss(logits, batch, 0.1).item<double>(), 1.017312033410835));
    batch.kind = zd::MixKind::None;  // unmixed: labels_a only
    QVERIFY(near(zd::mixedLoss(logits, batch, 0.1).item<double>(), 0.47731203341083506));
  }

  void mixupImages() {
    const auto x = torch::tensor({1.0f, 3.0f}).view({2, 1, 1, 1});
    const auto out = zd::mixupImages(x, torch::tensor({1, 0}, torch::kLong), 0.25);
    QCOMPARE(out.flatten()[0].item<float>(), 2.5f);  // 0.25·1 + 0.75·3
    QCOMPARE(out.flatten()[1].item<float>(), 1.5f);  // 0.25·3 + 0.75·1
  }

  void cutmixImagesReplacesTheBox() {
    auto x = torch::zeros({2, 1, 4, 4});
    x[1].fill_(1.0);
    const zd::CutBox box{1, 3, 0, 2};
    const auto out = zd::cutmixImages(x, torch::tensor({1, 0}, torch::kLong), box);
    QCOMPARE(out[0].sum().item<float>(), 4.0f);  // image 0 took a 2×2 box of ones
    QCOMPARE(out[0][0][1][0].item<float>(), 1.0f);
    QCOMPARE(out[0][0][0][0].item<float>(), 0.0f);
    QCOMPARE(out[1].sum().item<float>(), 12.0f);  // image 1 took a 2×2 box of zeros
    QCOMPARE(x[0].sum().item<float>(), 0.0f);     // the input is untouched
  }

  void cutmixBoxSize() {
    std::mt19937_64 rng(5);
    for (int i = 0; i < 200; ++i) {
      // λ = 0.75 on 8×8: sides 8·√0.25 = 4, clipped at the borders.
      const auto b = zd::cutmixBox(8, 8, 0.75, rng);
      QVERIFY(b.y0 >= 0 && b.y1 <= 8 && b.x0 >= 0 && b.x1 <= 8);
      QVERIFY(b.y1 - b.y0 <= 4 && b.x1 - b.x0 <= 4 && b.y1 - b.y0 >= 2 && b.x1 - b.x0 >= 2);
    }
    QCOMPARE(zd::cutmixBox(8, 8, 1.0, rng).area(), int64_t{0});
  }

  void betaDraws() {
    std::mt19937_64 rng(11);
    constexpr int n = 4000;
    double sum = 0, sq = 0;
    for (int i = 0; i < n; ++i) {
      const double l = zd::sampleBeta(1.0, rng);  // Beta(1, 1) is uniform: mean 1/2, variance 1/12
      QVERIFY(l >= 0 && l <= 1);
      sum += l;
      sq += l * l;
    }
    const double mean = sum / n;
    QVERIFY(std::abs(mean - 0.5) < 0.02);
    QVERIFY(std::abs(sq / n - mean * mean - 1.0 / 12) < 0.006);
    int middle = 0;
    for (int i = 0; i < n; ++i) {
      const double l = zd::sampleBeta(0.1, rng);  // §7's α: mostly near 0 or 1, never NaN
      QVERIFY(l >= 0 && l <= 1);
      if (l > 0.1 && l < 0.9) ++middle;
    }
    QVERIFY2(middle < n / 3, qPrintable(QString::number(middle)));
  }

  void mixBatchFollowsTheOptions() {
    torch::manual_seed(0);
    const auto x = torch::rand({6, 1, 8, 8});
    const auto y = torch::arange(6, torch::kLong);
    std::mt19937_64 rng(3);
    zd::TrainOptions o;
    o.mixing = false;
    QVERIFY(zd::mixBatch(x, y, o, rng).kind == zd::MixKind::None);
    o.mixing = true;
    o.mix_prob = 0;
    QVERIFY(zd::mixBatch(x, y, o, rng).kind == zd::MixKind::None);
    o.mix_prob = 1;
    o.cutmix_prob = 1;
    o.cutmix_alpha = 1.0;  // boxes of every size
    for (int i = 0; i < 20; ++i) {
      const auto b = zd::mixBatch(x, y, o, rng);
      QVERIFY(b.kind == zd::MixKind::CutMix);
      // λ is the share of pixels each image kept from itself (labels are the indices,
      // so labels_b names each image's partner; an image paired with itself is whole).
      for (int64_t i = 0; i < 6; ++i) {
        const int64_t partner = b.labels_b[i].item<int64_t>();
        if (partner == i) continue;
        const double kept = b.images[i].eq(x[i]).to(torch::kDouble).mean().item<double>();
        QVERIFY2(std::abs(kept - b.lambda) < 1e-12, qPrintable(QString("kept %1, lambda %2").arg(kept).arg(b.lambda)));
        const double taken = b.images[i].eq(x[partner]).to(torch::kDouble).mean().item<double>();
        QVERIFY(std::abs(taken - (1 - b.lambda)) < 1e-12);
      }
    }
    o.cutmix_prob = 0;
    const auto m = zd::mixBatch(x, y, o, rng);
    QVERIFY(m.kind == zd::MixKind::Mixup);
    const auto expected = x * m.lambda + x.index_select(0, m.labels_b) * (1 - m.lambda);  // labels are indices here
    QVERIFY(torch::allclose(m.images, expected));
    // The same rng state gives the same batch.
    std::mt19937_64 r1(9), r2(9);
    QVERIFY(torch::equal(zd::mixBatch(x, y, o, r1).images, zd::mixBatch(x, y, o, r2).images));
  }
};

QTEST_GUILESS_MAIN(TestBatchMixing)
#include "test_batch_mixing.moc"
