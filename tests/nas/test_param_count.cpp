#include "core/common/error.h"
#include "core/nas/genotype.h"
#include "core/nas/param_count.h"

#include <torch/torch.h>

#include <QtTest>

#include <random>

using zd::EdgeChoice;
using zd::Genotype;
using zd::Op;
using zd::StageGenotype;

namespace {

Genotype fromCells(const QStringList& cells, const QList<int>& depths) {
  Genotype g;
  for (int s = 0; s < zd::kStages; ++s)
    g.stages.push_back(StageGenotype::fromString(cells[s].toStdString(), depths[s]));
  return g;
}

Genotype uniformGenotype(EdgeChoice choice, int depth) {
  Genotype g;
  g.stages.resize(zd::kStages);
  for (StageGenotype& s : g.stages) {
    s.edges.fill(choice);
    s.depth = depth;
  }
  return g;
}

struct Distributions {
  torch::Tensor alpha, beta, gamma;
};

// One-hot α, β, γ distributions (double) selecting `g`; γ has `cells` columns.
Distributions oneHot(const Genotype& g, int cells) {
  Distributions d{torch::zeros({18, 5}, torch::kDouble), torch::zeros({18, 3}, torch::kDouble),
                  torch::zeros({3, cells}, torch::kDouble)};
  for (int s = 0; s < zd::kStages; ++s) {
    for (int e = 0; e < zd::kEdges; ++e) {
      d.alpha[s * 6 + e][static_cast<int>(g.stages[s].edges[e].op)] = 1.0;
      d.beta[s * 6 + e][zd::kernelIndex(g.stages[s].edges[e].kernel)] = 1.0;
    }
    d.gamma[s][g.stages[s].depth - 1] = 1.0;
  }
  return d;
}

const char* kStage1 = "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|";
const char* kStage2 = "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|";
const char* kStage3 = "|nor_conv_7x7~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|";

}  // namespace

class TestParamCount : public QObject {
  Q_OBJECT

 private slots:
  void blocksFollowTheFormula() {
    // reduction(16, 32): convs 9·16·32 + 9·32·32, BNs 4·32, shortcut 16·32.
    QCOMPARE(zd::reductionParams(16, 32), qint64(4608 + 9216 + 128 + 512));
    QCOMPARE(zd::edgeParams({Op::None, 7}, 16), qint64(0));
    QCOMPARE(zd::edgeParams({Op::Skip, 7}, 16), qint64(0));
    QCOMPARE(zd::edgeParams({Op::AvgPool, 7}, 16), qint64(0));
    QCOMPARE(zd::edgeParams({Op::Conv1x1, 7}, 16), qint64(17 * 16));
    QCOMPARE(zd::edgeParams({Op::KernelConv, 5}, 16), qint64((25 * 16 + 1) * 16));
  }

  void supernetCheckValues_data() {
    QTest::addColumn<int>("classes");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("2 classes") << 2 << qint64(4914930);
    QTest::newRow("11 classes") << 11 << qint64(4915515);
  }
  void supernetCheckValues() {
    QFETCH(int, classes);
    QFETCH(qint64, expected);
    QCOMPARE(zd::supernetParams(1, 16, 3, classes), expected);
  }

  void genotypeCheckValues_data() {
    QTest::addColumn<QStringList>("cells");
    QTest::addColumn<QList<int>>("depths");
    QTest::addColumn<int>("inChannels");
    QTest::addColumn<int>("classes");
    QTest::addColumn<qint64>("expected");
    const QString all7 =
        "|nor_conv_7x7~0|+|nor_conv_7x7~0|nor_conv_7x7~1|+|nor_conv_7x7~0|nor_conv_7x7~1|nor_conv_7x7~2|";
    const QStringList mixed{kStage1, kStage2, kStage3};
    QTest::newRow("all 7x7 depth 3") << QStringList{all7, all7, all7} << QList<int>{3, 3, 3} << 1 << 2
                                     << qint64(4816146);
    QTest::newRow("spec mix") << mixed << QList<int>{1, 2, 3} << 1 << 2 << qint64(807266);
    QTest::newRow("spec mix rgb 11") << mixed << QList<int>{1, 2, 3} << 3 << 11 << qint64(808139);
  }
  void genotypeCheckValues() {
    QFETCH(QStringList, cells);
    QFETCH(QList<int>, depths);
    QFETCH(int, inChannels);
    QFETCH(int, classes);
    QFETCH(qint64, expected);
    const Genotype g = fromCells(cells, depths);
    QCOMPARE(zd::exactParams(g, inChannels, 16, classes), expected);
    const Distributions d = oneHot(g, 3);
    QCOMPARE(zd::expectedParams(d.alpha, d.beta, d.gamma, inChannels, 16, 3, classes).item<double>(), double(expected));
  }

