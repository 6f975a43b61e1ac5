// RunModel: a synthetic event stream gives the plot data worked out by hand;
// replaying the run directory written from the same stream rebuilds exactly the
// same data; bursts of events give one changed() per refresh interval; runs on the
// same data are found and overlaid.
#include "tests/gui/synthetic_run.h"
#include "ui/dashboard/count_format.h"
#include "ui/dashboard/run_model.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <vector>

using namespace synthetic;

class TestRunModel : public QObject {
  Q_OBJECT
 private:
  QTemporaryDir tmp_;

 private slots:
  void syntheticStreamGivesHandComputedPlotData() {
    RunModel model;
    for (const auto& e : syntheticRun()) model.append(e);
    model.flush();
    const RunPlotData& d = model.data();
    QCOMPARE(d.state, RunState::Finished);
    QCOMPARE(d.epochs, 3);
    QCOMPARE(d.minParams, 100e3);
    QCOMPARE(d.maxParams, 300e3);
    QCOMPARE(d.phase, 2);
    QCOMPARE(d.phaseChangeEpoch, 2);
    QCOMPARE(d.checkpointEpoch, 3);
    QCOMPARE(d.scheduleEpoch, QVector<double>({0, 1, 2}));
    QCOMPARE(d.temperature, QVector<double>({1.5, 1.5, 1.125}));
    QCOMPARE(d.lambda, QVector<double>({0, 0, 15 / 1.125}));
    QCOMPARE(d.epoch, QVector<double>({0, 1, 2}));
    QCOMPARE(d.archAccuracy, QVector<double>({0.6, 0.7, 0.6 + 0.1 * 2}));
    QCOMPARE(d.derivedParams, QVector<double>({150000, 160000, 170000}));
    QCOMPARE(d.expectedParams, QVector<double>({180000, 181000, 182000}));
    QCOMPARE(d.epochSeconds, QVector<double>({10, 11, 12}));
    QCOMPARE(d.update, QVector<double>({1, 2, 3, 4, 5, 6}));
    QCOMPARE(d.updateEpoch, QVector<double>({0, 0, 1, 1, 2, 2}));
    // History of every op on every edge: skip rises 0.1 per update, 1x1 falls, the rest stay 0.
    QCOMPARE(d.alphaHistory.size(), kRows);
    QCOMPARE(d.alphaHistory[17].size(), 5);
    for (int u = 0; u < 6; ++u) {
      QCOMPARE(d.alphaHistory[17][1][u], 0.1 * (u + 1));
      QCOMPARE(d.alphaHistory[4][2][u], 1 - 0.1 * (u + 1));
      QCOMPARE(d.alphaHistory[0][0][u], 0.0);
    }
    QCOMPARE(d.latest.alpha[0][1], 0.1 * 6);
    QCOMPARE(d.latest.beta.size(), std::size_t(kRows));
    QCOMPARE(d.latest.gamma.size(), std::size_t(3));
    QVERIFY(d.genotype == zd::Genotype::fromString(kGenotype));
    QCOMPARE(d.finalParams, 170000.0);
    // How run_finished's architecture was derived (replayRebuildsTheLiveData: also from the log).
    QCOMPARE(d.derivation, QStringLiteral("in-band"));
    QVERIFY(d.argmaxGenotype == zd::Genotype::fromString(kArgmaxGenotype));
    QCOMPARE(d.argmaxParams, static_cast<double>(kArgmaxParams));
    QCOMPARE(d.derivationChanges, QStringList({QString::fromLatin1(kChange)}));
    QCOMPARE(model.progress().fraction, 1.0);
    QCOMPARE(model.progress().etaSeconds, 0.0);
  }

