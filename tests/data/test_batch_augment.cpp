// Resizing and batch augmentation: known values, the rng contract, value range.
#include "core/common/error.h"
#include "core/data/batch_augment.h"
#include "core/data/portable_random.h"

#include <torch/torch.h>

#include <QtTest>

#include <random>
#include <set>
#include <vector>

Q_DECLARE_METATYPE(std::vector<int64_t>)

namespace {

// What augmentBatch promises, written as plain loops: draw flip, dy, dx per image
// (in that order), take the window of the zero-padded image, mirror it if flipped.
torch::Tensor expectedAugment(const torch::Tensor& images, bool flip_enabled, int64_t pad, std::mt19937_64& rng) {
  const int64_t b = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  auto out = torch::zeros({b, c, h, w}, torch::kFloat32);
  auto in = images.accessor<uint8_t, 4>();
  auto o = out.accessor<float, 4>();
  for (int64_t n = 0; n < b; ++n) {
    const bool flip = flip_enabled && zd::coinFlip(rng);
    const auto dy = static_cast<int64_t>(zd::uniformBelow(rng, static_cast<uint64_t>(2 * pad + 1)));
    const auto dx = static_cast<int64_t>(zd::uniformBelow(rng, static_cast<uint64_t>(2 * pad + 1)));
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < h; ++i)
        for (int64_t j = 0; j < w; ++j) {
          const int64_t y = dy + i - pad, x = dx + (flip ? w - 1 - j : j) - pad;
          if (y >= 0 && y < h && x >= 0 && x < w) o[n][ch][i][j] = static_cast<float>(in[n][ch][y][x]) / 255.0f;
        }
  }
  return out;
}

// A batch whose pixels are all distinct (mod 256) and non-zero, so a shift, a flip
// or zero padding always shows.
torch::Tensor distinctBatch(int64_t b, int64_t c, int64_t s) {
  return (torch::arange(b * c * s * s, torch::kInt64).remainder(255) + 1).to(torch::kUInt8).reshape({b, c, s, s});
}

}  // namespace

class TestBatchAugment : public QObject {
  Q_OBJECT
 private slots:
  void resizeKeepsConstantImages_data() {
    QTest::addColumn<int>("value");
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addColumn<int>("channels");
    QTest::newRow("28→32 gray") << 173 << 28 << 32 << 1;
    QTest::newRow("28→32 rgb") << 255 << 28 << 32 << 3;
    QTest::newRow("64→32 gray") << 1 << 64 << 32 << 1;
    QTest::newRow("28→224 gray") << 90 << 28 << 224 << 1;
  }
  void resizeKeepsConstantImages() {
    QFETCH(int, value);
    QFETCH(int, from);
    QFETCH(int, to);
    QFETCH(int, channels);
    const zd::ImageSet set{torch::full({3, channels, from, from}, value, torch::kUInt8),
                           torch::tensor({0, 1, 0}, torch::kInt64)};
    const zd::ImageSet out = zd::resizeImages(set, to);
    QVERIFY(out.images.sizes().vec() == (std::vector<int64_t>{3, channels, to, to}));
    QCOMPARE(out.images.scalar_type(), torch::kUInt8);
    QVERIFY(out.images.eq(value).all().item<bool>());
    QVERIFY(out.labels.equal(set.labels));
  }

  void resizeKnownValues() {
    // A 2×2 image [[0, 100], [0, 100]] to 4×4: with align_corners = false the source
    // columns are −0.25, 0.25, 0.75, 1.25 → 0, 25, 75, 100 (edges clamped).
    auto img = torch::tensor({0, 100, 0, 100}, torch::kUInt8).reshape({1, 1, 2, 2});
    const auto out = zd::resizeImages({img, torch::zeros({1}, torch::kInt64)}, 4).images;
    const auto row = torch::tensor({0, 25, 75, 100}, torch::kUInt8);
    for (int i = 0; i < 4; ++i) QVERIFY(out[0][0][i].equal(row));
  }

