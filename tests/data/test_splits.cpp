// Seeded stratified splits: per-class proportions, disjointness, determinism.
#include "core/common/error.h"
#include "core/data/splits.h"

#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <set>
#include <vector>

namespace {

// Labels with counts[c] images of class c, interleaved as 0,1,2,…,0,1,2,… while
// a class has images left (so classes are not contiguous blocks).
torch::Tensor interleavedLabels(const std::vector<int64_t>& counts) {
  std::vector<int64_t> left = counts, labels;
  bool any = true;
  while (any) {
    any = false;
    for (size_t c = 0; c < left.size(); ++c)
      if (left[c] > 0) {
        labels.push_back(static_cast<int64_t>(c));
        --left[c];
        any = true;
      }
  }
  return torch::tensor(labels, torch::kInt64);
}

// A set whose image i stores i in its two pixels (high byte, low byte).
zd::ImageSet indexedSet(const torch::Tensor& labels) {
  const int64_t n = labels.numel();
  const auto i = torch::arange(n, torch::kInt64);
  const auto pixels = torch::stack({i.div(256, "floor"), i.remainder(256)}, 1).to(torch::kUInt8);
  return {pixels.reshape({n, 1, 1, 2}), labels};
}

std::vector<int64_t> toVector(const torch::Tensor& t) {
  const auto c = t.contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

}  // namespace

Q_DECLARE_METATYPE(std::vector<int64_t>)

class TestSplits : public QObject {
  Q_OBJECT
 private slots:
  void stratified_data() {
    QTest::addColumn<std::vector<int64_t>>("counts");
    QTest::addColumn<double>("fraction");
    QTest::addColumn<quint64>("seed");
    QTest::newRow("balanced half") << std::vector<int64_t>{100, 100, 100} << 0.5 << quint64{0};
    QTest::newRow("imbalanced 0.3") << std::vector<int64_t>{500, 37, 8, 2} << 0.3 << quint64{7};
    QTest::newRow("tiny classes") << std::vector<int64_t>{1, 2, 3, 0, 5} << 0.5 << quint64{3};
    QTest::newRow("small fraction keeps one") << std::vector<int64_t>{10, 4, 2} << 0.01 << quint64{1};
    QTest::newRow("large fraction keeps one") << std::vector<int64_t>{10, 4, 2} << 0.99 << quint64{1};
  }
  void stratified() {
    QFETCH(std::vector<int64_t>, counts);
    QFETCH(double, fraction);
    QFETCH(quint64, seed);
    const auto labels = interleavedLabels(counts);
    const auto classes = static_cast<int64_t>(counts.size());
    const auto [first, second] = zd::stratifiedSplitIndices(labels, classes, fraction, seed);

    // Disjoint, and together exactly the whole set.
    std::vector<int64_t> all = toVector(first);
    const std::vector<int64_t> b = toVector(second);
    all.insert(all.end(), b.begin(), b.end());
    std::sort(all.begin(), all.end());
    QVERIFY(all == toVector(torch::arange(labels.numel(), torch::kInt64)));

    // Per class: round(n·(1−f)) in the first part, clamped so both parts see it.
    const auto first_counts = torch::bincount(labels.index_select(0, first), {}, classes);
    for (int64_t c = 0; c < classes; ++c) {
      const int64_t n = counts[static_cast<size_t>(c)];
      int64_t expected = std::llround(static_cast<double>(n) * (1.0 - fraction));
      if (n >= 2) expected = std::clamp<int64_t>(expected, 1, n - 1);
      QCOMPARE(first_counts[c].item<int64_t>(), expected);
    }
  }

  void sameSeedSameSplitOtherSeedOther() {
    const auto labels = interleavedLabels({200, 150, 90});
    const auto a = zd::stratifiedSplitIndices(labels, 3, 0.5, 42);
    const auto b = zd::stratifiedSplitIndices(labels, 3, 0.5, 42);
    const auto c = zd::stratifiedSplitIndices(labels, 3, 0.5, 43);
    QVERIFY(a.first.equal(b.first) && a.second.equal(b.second));
    QVERIFY(!a.first.equal(c.first));
  }

  // The split is pinned: std::mt19937_64 plus our own shuffle, so every machine and
  // standard library must give these very indices.
  void splitIsPortable() {
    const auto labels = interleavedLabels({4, 4});
    const auto [first, second] = zd::stratifiedSplitIndices(labels, 2, 0.5, 2024);
    QCOMPARE(first.numel(), int64_t{4});
    const auto again = zd::stratifiedSplitIndices(labels, 2, 0.5, 2024);
    QVERIFY(first.equal(again.first));
    QVERIFY(toVector(first) == (std::vector<int64_t>{0, 1, 6, 7}));  // from an independent Python model
  }

  void imageSetsFollowIndices() {
    const auto labels = interleavedLabels({300, 20, 5});
    const zd::ImageSet set = indexedSet(labels);
    const auto [a, b] = zd::stratifiedSplit(set, 3, 0.25, 9);
    QCOMPARE(a.size() + b.size(), set.size());
    for (const zd::ImageSet* part : {&a, &b}) {
      const auto px = part->images.reshape({part->size(), 2}).to(torch::kInt64);
      const auto index = px.select(1, 0) * 256 + px.select(1, 1);
      QVERIFY(part->labels.equal(labels.index_select(0, index)));  // images and labels stay paired
    }
    QVERIFY(a.classCounts(3) == (std::vector<int64_t>{225, 15, 4}));
  }

  void rejectsBadInput() {
    const auto labels = interleavedLabels({3, 3});
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::stratifiedSplitIndices(labels, 2, 1.5, 0));
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::stratifiedSplitIndices(labels, 2, -0.1, 0));
    QVERIFY_THROWS_EXCEPTION(zd::DataError, zd::stratifiedSplitIndices(labels, 1, 0.5, 0));
  }
};

QTEST_GUILESS_MAIN(TestSplits)
#include "test_splits.moc"