  // Mid-run: after 1.5 of 3 epochs with 10 s per finished epoch, 1.5 epochs remain.
  void progressAndEta() {
    RunModel model;
    const auto events = syntheticRun();
    // run_started … epoch 0 finished … epoch 1 started, 2 of its 4 steps done.
    int cut = 0;
    for (; cut < static_cast<int>(events.size()); ++cut) {
      const auto* s = std::get_if<zd::StepProgress>(&events[cut]);
      if (s && s->epoch == 1 && s->step == 2) break;
    }
    for (int i = 0; i <= cut; ++i) model.append(events[i]);
    QCOMPARE(model.progress().epoch, 1);
    QCOMPARE(model.progress().step, 2);
    QCOMPARE(model.progress().fraction, 1.5 / 3);
    QCOMPARE(model.progress().etaSeconds, 1.5 * 10.0);
    QCOMPARE(model.data().state, RunState::Running);
  }

  void replayRebuildsTheLiveData() {
    const QString dir = tmp_.filePath("replay/run-a");
    const auto events = syntheticRun();
    writeRun(dir, "/data/organ.npz", events);
    RunModel live;
    for (const auto& e : events) live.append(e);
    RunModel replayed;
    QSignalSpy changed(&replayed, &RunModel::changed);
    QString error;
    QVERIFY2(replayed.replay(dir, &error), qPrintable(error));
    QCOMPARE(changed.count(), 1);  // at once, not after the coalescing delay
    QVERIFY(replayed.data() == live.data());
    QCOMPARE(replayed.progress().fraction, live.progress().fraction);
    QCOMPARE(replayed.maxDepth(), 3);
    QCOMPARE(replayed.dataPath(), QStringLiteral("/data/organ.npz"));
    // Sanity of the comparison itself: one changed value is seen.
    RunPlotData other = live.data();
    other.alphaHistory[3][2][1] += 1e-12;
    QVERIFY(other != replayed.data());
  }

  // A resumed run logs the epoch its crash lost again: it is drawn once.
  void resumedLogDrawsRepeatedEpochsOnce() {
    auto events = syntheticRun();
    std::vector<zd::JobEvent> crashed(events.begin(), events.end() - 1);  // no run_finished
    zd::RunStarted resumed = std::get<zd::RunStarted>(events.front());
    resumed.start_epoch = 2;
    crashed.push_back(resumed);
    // Epoch 2 again (its checkpoint was from epoch 1), with its updates 5 and 6.
    for (size_t i = 0; i < events.size(); ++i) {
      const auto* s = std::get_if<zd::EpochStarted>(&events[i]);
      if (s && s->epoch == 2) {
        crashed.insert(crashed.end(), events.begin() + static_cast<std::ptrdiff_t>(i), events.end());
        break;
      }
    }
    const QString dir = tmp_.filePath("resume/run");
    writeRun(dir, "/data/x.npz", crashed);
    RunModel replayed;
    QVERIFY(replayed.replay(dir));
    RunModel clean;
    for (const auto& e : events) clean.append(e);
    QCOMPARE(replayed.data().epoch, clean.data().epoch);
    QCOMPARE(replayed.data().update, clean.data().update);
    QCOMPARE(replayed.data().alphaHistory, clean.data().alphaHistory);
    QCOMPARE(replayed.data().scheduleEpoch, clean.data().scheduleEpoch);
    QCOMPARE(replayed.data().startEpoch, 2);
  }

  void replayErrorsNameTheFile() {
    RunModel model;
    QString error;
    QVERIFY(!model.replay(tmp_.filePath("no-such-run"), &error));
    QVERIFY2(error.contains("no-such-run") && error.contains("config.json"), qPrintable(error));

    const QString dir = tmp_.filePath("damaged/run");
    writeRun(dir, "/data/x.npz", syntheticRun());
    QFile log(dir + "/events.jsonl");
    QVERIFY(log.open(QIODevice::ReadWrite));
    QByteArray text = log.readAll();
    text.replace(text.indexOf("epoch_started"), 5, "ep?ch");  // damage an early line
    log.resize(0);
    log.write(text);
    log.close();
    QVERIFY(!model.replay(dir, &error));
    QVERIFY2(error.contains("events.jsonl"), qPrintable(error));
    QCOMPARE(model.data().state, RunState::NotStarted);  // left cleared
  }

