#include "core/common/error.h"
#include "core/nas/genotype.h"
#include "core/nas/tensor_rows.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <functional>
#include <random>

using zd::EdgeChoice;
using zd::Genotype;
using zd::Op;
using zd::StageGenotype;

namespace {

const char* kStage1 = "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|";
const char* kStage3 = "|nor_conv_7x7~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|";

StageGenotype uniformStage(EdgeChoice choice, int depth) {
  StageGenotype s;
  s.edges.fill(choice);
  s.depth = depth;
  return s;
}

// One-hot α, β, γ rows selecting `g` (β's row is 7×7 for edges that are not a variable conv).
void oneHot(const Genotype& g, int max_depth, torch::Tensor& alpha, torch::Tensor& beta, torch::Tensor& gamma) {
  alpha = torch::zeros({zd::kStages * zd::kEdges, zd::kOps});
  beta = torch::zeros({zd::kStages * zd::kEdges, zd::kKernels});
  gamma = torch::zeros({zd::kStages, max_depth});
  for (int s = 0; s < zd::kStages; ++s) {
    for (int e = 0; e < zd::kEdges; ++e) {
      alpha[s * zd::kEdges + e][static_cast<int>(g.stages[s].edges[e].op)] = 1.0;
      beta[s * zd::kEdges + e][zd::kernelIndex(g.stages[s].edges[e].kernel)] = 1.0;
    }
    gamma[s][g.stages[s].depth - 1] = 1.0;
  }
}

}  // namespace

class TestGenotype : public QObject {
  Q_OBJECT

 private slots:
  void roundTripsEveryOpAndKernel_data() {
    QTest::addColumn<int>("op");
    QTest::addColumn<int>("kernel");
    QTest::addColumn<QString>("name");
    QTest::newRow("none") << 0 << 7 << "none";
    QTest::newRow("skip") << 1 << 7 << "skip_connect";
    QTest::newRow("conv1x1") << 2 << 7 << "nor_conv_1x1";
    QTest::newRow("conv7x7") << 3 << 7 << "nor_conv_7x7";
    QTest::newRow("conv5x5") << 3 << 5 << "nor_conv_5x5";
    QTest::newRow("conv3x3") << 3 << 3 << "nor_conv_3x3";
    QTest::newRow("avgpool") << 4 << 7 << "avg_pool_3x3";
  }
  void roundTripsEveryOpAndKernel() {
    QFETCH(int, op);
    QFETCH(int, kernel);
    QFETCH(QString, name);
    const StageGenotype s = uniformStage({static_cast<Op>(op), kernel}, 2);
    const std::string n = name.toStdString();
    const std::string expected = "|" + n + "~0|+|" + n + "~0|" + n + "~1|+|" + n + "~0|" + n + "~1|" + n + "~2|";
    QCOMPARE(QString::fromStdString(s.toString()), QString::fromStdString(expected));
    QVERIFY(StageGenotype::fromString(expected, 2) == s);
    QCOMPARE(StageGenotype::fromString(expected, 2).edges[4].kernel, kernel);
  }

  void parsesTheSpecExamples() {
    const StageGenotype s1 = StageGenotype::fromString(kStage1, 1);
    QCOMPARE(QString::fromStdString(s1.toString()), QString(kStage1));
    QVERIFY((s1.edges[0] == EdgeChoice{Op::KernelConv, 3}));  // 1<-0
    QVERIFY((s1.edges[1] == EdgeChoice{Op::Skip, 7}));        // 2<-0
    QVERIFY((s1.edges[2] == EdgeChoice{Op::Conv1x1, 7}));     // 2<-1
    QVERIFY((s1.edges[3] == EdgeChoice{Op::None, 7}));        // 3<-0
    QVERIFY((s1.edges[4] == EdgeChoice{Op::KernelConv, 5}));  // 3<-1
    QVERIFY((s1.edges[5] == EdgeChoice{Op::AvgPool, 7}));     // 3<-2
    QCOMPARE(s1.depth, 1);
    const StageGenotype s3 = StageGenotype::fromString(kStage3, 3);
    QCOMPARE(QString::fromStdString(s3.toString()), QString(kStage3));
    QVERIFY((s3.edges[0] == EdgeChoice{Op::KernelConv, 7}));
    QVERIFY((s3.edges[4] == EdgeChoice{Op::KernelConv, 3}));
  }

