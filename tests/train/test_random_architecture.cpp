// The random-architecture control: uniform over kernels and depths (the choices
// connectivity does not bias), every stage connected, every draw inside the window
// it is given, reproducible by seed, and a window nothing reaches refused.
#include "core/common/error.h"
#include "core/nas/param_count.h"
#include "core/train/random_architecture.h"

#include <QtTest>

#include <algorithm>

namespace {

const zd::CountShape kShape{1, 8, 4};
constexpr int kDepth = 3;

int64_t sizeOf(const zd::Genotype& g) {
  return zd::exactParams(g, kShape.in_channels, kShape.channels, kShape.classes);
}

}  // namespace

class TestRandomArchitecture : public QObject {
  Q_OBJECT
 private slots:
  void uniformAndConnected() {
    std::mt19937_64 rng(3);
    constexpr int kDraws = 3000;
    std::array<int, zd::kKernels> kernels{};
    std::vector<int> depths(kDepth, 0);
    int kernel_edges = 0;
    for (int i = 0; i < kDraws; ++i) {
      const auto g = zd::randomArchitecture(kShape, kDepth, std::nullopt, rng);
      QCOMPARE(g.stages.size(), size_t(zd::kStages));
      for (const auto& stage : g.stages) {
        QVERIFY(stage.outputConnected());
        ++depths[static_cast<size_t>(stage.depth - 1)];
        for (const auto& edge : stage.edges) {
          if (edge.op != zd::Op::KernelConv) continue;
          ++kernel_edges;
          ++kernels[static_cast<size_t>(zd::kernelIndex(edge.kernel))];
        }
      }
    }
    // Binomial shares: 6.6 standard deviations of tolerance at these counts.
    for (int k : kernels) QVERIFY2(std::abs(double(k) / kernel_edges - 1.0 / 3) < 0.03, qPrintable(QString::number(k)));
    for (int d : depths)
      QVERIFY2(std::abs(double(d) / (kDraws * zd::kStages) - 1.0 / kDepth) < 0.03, qPrintable(QString::number(d)));
  }

  // Inside the middle fifth of the space's sizes, every draw lands in the window.
  void staysInTheWindow() {
    std::mt19937_64 rng(5);
    std::vector<int64_t> sizes;
    for (int i = 0; i < 500; ++i) sizes.push_back(sizeOf(zd::randomArchitecture(kShape, kDepth, std::nullopt, rng)));
    std::sort(sizes.begin(), sizes.end());
    const zd::ParamWindow window{sizes[200], sizes[300]};
    QVERIFY(window.min < window.max);
    for (int i = 0; i < 200; ++i) {
      const int64_t size = sizeOf(zd::randomArchitecture(kShape, kDepth, window, rng));
      QVERIFY2(size >= window.min && size <= window.max, qPrintable(QString::number(size)));
    }
  }

  void sameSeedSameArchitecture() {
    std::mt19937_64 a(9), b(9), c(10);
    const auto first = zd::randomArchitecture(kShape, kDepth, std::nullopt, a);
    QCOMPARE(zd::randomArchitecture(kShape, kDepth, std::nullopt, b), first);
    QVERIFY(zd::randomArchitecture(kShape, kDepth, std::nullopt, c) != first);
  }

  void unreachableWindowIsRefused() {
    std::mt19937_64 rng(1);
    try {
      zd::randomArchitecture(kShape, kDepth, zd::ParamWindow{1, 2}, rng, 200);
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      const QString message = e.what();
      QVERIFY2(message.contains("1-2 parameters") && message.contains("widen the band"), e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestRandomArchitecture)
#include "test_random_architecture.moc"
