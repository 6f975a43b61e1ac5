// The dashboard and its panels build offscreen and follow the model: heat maps show
// the latest distributions with exact zeros painted apart from small values, the
// plots hold one point per epoch, the controls emit pause/resume/cancel.
#include "tests/gui/synthetic_run.h"
#include "ui/dashboard/accuracy_size_plot.h"
#include "ui/dashboard/architecture_panel.h"
#include "ui/dashboard/distribution_heat_map.h"
#include "ui/dashboard/edge_history_plot.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/dashboard/run_model.h"
#include "ui/dashboard/run_progress_panel.h"
#include "ui/dashboard/schedule_plot.h"
#include "ui/dashboard/training_curves_plot.h"

#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

using namespace synthetic;

class TestRunDashboard : public QObject {
  Q_OBJECT
 private slots:
  void panelsFollowTheModel() {
    RunModel model;
    model.setRefreshInterval(10);
    RunDashboard dashboard(&model);
    dashboard.resize(1400, 900);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    // Before any event every panel draws its empty state.
    QCOMPARE(dashboard.accuracySizePlot()->pointCount(), 0);

    const auto events = syntheticRun();
    for (const auto& e : events) model.append(e);
    QSignalSpy changed(&model, &RunModel::changed);
    QTRY_COMPARE(changed.count(), 1);

    const RunPlotData& d = model.data();
    // α heat map of stage 2 = rows 6..11 of the latest α; β and γ shown in phase 2.
    auto* alpha = dashboard.architecturePanel()->alphaMap(1);
    QCOMPARE(alpha->values().size(), std::size_t(6));
    QCOMPARE(alpha->values()[0], d.latest.alpha[6]);
    QCOMPARE(dashboard.architecturePanel()->betaMap(2)->values().size(), std::size_t(6));
    QCOMPARE(dashboard.architecturePanel()->gammaMap()->values(), d.latest.gamma);

    // One point per epoch, the band shown (the run has one).
    QCOMPARE(dashboard.accuracySizePlot()->pointCount(), 3);
    QVERIFY(dashboard.accuracySizePlot()->bandShown());
    QCustomPlot* curves = dashboard.trainingCurvesPlot()->plot();
    QCOMPARE(curves->graph(0)->dataCount(), 3);
    QCOMPARE(curves->graph(3)->data()->at(2)->value, 100 * d.archAccuracy[2]);
    QCustomPlot* schedule = dashboard.schedulePlot()->plot();
    QCOMPARE(schedule->graph(0)->dataCount(), 3);
    QCOMPARE(schedule->graph(0)->data()->at(2)->value, 1.125);

    // Edge histories: stage 1's six plots, five ops each, one point per update.
    QCustomPlot* history = dashboard.edgeHistoryPlot()->plot();
    QCOMPARE(history->graphCount(), 30);
    QCOMPARE(history->graph(1)->dataCount(), 6);  // edge 1<-0, skip_connect
    QCOMPARE(history->graph(1)->data()->at(5)->value, 0.6);
    dashboard.edgeHistoryPlot()->setStage(2);
    QCOMPARE(history->graph(1)->data()->at(0)->value, d.alphaHistory[12][1][0]);

    auto* progress = dashboard.progressPanel();
    QCOMPARE(progress->bar()->value(), progress->bar()->maximum());
    QVERIFY2(progress->statusText().contains("Epoch 3 of 3"), qPrintable(progress->statusText()));
    QCOMPARE(progress->genotypeText(), QString::fromStdString(d.genotype.toString()));
  }