  void rejectsMalformedStrings_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("named");  // what the message must name
    const QString good = kStage1;
    QTest::newRow("empty") << ""
                           << "node group";
    QTest::newRow("two groups") << "|none~0|+|none~0|none~1|"
                                << "node group";
    QTest::newRow("four groups") << good + "+|none~0|"
                                 << "node group";
    QTest::newRow("unknown op") << QString(good).replace("nor_conv_1x1", "nor_conv_9x9") << "nor_conv_9x9~1";
    QTest::newRow("nb201 op") << QString(good).replace("avg_pool_3x3", "max_pool_3x3") << "max_pool_3x3~2";
    QTest::newRow("wrong index") << QString(good).replace("skip_connect~0", "skip_connect~1") << "skip_connect~1";
    QTest::newRow("no index") << QString(good).replace("skip_connect~0", "skip_connect") << "skip_connect";
    QTest::newRow("double tilde") << QString(good).replace("none~0", "none~0~0") << "none~0~0";
    QTest::newRow("space") << QString(good).replace("none~0", " none~0") << " none~0";
    QTest::newRow("missing bar") << QString(good).left(good.size() - 1) << "node group";
    QTest::newRow("extra edge") << "|none~0|none~1|+|none~0|none~1|+|none~0|none~1|none~2|"
                                << "node 1";
    QTest::newRow("empty token") << "|none~0|+|none~0||+|none~0|none~1|none~2|"
                                 << "bad token ''";
  }
  void rejectsMalformedStrings() {
    QFETCH(QString, text);
    QFETCH(QString, named);
    try {
      StageGenotype::fromString(text.toStdString(), 1);
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(named), e.what());
    }
  }

  void rejectsDepthBelowOne() { QVERIFY_THROWS_EXCEPTION(zd::ConfigError, StageGenotype::fromString(kStage1, 0)); }

  void randomGenotypesRoundTripThroughStringAndJson() {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 100; ++i) {
      const Genotype g = Genotype::random(rng, 3);
      for (const StageGenotype& s : g.stages) QVERIFY(StageGenotype::fromString(s.toString(), s.depth) == s);
      const auto text = g.toJson().dump();
      QVERIFY(Genotype::fromJson(nlohmann::json::parse(text)) == g);
      QVERIFY(Genotype::fromString(g.toString()) == g);
    }
    QVERIFY(Genotype::fromString("").empty());
  }

  void fromStringSaysWhy_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");
    const QString none = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
    QTest::newRow("no stage prefix") << none << "expected \"stage 1 (depth <d>)";
    QTest::newRow("unknown op") << "stage 1 (depth 1): |conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|"
                                << "unknown op 'conv_9x9'";
    QTest::newRow("missing node") << "stage 1 (depth 1): |none~0|+|none~0|none~1|"
                                  << "node groups";
    QTest::newRow("stages out of order") << "stage 2 (depth 1): " + none << "expected \"stage 1";
    QTest::newRow("depth 0") << "stage 1 (depth 0): " + none << "depth";
  }
  void fromStringSaysWhy() {
    QFETCH(QString, text);
    QFETCH(QString, reason);
    try {
      Genotype::fromString(text.toStdString());
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(reason), e.what());
    }
  }

  // liveNodes against an independent definition: node i is live when some path
  // 0 -> ... -> 3 through present edges visits it (paths enumerated), for all 64
  // edge subsets.
  void liveNodesAreThoseOnSomeInputToOutputPath() {
    for (int mask = 0; mask < (1 << zd::kEdges); ++mask) {
      std::array<bool, zd::kEdges> present{};
      for (int e = 0; e < zd::kEdges; ++e) present[e] = (mask >> e) & 1;
      std::array<bool, zd::kNodes> expected{};
      std::vector<int> path{0};
      std::function<void(int)> walk = [&](int node) {
        if (node == zd::kNodes - 1) {
          for (int n : path) expected[n] = true;
          return;
        }
        for (int e = 0; e < zd::kEdges; ++e)
          if (present[e] && zd::kEdgeFrom[e] == node) {
            path.push_back(zd::kEdgeTo[e]);
            walk(zd::kEdgeTo[e]);
            path.pop_back();
          }
      };
      walk(0);
      QVERIFY2(zd::liveNodes(present) == expected, qPrintable(QString("edge mask %1").arg(mask)));
    }
  }

  void jsonHasTheDocumentedShape() {
    Genotype g;
    g.stages = {StageGenotype::fromString(kStage1, 1), uniformStage({Op::Conv1x1, 7}, 2),
                StageGenotype::fromString(kStage3, 3)};
    const nlohmann::json j = g.toJson();
    QCOMPARE(j.at("stages").size(), size_t(3));
    const auto& s0 = j.at("stages")[0];
    QCOMPARE(QString::fromStdString(s0.at("cell").get<std::string>()), QString(kStage1));
    QCOMPARE(s0.at("depth").get<int>(), 1);
    QCOMPARE(s0.at("edges").size(), size_t(6));
    const auto& e0 = s0.at("edges")[0];
    QCOMPARE(e0.at("from").get<int>(), 0);
    QCOMPARE(e0.at("to").get<int>(), 1);
    QCOMPARE(QString::fromStdString(e0.at("op").get<std::string>()), QString("nor_conv_3x3"));
    QCOMPARE(e0.at("kernel").get<int>(), 3);
    const auto& e5 = s0.at("edges")[5];
    QCOMPARE(e5.at("from").get<int>(), 2);
    QCOMPARE(e5.at("to").get<int>(), 3);
    QVERIFY(!e5.contains("kernel"));  // only variable convs have one
    QCOMPARE(j.at("stages")[2].at("depth").get<int>(), 3);
    QVERIFY(Genotype::fromJson(j) == g);
  }

  void toStringHasOneLinePerStage() {
    Genotype g;
    g.stages = {StageGenotype::fromString(kStage1, 1), uniformStage({Op::Skip, 7}, 2),
                StageGenotype::fromString(kStage3, 3)};
    const QStringList lines = QString::fromStdString(g.toString()).split('\n');
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QString("stage 1 (depth 1): ") + kStage1);
    QVERIFY(lines[1].startsWith("stage 2 (depth 2): |skip_connect~0|+"));
    QCOMPARE(lines[2], QString("stage 3 (depth 3): ") + kStage3);
  }

  void rejectsBadJson_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("named");
    const QString cell = QString("\"%1\"").arg(kStage1);
    const QString stage = QString("{\"cell\": %1, \"depth\": 2}").arg(cell);
    QTest::newRow("not an object") << "[]"
                                   << "'stages'";
    QTest::newRow("no stages") << "{}"
                               << "'stages'";
    QTest::newRow("two stages") << QString("{\"stages\": [%1, %1]}").arg(stage) << "'stages'";
    QTest::newRow("depth 0") << QString("{\"stages\": [%1, %1, {\"cell\": %2, \"depth\": 0}]}").arg(stage, cell)
                             << "stages[2].depth";
    QTest::newRow("depth string") << QString("{\"stages\": [%1, {\"cell\": %2, \"depth\": \"2\"}, %1]}")
                                         .arg(stage, cell)
                                  << "stages[1].depth";
    QTest::newRow("no cell") << QString("{\"stages\": [{\"depth\": 1}, %1, %1]}").arg(stage) << "stages[0].cell";
    QTest::newRow("bad cell") << QString("{\"stages\": [%1, %1, {\"cell\": \"|conv~0|\", \"depth\": 1}]}").arg(stage)
                              << "stages[2].cell";
  }
  void rejectsBadJson() {
    QFETCH(QString, json);
    QFETCH(QString, named);
    try {
      Genotype::fromJson(nlohmann::json::parse(json.toStdString()));
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(named), e.what());
    }
  }

  void deriveRecoversOneHotGenotypes() {
    std::mt19937_64 rng(3);
    for (int i = 0; i < 50; ++i) {
      const Genotype g = Genotype::random(rng, 4);
      torch::Tensor a, b, c;
      oneHot(g, 4, a, b, c);
      // Noise smaller than the one-hot margin must not change the argmax.
      a = a + 0.1 * torch::rand_like(a);
      QVERIFY(zd::deriveGenotype(a, b, c, 4) == g);
    }
  }

  void deriveBreaksTiesTowardsTheLowerIndex() {
    torch::Tensor alpha = torch::zeros({18, 5});
    alpha[0] = torch::tensor({0.0, 0.2, 0.5, 0.5, 0.1});  // conv1x1 and kvconv tie -> conv1x1
    alpha[7] = torch::tensor({0.1, 0.3, 0.0, 0.3, 0.3});  // skip wins
    alpha[8] = torch::tensor({0.0, 0.0, 0.0, 0.7, 0.7});  // kvconv beats avg_pool
    torch::Tensor beta = torch::zeros({18, 3});           // all tie -> 7×7
    beta[8] = torch::tensor({0.0, 0.4, 0.4});             // 5×5 beats 3×3
    torch::Tensor gamma = torch::zeros({3, 3});           // tie -> depth 1
    gamma[1] = torch::tensor({0.1, 0.6, 0.6});            // depth 2 beats 3
    const Genotype g = zd::deriveGenotype(alpha, beta, gamma, 3);
    QVERIFY((g.stages[0].edges[0] == EdgeChoice{Op::Conv1x1, 7}));
    QVERIFY((g.stages[0].edges[1] == EdgeChoice{Op::None, 7}));  // all-zero row -> none
    QVERIFY((g.stages[1].edges[1] == EdgeChoice{Op::Skip, 7}));
    QVERIFY((g.stages[1].edges[2] == EdgeChoice{Op::KernelConv, 5}));
    QCOMPARE(g.stages[0].depth, 1);
    QCOMPARE(g.stages[1].depth, 2);
    QCOMPARE(g.stages[2].depth, 1);
  }

  void deriveInPhaseOneUsesSevenBySevenAndFullDepth() {
    torch::Tensor alpha = torch::zeros({18, 5});
    alpha.select(1, 3).fill_(1.0);  // every edge the variable conv
    const Genotype g = zd::deriveGenotype(alpha.to(torch::kFloat), torch::Tensor(), torch::Tensor(), 3);
    for (const StageGenotype& s : g.stages) {
      QCOMPARE(s.depth, 3);
      for (const EdgeChoice& e : s.edges) QVERIFY((e == EdgeChoice{Op::KernelConv, 7}));
    }
  }

  void deriveRejectsBadShapes_data() {
    QTest::addColumn<int>("alphaRows");
    QTest::addColumn<int>("betaCols");
    QTest::addColumn<int>("gammaCols");
    QTest::addColumn<QString>("named");
    QTest::newRow("alpha rows") << 6 << 3 << 3 << "alpha";
    QTest::newRow("beta cols") << 18 << 2 << 3 << "beta";
    QTest::newRow("gamma vs max_depth") << 18 << 3 << 2 << "gamma";
  }
  void deriveRejectsBadShapes() {
    QFETCH(int, alphaRows);
    QFETCH(int, betaCols);
    QFETCH(int, gammaCols);
    QFETCH(QString, named);
    try {
      zd::deriveGenotype(torch::zeros({alphaRows, 5}), torch::zeros({18, betaCols}), torch::zeros({3, gammaCols}), 3);
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(named), e.what());
    }
  }

  void outputConnected_data() {
    QTest::addColumn<QString>("cell");
    QTest::addColumn<bool>("connected");
    QTest::newRow("spec stage 1") << kStage1 << true;
    QTest::newRow("spec stage 3") << kStage3 << true;
    QTest::newRow("all none") << "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|" << false;
    QTest::newRow("direct 3<-0") << "|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|" << true;
    QTest::newRow("chain 0-1-2-3") << "|avg_pool_3x3~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|skip_connect~2|" << true;
    QTest::newRow("node 1 unreached") << "|none~0|+|none~0|none~1|+|none~0|skip_connect~1|none~2|" << false;
    QTest::newRow("node 2 dead end") << "|none~0|+|skip_connect~0|none~1|+|none~0|skip_connect~1|none~2|" << false;
    QTest::newRow("via 2 from 0") << "|none~0|+|nor_conv_5x5~0|none~1|+|none~0|none~1|skip_connect~2|" << true;
  }
  void outputConnected() {
    QFETCH(QString, cell);
    QFETCH(bool, connected);
    QCOMPARE(StageGenotype::fromString(cell.toStdString(), 1).outputConnected(), connected);
  }

  void describeChangesNamesEdgesKernelsAndDepths() {
    std::mt19937_64 rng(4);
    const Genotype a = Genotype::random(rng, 3);
    QVERIFY(zd::describeChanges(a, a).empty());
    Genotype b = a;
    b.stages[1].edges[4] = zd::EdgeChoice{Op::KernelConv, 3};
    if (a.stages[1].edges[4] == b.stages[1].edges[4]) b.stages[1].edges[4] = zd::EdgeChoice{Op::KernelConv, 5};
    b.stages[2].depth = a.stages[2].depth == 1 ? 2 : 1;
    const auto changes = zd::describeChanges(a, b);
    QCOMPARE(changes.size(), size_t(2));
    const QString edge = QString::fromStdString(changes[0]);
    QVERIFY2(edge.startsWith("stage 2, edge 3<-1: " +
                             QString::fromStdString(zd::opName(a.stages[1].edges[4].op, a.stages[1].edges[4].kernel)) +
                             " -> nor_conv_"),
             qPrintable(edge));
    QCOMPARE(QString::fromStdString(changes[1]),
             QString("stage 3: depth %1 -> %2").arg(a.stages[2].depth).arg(b.stages[2].depth));
  }

  void randomIsSeededAndCoversTheSpace() {
    std::mt19937_64 a(11), b(11);
    QVERIFY(Genotype::random(a, 3) == Genotype::random(b, 3));
    std::mt19937_64 rng(5);
    std::array<int, 5> ops{};
    std::array<int, 3> kernels{}, depths{};
    for (int i = 0; i < 500; ++i) {
      const Genotype g = Genotype::random(rng, 3);
      QCOMPARE(int(g.stages.size()), zd::kStages);
      for (const StageGenotype& s : g.stages) {
        QVERIFY(s.depth >= 1 && s.depth <= 3);
        ++depths[s.depth - 1];
        for (const EdgeChoice& e : s.edges) {
          ++ops[static_cast<int>(e.op)];
          if (e.op == Op::KernelConv) ++kernels[zd::kernelIndex(e.kernel)];
        }
      }
    }
    // 9000 edges: each op ~1800; 1500 stages: each depth ~500; ~1800 convs: each kernel ~600.
    for (int n : ops) QVERIFY2(n > 1600 && n < 2000, qPrintable(QString::number(n)));
    for (int n : depths) QVERIFY2(n > 400 && n < 600, qPrintable(QString::number(n)));
    for (int n : kernels) QVERIFY2(n > 480 && n < 720, qPrintable(QString::number(n)));
  }
};

QTEST_GUILESS_MAIN(TestGenotype)
#include "test_genotype.moc"