  // Shrinking averages areas (torch "area" = adaptive average pooling windows
  // [floor(i·in/out), ceil((i+1)·in/out))); every row of the image is `row`, so each
  // output row is the window means of `row`. Bilinear would give 0 for "8→2".
  void resizeShrinksByArea_data() {
    QTest::addColumn<std::vector<int64_t>>("row");
    QTest::addColumn<std::vector<int64_t>>("expected");
    QTest::newRow("8→2: one bright pixel per 4")
        << std::vector<int64_t>{0, 0, 0, 240, 0, 0, 0, 240} << std::vector<int64_t>{60, 60};
    QTest::newRow("7→3: overlapping windows")
        << std::vector<int64_t>{0, 30, 60, 90, 120, 150, 180} << std::vector<int64_t>{30, 90, 150};
    QTest::newRow("4→3: windows of 2") << std::vector<int64_t>{0, 100, 200, 50} << std::vector<int64_t>{50, 150, 125};
  }
  void resizeShrinksByArea() {
    QFETCH(std::vector<int64_t>, row);
    QFETCH(std::vector<int64_t>, expected);
    const auto in = static_cast<int64_t>(row.size()), out_side = static_cast<int64_t>(expected.size());
    const auto img = torch::tensor(row, torch::kInt64).to(torch::kUInt8).reshape({1, 1, 1, in}).expand({1, 1, in, in});
    const auto out = zd::resizeImages({img.contiguous(), torch::zeros({1}, torch::kInt64)}, static_cast<int>(out_side))
                         .images;
    const auto want = torch::tensor(expected, torch::kInt64).to(torch::kUInt8);
    for (int64_t i = 0; i < out_side; ++i)
      QVERIFY2(out[0][0][i].equal(want), qPrintable(QString::number(out[0][0][i][0].item<int>())));
  }

  void resizeSameSizeIsIdentity() {
    const zd::ImageSet set{distinctBatch(2, 1, 32), torch::zeros({2}, torch::kInt64)};
    const zd::ImageSet out = zd::resizeImages(set, 32);
    QCOMPARE(out.images.data_ptr(), set.images.data_ptr());  // no copy at all
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::resizeImages(set, 0));
  }

  void augmentMatchesContract_data() {
    QTest::addColumn<bool>("flip");
    QTest::addColumn<int>("pad");
    QTest::addColumn<int>("channels");
    QTest::newRow("nothing") << false << 0 << 1;
    QTest::newRow("flip only") << true << 0 << 1;
    QTest::newRow("crop only, pad 4") << false << 4 << 1;
    QTest::newRow("flip + crop, pad 4, rgb") << true << 4 << 3;
    QTest::newRow("flip + crop, pad 1") << true << 1 << 1;
  }
  void augmentMatchesContract() {
    QFETCH(bool, flip);
    QFETCH(int, pad);
    QFETCH(int, channels);
    const auto batch = distinctBatch(16, channels, 8);
    zd::AugmentOptions options;
    options.flip = flip;
    options.crop_padding = pad;
    std::mt19937_64 rng(123), replica(123);
    const auto out = zd::augmentBatch(batch, options, rng);
    const auto expected = expectedAugment(batch, flip, pad, replica);
    QCOMPARE(out.scalar_type(), torch::kFloat32);
    QVERIFY(out.sizes() == batch.sizes());
    QVERIFY(out.allclose(expected, /*rtol=*/0, /*atol=*/1e-7));
    QVERIFY(rng() == replica());  // all randomness came from rng, in the promised order
    QVERIFY(out.min().item<float>() >= 0.0f && out.max().item<float>() <= 1.0f);
  }

  void flipAndCropAreVisible() {
    // With padding 0 the only change can be a mirror; over 64 images both outcomes occur.
    const auto batch = distinctBatch(64, 1, 6);
    zd::AugmentOptions options;
    options.crop_padding = 0;
    std::mt19937_64 rng(5);
    const auto out = zd::augmentBatch(batch, options, rng);
    const auto plain = zd::toFloatImages(batch);
    int same = 0, mirrored = 0;
    for (int64_t n = 0; n < 64; ++n) {
      if (out[n].equal(plain[n])) ++same;
      else if (out[n].equal(plain[n].flip({2}))) ++mirrored;
    }
    QCOMPARE(same + mirrored, 64);
    QVERIFY(same > 10 && mirrored > 10);

    // A crop with padding 4 uses every offset 0..8 over a large batch.
    options.flip = false;
    options.crop_padding = 4;
    std::mt19937_64 rng2(6), replica(6);
    zd::augmentBatch(distinctBatch(256, 1, 4), options, rng2);
    std::set<uint64_t> offsets;
    for (int i = 0; i < 512; ++i) offsets.insert(zd::uniformBelow(replica, 9));
    QCOMPARE(offsets.size(), size_t{9});
  }

  void toFloatScales() {
    const auto f = zd::toFloatImages(torch::tensor({0, 51, 255}, torch::kUInt8).reshape({1, 1, 1, 3}));
    QVERIFY(f.allclose(torch::tensor({0.0f, 0.2f, 1.0f}).reshape({1, 1, 1, 3})));
    QVERIFY_THROWS_EXCEPTION(zd::DataError, zd::toFloatImages(torch::zeros({1, 1, 2, 2})));
    zd::AugmentOptions options;
    std::mt19937_64 rng(0);
    QVERIFY_THROWS_EXCEPTION(zd::DataError, zd::augmentBatch(torch::zeros({2, 2}, torch::kUInt8), options, rng));
  }
};

QTEST_GUILESS_MAIN(TestBatchAugment)
#include "test_batch_augment.moc"
