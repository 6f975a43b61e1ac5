// The cell viewer's drawing is a pure function: genotype text or distributions →
// the list of drawable edges per stage. These tests pin that list against genotypes
// and distributions whose edges are worked out by hand.
#include "ui/cell_view/cell_graph.h"
#include "ui/cell_view/cell_painter.h"

#include <QtTest>

#include <array>

Q_DECLARE_METATYPE(QVector<CellEdge>)
using Live = std::array<bool, 4>;
Q_DECLARE_METATYPE(Live)

namespace {

// Op indices (ALGORITHM.md §1).
constexpr int kSkip = 1, kConv1 = 2, kConvK = 3, kPool = 4;

// The cells of a genotype written in Genotype::toString()'s form.
QVector<CellGraph> cellsOf(const QString& text) {
  return cellsFromGenotype(zd::Genotype::fromString(text.toStdString()));
}

CellEdge edge(int from, int to, int op, int kernel = 0, double weight = 1) {
  return CellEdge{from, to, op, kernel, weight};
}

QString show(const QVector<CellEdge>& edges) {
  QStringList parts;
  for (const auto& e : edges)
    parts << QStringLiteral("%1->%2 %3 w=%4").arg(e.from).arg(e.to).arg(e.label()).arg(e.weight);
  return parts.join(QStringLiteral("; "));
}

}  // namespace