  void phaseOneExpectationUsesSevenBySevenAndFullDepth() {
    // Undefined β and γ: every variable conv is 7×7, every stage N cells deep.
    const Genotype g = uniformGenotype({Op::KernelConv, 7}, 3);
    const torch::Tensor p = oneHot(g, 3).alpha.to(torch::kFloat);
    const torch::Tensor P = zd::expectedParams(p, torch::Tensor(), torch::Tensor(), 1, 16, 3, 2);
    QCOMPARE(P.dim(), int64_t(0));
    QVERIFY(P.scalar_type() == torch::kDouble);
    QCOMPARE(P.item<double>(), 4816146.0);
  }

  void expectationEqualsExactCountForOneHotDistributions() {
    std::mt19937_64 rng(2025);
    for (int i = 0; i < 200; ++i) {
      for (int cells : {1, 3}) {
        const Genotype g = Genotype::random(rng, cells);
        const Distributions d = oneHot(g, cells);
        // Phase 1 shape of the same genotype: 7×7 convs and full depth.
        Genotype g1 = g;
        for (StageGenotype& s : g1.stages) {
          s.depth = cells;
          for (EdgeChoice& e : s.edges) e.kernel = 7;
        }
        for (int in : {1, 3})
          for (int classes : {2, 11})
            for (int channels : {4, 16}) {
              const double p = zd::expectedParams(d.alpha, d.beta, d.gamma, in, channels, cells, classes)
                                   .item<double>();
              QCOMPARE(p, double(zd::exactParams(g, in, channels, classes)));
              const double p1 = zd::expectedParams(d.alpha, torch::Tensor(), torch::Tensor(), in, channels, cells,
                                                   classes)
                                    .item<double>();
              QCOMPARE(p1, double(zd::exactParams(g1, in, channels, classes)));
            }
      }
    }
  }

  void gradientMatchesFiniteDifferences() {
    torch::manual_seed(0);
    const auto opts = torch::TensorOptions().dtype(torch::kDouble);
    // A random interior point: every entry strictly inside (0, 1).
    std::vector<torch::Tensor> x{torch::softmax(torch::randn({18, 5}, opts), 1),
                                 torch::softmax(torch::randn({18, 3}, opts), 1),
                                 torch::softmax(torch::randn({3, 3}, opts), 1)};
    for (auto& t : x) t.requires_grad_(true);
    const auto P = [&] { return zd::expectedParams(x[0], x[1], x[2], 3, 16, 3, 11); };
    P().backward();
    torch::NoGradGuard no_grad;
    // P is affine in each single entry, so central differences are exact up to rounding.
    const double h = 1e-3;
    for (auto& t : x) {
      QVERIFY(t.grad().defined());
      auto flat = t.view({-1});
      for (int64_t i = 0; i < flat.size(0); ++i) {
        const double v = flat[i].item<double>();
        flat[i] = v + h;
        const double up = P().item<double>();
        flat[i] = v - h;
        const double down = P().item<double>();
        flat[i] = v;
        const double fd = (up - down) / (2 * h);
        const double g = t.grad().view({-1})[i].item<double>();
        QVERIFY2(std::abs(fd - g) <= 1e-6 * std::max(1.0, std::abs(g)),
                 qPrintable(QString("entry %1: fd %2 vs autograd %3").arg(i).arg(fd).arg(g)));
      }
    }
  }

  void gradientReachesFloatInputs() {
    auto alpha = torch::full({18, 5}, 0.2, torch::kFloat).requires_grad_(true);
    auto beta = torch::full({18, 3}, 1.0 / 3, torch::kFloat).requires_grad_(true);
    auto gamma = torch::full({3, 2}, 0.5, torch::kFloat).requires_grad_(true);
    zd::expectedParams(alpha, beta, gamma, 1, 16, 2, 2).backward();
    for (const auto& t : {alpha, beta, gamma}) {
      QVERIFY(t.grad().defined());
      QVERIFY(t.grad().scalar_type() == torch::kFloat);
      QVERIFY(t.grad().abs().sum().item<double>() > 0);
    }
  }

  void rejectsBadShapes_data() {
    QTest::addColumn<int>("alphaCols");
    QTest::addColumn<int>("betaRows");
    QTest::addColumn<int>("gammaCols");
    QTest::addColumn<QString>("named");
    QTest::newRow("alpha") << 4 << 18 << 3 << "alpha_p";
    QTest::newRow("beta") << 5 << 6 << 3 << "beta_q";
    QTest::newRow("gamma vs cells") << 5 << 18 << 2 << "gamma_g";
  }
  void rejectsBadShapes() {
    QFETCH(int, alphaCols);
    QFETCH(int, betaRows);
    QFETCH(int, gammaCols);
    QFETCH(QString, named);
    try {
      zd::expectedParams(torch::zeros({18, alphaCols}), torch::zeros({betaRows, 3}), torch::zeros({3, gammaCols}), 1,
                         16, 3, 2);
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(named), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestParamCount)
#include "test_param_count.moc"
