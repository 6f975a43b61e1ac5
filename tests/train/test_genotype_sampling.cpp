// Sampling the retrained architecture from the final distributions (ALGORITHM.md §7):
// one-hot rows give their argmax, draws follow the probabilities, disconnected cells
// are redrawn, and malformed distributions are refused with a clear message.
#include "core/common/error.h"
#include "core/train/genotype_sampling.h"

#include <QtTest>

namespace {

zd::Matrix oneHot(size_t rows, size_t cols, const std::vector<size_t>& hot) {
  zd::Matrix m(rows, std::vector<double>(cols, 0.0));
  for (size_t r = 0; r < rows; ++r) m[r][hot[r % hot.size()]] = 1.0;
  return m;
}

}  // namespace

class TestGenotypeSampling : public QObject {
  Q_OBJECT

 private slots:
  void oneHotGivesTheArgmax() {
    zd::ArchDistributions d;
    d.alpha = oneHot(18, 5, {3, 1, 2, 0, 4, 3});  // per edge: kvconv, skip, 1x1, none, pool, kvconv
    d.beta = oneHot(18, 3, {2});                  // 3x3
    d.gamma = oneHot(3, 3, {1});                  // depth 2
    std::mt19937_64 rng(1);
    const auto g = zd::sampleGenotype(d, 3, rng);
    for (const auto& stage : g.stages) {
      QCOMPARE(QString::fromStdString(stage.toString()),
               QString("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|"));
      QCOMPARE(stage.depth, 2);
    }
  }

  void phaseOneDistributions() {
    zd::ArchDistributions d;
    d.alpha = oneHot(18, 5, {3});  // β and γ empty: 7×7 and the full depth
    std::mt19937_64 rng(1);
    const auto g = zd::sampleGenotype(d, 3, rng);
    QCOMPARE(g.stages[0].edges[0].kernel, 7);
    QCOMPARE(g.stages[2].depth, 3);
  }

  void drawsFollowTheProbabilities() {
    zd::ArchDistributions d;
    d.alpha = zd::Matrix(18, {0.0, 0.75, 0.0, 0.0, 0.25});  // skip 3/4, pool 1/4: always connected
    std::mt19937_64 rng(7);
    int skips = 0, total = 0;
    for (int i = 0; i < 200; ++i) {
      const auto g = zd::sampleGenotype(d, 1, rng);
      for (const auto& s : g.stages)
        for (const auto& e : s.edges) {
          skips += e.op == zd::Op::Skip;
          ++total;
          QVERIFY(e.op == zd::Op::Skip || e.op == zd::Op::AvgPool);
        }
    }
    QVERIFY2(std::abs(static_cast<double>(skips) / total - 0.75) < 0.02, qPrintable(QString::number(skips)));
  }

  void disconnectedCellsAreRedrawn() {
    zd::ArchDistributions d;
    d.alpha = zd::Matrix(18, {0.9, 0.1, 0.0, 0.0, 0.0});  // mostly `none`
    std::mt19937_64 rng(3);
    int disconnected = -1;
    for (int i = 0; i < 20; ++i) {
      const auto g = zd::sampleGenotype(d, 1, rng, 1000, &disconnected);
      QCOMPARE(disconnected, 0);
      for (const auto& s : g.stages) QVERIFY(s.outputConnected());
    }
    // All `none`: no draw connects; the draw is kept and counted.
    d.alpha = zd::Matrix(18, {1.0, 0.0, 0.0, 0.0, 0.0});
    const auto g = zd::sampleGenotype(d, 1, rng, 10, &disconnected);
    QCOMPARE(disconnected, 3);
    QVERIFY(!g.stages[0].outputConnected());
  }

  void malformedDistributions_data() {
    QTest::addColumn<int>("rows");
    QTest::addColumn<double>("entry");
    QTest::addColumn<QString>("expected");
    QTest::newRow("too few rows") << 17 << 0.2 << "final distributions: alpha must be 18 × 5";
    QTest::newRow("negative") << 18 << -0.2 << "alpha of stage 1 edge 0: not a distribution";
    QTest::newRow("all zero") << 18 << 0.0 << "alpha of stage 1 edge 0: not a distribution (all entries 0)";
  }
  void malformedDistributions() {
    QFETCH(int, rows);
    QFETCH(double, entry);
    QFETCH(QString, expected);
    zd::ArchDistributions d;
    d.alpha = zd::Matrix(static_cast<size_t>(rows), std::vector<double>(5, entry));
    std::mt19937_64 rng(1);
    try {
      zd::sampleGenotype(d, 3, rng);
      QFAIL("expected an error");
    } catch (const zd::ConfigError& e) {
      QVERIFY2(QString(e.what()).startsWith(expected), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestGenotypeSampling)
#include "test_genotype_sampling.moc"