  // A burst of events arriving between two event-loop turns gives one changed();
  // a steady stream gives at most one per interval.
  void changedIsCoalesced() {
    RunModel model;
    model.setRefreshInterval(100);
    QSignalSpy changed(&model, &RunModel::changed);
    for (int i = 0; i < 1000; ++i) model.append(zd::StepProgress{0, i + 1, 1000, 1.0});
    QCOMPARE(changed.count(), 0);
    QTRY_COMPARE(changed.count(), 1);
    QTest::qWait(250);
    QCOMPARE(changed.count(), 1);  // nothing new: no further signal
    QCOMPARE(model.progress().step, 1000);

    changed.clear();
    QElapsedTimer clock;
    clock.start();
    int appended = 0;
    while (clock.elapsed() < 500) {
      for (int i = 0; i < 20; ++i, ++appended) model.append(zd::StepProgress{1, appended + 1, 100000, 1.0});
      QCoreApplication::processEvents();
    }
    model.flush();
    const qint64 elapsed = clock.elapsed();
    QVERIFY(appended > 100);
    // The timer cannot fire more often than every 100 ms (plus the final flush).
    QVERIFY2(changed.count() <= elapsed / 100 + 2, qPrintable(QString::number(changed.count())));
    QVERIFY(changed.count() >= 1);
  }

  void siblingRunsOnTheSameDataOverlay() {
    const QString parent = tmp_.filePath("family");
    writeRun(parent + "/small", "/data/organ.npz", syntheticRun(0, 135e3, -0.1));
    writeRun(parent + "/medium", "/data/organ.npz", syntheticRun(227e3, 330e3));
    writeRun(parent + "/other-data", "/data/path.npz", syntheticRun());
    QDir().mkpath(parent + "/not-a-run");
    RunModel model;
    QVERIFY(model.replay(parent + "/medium"));
    const QStringList siblings = model.siblingRunsWithSameData();
    QCOMPARE(siblings, QStringList({QDir(parent + "/small").absolutePath()}));
    QSignalSpy changed(&model, &RunModel::changed);
    QString error;
    QVERIFY2(model.addOverlayRun(siblings[0], &error), qPrintable(error));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.overlays().size(), 1);
    const OverlayRun& o = model.overlays()[0];
    QCOMPARE(o.name, QStringLiteral("small"));
    QCOMPARE(o.maxParams, 135e3);
    QCOMPARE(o.derivedParams, QVector<double>({150000, 160000, 170000}));
    QCOMPARE(o.archAccuracy[0], 0.6 - 0.1);
    // Adding the same folder again replaces it.
    QVERIFY(model.addOverlayRun(siblings[0]));
    QCOMPARE(model.overlays().size(), 1);
    QVERIFY(!model.addOverlayRun(parent + "/not-a-run", &error));
    QVERIFY2(error.contains("not-a-run"), qPrintable(error));
    model.clearOverlays();
    QVERIFY(model.overlays().isEmpty());
  }

  void countsInKiloAndMega_data() {
    QTest::addColumn<double>("count");
    QTest::addColumn<QString>("text");
    QTest::newRow("small") << 950.0 << "950";
    QTest::newRow("kilo") << 12345.0 << "12.3k";
    QTest::newRow("hundreds of k") << 807266.0 << "807k";
    QTest::newRow("rounds up to M") << 999600.0 << "1.00M";
    QTest::newRow("mega") << 4914930.0 << "4.91M";
    QTest::newRow("zero") << 0.0 << "0";
  }
  void countsInKiloAndMega() {
    QFETCH(double, count);
    QFETCH(QString, text);
    QCOMPARE(formatCount(count), text);
  }
};

QTEST_GUILESS_MAIN(TestRunModel)
#include "test_run_model.moc"