class TestCellGraph : public QObject {
  Q_OBJECT
 private slots:
  // One stage line at a time (each a genotype of its first stage alone): its edges
  // in edge order, `none` edges absent.
  void genotypeEdges_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<int>("depth");
    QTest::addColumn<QVector<CellEdge>>("edges");
    QTest::addColumn<Live>("live");
    // ALGORITHM.md §5's check genotype, stage 1: 3<-0 is none.
    QTest::newRow("mixed kernels, one none")
        << "stage 1 (depth 1): |nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|"
        << 1
        << QVector<CellEdge>{edge(0, 1, kConvK, 3), edge(0, 2, kSkip), edge(1, 2, kConv1), edge(1, 3, kConvK, 5),
                             edge(2, 3, kPool)}
        << Live{true, true, true, true};
    QTest::newRow("all 1x1, depth 2")
        << "stage 1 (depth 2): "
           "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|"
        << 2 << QVector<CellEdge>{edge(0, 1, kConv1), edge(0, 2, kConv1), edge(1, 2, kConv1),
                                  edge(0, 3, kConv1), edge(1, 3, kConv1), edge(2, 3, kConv1)}
        << Live{true, true, true, true};
    // Node 2 has no input: its avg_pool edge to the output is drawn, but node 2 is dead.
    QTest::newRow("node 2 without input")
        << "stage 1 (depth 3): |nor_conv_7x7~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|" << 3
        << QVector<CellEdge>{edge(0, 1, kConvK, 7), edge(0, 3, kSkip), edge(1, 3, kConvK, 3), edge(2, 3, kPool)}
        << Live{true, true, false, true};
    // Nothing reaches the output from the input: every node is off the path.
    QTest::newRow("output disconnected")
        << "stage 1 (depth 1): |none~0|+|skip_connect~0|none~1|+|none~0|skip_connect~1|none~2|" << 1
        << QVector<CellEdge>{edge(0, 2, kSkip), edge(1, 3, kSkip)} << Live{false, false, false, false};
    QTest::newRow("all none") << "stage 1 (depth 2): |none~0|+|none~0|none~1|+|none~0|none~1|none~2|" << 2
                              << QVector<CellEdge>{} << Live{false, false, false, false};
  }
  void genotypeEdges() {
    QFETCH(QString, line);
    QFETCH(int, depth);
    QFETCH(QVector<CellEdge>, edges);
    QFETCH(Live, live);
    const auto cells = cellsOf(line);
    QCOMPARE(cells.size(), 1);
    QCOMPARE(cells[0].depth, depth);
    QVERIFY2(cells[0].edges == edges, qPrintable(show(cells[0].edges) + "  expected  " + show(edges)));
    QVERIFY(cells[0].live == live);
    QVERIFY(cells[0].depthWeights.isEmpty());
  }

  void kernelsAreLabelled() {
    const auto cells = cellsOf(
        "stage 1 (depth 1): "
        "|nor_conv_3x3~0|+|nor_conv_5x5~0|nor_conv_7x7~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_1x1~2|");
    QCOMPARE(cells.size(), 1);
    QStringList labels;
    for (const auto& e : cells[0].edges) labels << e.label();
    QCOMPARE(labels, QStringList({"nor_conv_3x3", "nor_conv_5x5", "nor_conv_7x7", "avg_pool_3x3", "skip_connect",
                                  "nor_conv_1x1"}));
  }

  // Genotype::toString() writes three lines; each becomes a stage with its depth.
  void wholeGenotype() {
    const QString text =
        "stage 1 (depth 1): |nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|\n"
        "stage 2 (depth 2): "
        "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|\n"
        "stage 3 (depth 3): |nor_conv_7x7~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|";
    const auto cells = cellsOf(text);
    QCOMPARE(cells.size(), 3);
    QCOMPARE(cells[0].stage, 0);
    QCOMPARE(cells[2].stage, 2);
    QCOMPARE(cells[1].depth, 2);
    QCOMPARE(cells[0].edges.size() + cells[1].edges.size() + cells[2].edges.size(), 5 + 6 + 4);
  }

  void emptyGenotypeHasNoCells() { QVERIFY(cellsFromGenotype(zd::Genotype{}).isEmpty()); }

  // During the search every op with nonzero probability is an edge weighted by it;
  // the variable conv splits by β over its kernels; exact zeros are not drawn.
  void distributionEdges() {
    zd::ArchDistributions d;
    d.alpha.assign(18, {1, 0, 0, 0, 0});  // every edge certainly none → no edges
    // stage 1, edge 0 (1<-0): skip 0.25, 1x1 0.25, k×k 0.5
    d.alpha[0] = {0, 0.25, 0.25, 0.5, 0};
    // stage 1, edge 5 (3<-2): none 0.6, pool 0.4 → only pool drawn
    d.alpha[5] = {0.6, 0, 0, 0, 0.4};
    // stage 2, edge 3 (3<-0): k×k 1 — with β (0, 0.75, 0.25) → 5x5 0.75 and 3x3 0.25
    d.alpha[9] = {0, 0, 0, 1, 0};
    d.beta.assign(18, {1, 0, 0});
    d.beta[0] = {0.2, 0, 0.8};
    d.beta[9] = {0, 0.75, 0.25};
    d.gamma = {{0, 1, 0}, {0.5, 0.5, 0}, {0.1, 0.2, 0.7}};

    const auto cells = cellsFromDistributions(d, 3);
    QCOMPARE(cells.size(), 3);
    const QVector<CellEdge> stage1{edge(0, 1, kSkip, 0, 0.25), edge(0, 1, kConv1, 0, 0.25),
                                   edge(0, 1, kConvK, 7, 0.5 * 0.2), edge(0, 1, kConvK, 3, 0.5 * 0.8),
                                   edge(2, 3, kPool, 0, 0.4)};
    QVERIFY2(cells[0].edges == stage1, qPrintable(show(cells[0].edges)));
    const QVector<CellEdge> stage2{edge(0, 3, kConvK, 5, 0.75), edge(0, 3, kConvK, 3, 0.25)};
    QVERIFY2(cells[1].edges == stage2, qPrintable(show(cells[1].edges)));
    QVERIFY(cells[2].edges.isEmpty());
    // Depth = argmax γ + 1, ties to the lower depth (§6).
    QCOMPARE(cells[0].depth, 2);
    QCOMPARE(cells[1].depth, 1);
    QCOMPARE(cells[2].depth, 3);
    QCOMPARE(cells[2].depthWeights, QVector<double>({0.1, 0.2, 0.7}));
    // Stage 1: input→1 and 2→output exist but 1 and 2 are not joined: nothing is live.
    QVERIFY((cells[0].live == Live{false, false, false, false}));
    QVERIFY((cells[1].live == Live{true, false, false, true}));
  }

  // Phase 1: no β (the variable conv is 7×7) and no γ (depth is N).
  void phaseOneDistributions() {
    zd::ArchDistributions d;
    d.alpha.assign(18, {0, 0, 0, 1, 0});
    const auto cells = cellsFromDistributions(d, 4);
    QCOMPARE(cells.size(), 3);
    for (const auto& cell : cells) {
      QCOMPARE(cell.depth, 4);
      QCOMPARE(cell.edges.size(), 6);
      for (const auto& e : cell.edges) QCOMPARE(e.label(), QStringLiteral("nor_conv_7x7"));
    }
  }

  // The layout keeps parallel ops apart and never draws a curve through a node.
  void layoutSeparatesParallelEdges() {
    CellGraph cell;
    cell.edges = {edge(0, 1, kSkip, 0, 0.5), edge(0, 1, kConv1, 0, 0.5), edge(0, 2, kPool), edge(0, 3, kSkip)};
    const auto layout = layoutCell(cell, QRectF(0, 0, 600, 200));
    QCOMPARE(layout.edges.size(), 4);
    QVERIFY(layout.edges[0].labelAt != layout.edges[1].labelAt);
    for (int i = 0; i < 3; ++i) QVERIFY(layout.nodes[i].x() < layout.nodes[i + 1].x());
    // 0→2 passes over node 1 at a distance, 0→3 under nodes 1 and 2.
    QVERIFY(layout.nodes[1].y() - layout.edges[2].labelAt.y() > layout.nodeRadius);
    QVERIFY(layout.edges[3].labelAt.y() - layout.nodes[1].y() > layout.nodeRadius);
    QVERIFY(edgeWidth(1) > edgeWidth(0.5));
    QVERIFY(edgeWidth(0.5) > edgeWidth(0));
  }
};

QTEST_GUILESS_MAIN(TestCellGraph)
#include "test_cell_graph.moc"
