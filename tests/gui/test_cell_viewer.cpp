// CellViewer: follows a RunModel (distributions during the search, the genotype on
// request), and saves what it draws as a valid PNG and SVG.
#include "tests/gui/synthetic_run.h"
#include "ui/cell_view/cell_viewer.h"
#include "ui/dashboard/run_model.h"

#include <QImage>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

using namespace synthetic;

namespace {

const char* kFullGenotype =
    "stage 1 (depth 1): |nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|\n"
    "stage 2 (depth 2): "
    "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|\n"
    "stage 3 (depth 3): |nor_conv_7x7~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|";

}  // namespace

class TestCellViewer : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir tmp_;

 private slots:
  void followsTheModel() {
    RunModel model;
    CellViewer viewer;
    viewer.setModel(&model);
    QVERIFY(viewer.cells().isEmpty());
    for (const auto& e : syntheticRun()) model.append(e);
    model.flush();
    // Latest α: skip 0.6, 1x1 0.4 on every edge → two edges per node pair.
    QCOMPARE(viewer.cells().size(), 3);
    QCOMPARE(viewer.cells()[0].edges.size(), 12);
    QCOMPARE(viewer.cells()[0].edges[0].weight, 0.6);
    // γ (0.2, 0.3, 0.5) → depth 3.
    QCOMPARE(viewer.cells()[0].depth, 3);
    viewer.setSource(CellViewer::Source::Genotype);
    QCOMPARE(viewer.cells().size(), 1);  // the synthetic genotype's one stage line
    QCOMPARE(viewer.cells()[0].edges.size(), 3);
  }

  void savesValidPngAndSvg() {
    CellViewer viewer;
    viewer.setGenotype(zd::Genotype::fromString(kFullGenotype));
    QCOMPARE(viewer.cells().size(), 3);
    QString error;
    const QString png = tmp_.filePath("cells.png");
    QVERIFY2(viewer.savePng(png, &error), qPrintable(error));
    QImage image;
    QVERIFY(image.load(png, "PNG"));
    QVERIFY(image.width() > 300 && image.height() > 3 * 100);
    // Something was drawn: not a blank white picture.
    int dark = 0;
    for (int y = 0; y < image.height(); y += 3)
      for (int x = 0; x < image.width(); x += 3)
        if (qGray(image.pixel(x, y)) < 128) ++dark;
    QVERIFY(dark > 100);

    const QString svg = tmp_.filePath("cells.svg");
    QVERIFY2(viewer.saveSvg(svg, &error), qPrintable(error));
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("nor_conv_5x5"));  // the labels are text in the drawing
  }

  void unwritablePathSaysWhich() {
    CellViewer viewer;
    viewer.setGenotype(zd::Genotype::fromString(kFullGenotype));
    QString error;
    const QString path = tmp_.filePath("no/such/folder/cells.png");
    QVERIFY(!viewer.savePng(path, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
    QVERIFY(!viewer.saveSvg(tmp_.filePath("no/such/folder/cells.svg"), &error));
    QVERIFY2(error.contains("cells.svg"), qPrintable(error));
  }
};

QTEST_MAIN(TestCellViewer)
#include "test_cell_viewer.moc"