  void overlaysDrawTheirPoints() {
    QTemporaryDir tmp;
    writeRun(tmp.filePath("small"), "/d.npz", syntheticRun(0, 135e3, -0.1));
    writeRun(tmp.filePath("large"), "/d.npz", syntheticRun(498e3, 742e3, 0.05, 450000));
    RunModel model;
    RunDashboard dashboard(&model);
    QVERIFY(model.replay(tmp.filePath("large")));
    const int before = dashboard.accuracySizePlot()->plot()->graphCount();
    QVERIFY(model.addOverlayRun(tmp.filePath("small")));
    QCustomPlot* plot = dashboard.accuracySizePlot()->plot();
    // One graph for the overlay's points and one for the trade-off curve through the last epochs.
    QCOMPARE(plot->graphCount(), before + 2);
    bool named = false;
    for (int i = 0; i < plot->graphCount(); ++i)
      if (plot->graph(i)->name() == "small") {
        named = true;
        QCOMPARE(plot->graph(i)->dataCount(), 3);
      }
    QVERIFY(named);
  }

  // Sparsemax's exact zeros must not look like small probabilities.
  void exactZerosLookDifferent() {
    DistributionHeatMap map(QStringLiteral("α"));
    map.setData({{0.0, 1e-4, 0.5, 1.0}}, {"1←0"}, {"a", "b", "c", "d"});
    map.resize(400, 80);
    const QImage image = map.grab().toImage();
    auto colourAt = [&](int column) {
      const QRectF r = map.cellRect(0, column);
      // A corner pixel: clear of the value text in the middle.
      return image.pixelColor(QPoint(static_cast<int>(r.left()) + 3, static_cast<int>(r.top()) + 3));
    };
    QVERIFY(DistributionHeatMap::colourFor(0) != DistributionHeatMap::colourFor(1e-4));
    // The zero cell is grey (hatched); the tiny value takes the scale's bright end.
    const QColor zero = DistributionHeatMap::colourFor(0);
    QCOMPARE(zero.hsvSaturation(), 0);
    QVERIFY(DistributionHeatMap::colourFor(1e-4).hsvSaturation() > 100);
    QVERIFY(colourAt(0) != colourAt(1));
    QVERIFY(colourAt(1) != colourAt(3));
    // Hatching: the zero cell holds more than one colour.
    const QRectF r = map.cellRect(0, 0);
    QSet<QRgb> colours;
    for (int x = static_cast<int>(r.left()) + 2; x < static_cast<int>(r.right()) - 2; ++x)
      colours.insert(image.pixel(x, static_cast<int>(r.center().y())));
    QVERIFY(colours.size() > 1);
  }

  void controlsEmitRequests() {
    RunModel model;
    RunDashboard dashboard(&model);
    QSignalSpy pause(&dashboard, &RunDashboard::pauseRequested);
    QSignalSpy resume(&dashboard, &RunDashboard::resumeRequested);
    QSignalSpy cancel(&dashboard, &RunDashboard::cancelRequested);
    auto* panel = dashboard.progressPanel();
    QVERIFY(!panel->pauseButton()->isEnabled());  // nothing running yet
    dashboard.setRunning(true);
    QVERIFY(panel->pauseButton()->isEnabled());
    QTest::mouseClick(panel->pauseButton(), Qt::LeftButton);
    QCOMPARE(pause.count(), 1);
    QCOMPARE(panel->pauseButton()->text(), QStringLiteral("Resume"));
    QTest::mouseClick(panel->pauseButton(), Qt::LeftButton);
    QCOMPARE(resume.count(), 1);
    QTest::mouseClick(panel->cancelButton(), Qt::LeftButton);
    QCOMPARE(cancel.count(), 1);
    dashboard.setRunning(false);
    QVERIFY(!panel->pauseButton()->isEnabled());
    QVERIFY(!panel->cancelButton()->isEnabled());
  }

  void durations_data() {
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown") << -1.0 << "—";
    QTest::newRow("seconds") << 44.6 << "45 s";
    QTest::newRow("minutes") << 200.0 << "3 min 20 s";
    QTest::newRow("hours") << 7500.0 << "2 h 05 min";
  }
  void durations() {
    QFETCH(double, seconds);
    QFETCH(QString, text);
    QCOMPARE(formatDuration(seconds), text);
  }
};

QTEST_MAIN(TestRunDashboard)
#include "test_run_dashboard.moc"
