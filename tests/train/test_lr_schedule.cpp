// The retraining lr schedule (ALGORITHM.md §7) at chosen epochs against values
// computed by hand from the warm-up and cosine formulas.
#include "core/train/lr_schedule.h"

#include <QtTest>

class TestLrSchedule : public QObject {
  Q_OBJECT

 private slots:
  void values_data() {
    QTest::addColumn<int>("epochs");
    QTest::addColumn<int>("warmup");
    QTest::addColumn<double>("lr_min");
    QTest::addColumn<int>("epoch");
    QTest::addColumn<double>("expected");
    // §7 defaults: 300 epochs, lr 0.1, 10 warm-up epochs from 1 %, cosine to 0.
    QTest::newRow("warm-up starts at 1 %") << 300 << 10 << 0.0 << 0 << 0.001;
    QTest::newRow("warm-up halfway") << 300 << 10 << 0.0 << 5 << 0.1 * (0.01 + 0.99 * 0.5);
    QTest::newRow("warm-up epoch 9") << 300 << 10 << 0.0 << 9 << 0.1 * (0.01 + 0.99 * 0.9);
    QTest::newRow("cosine starts at the peak") << 300 << 10 << 0.0 << 10 << 0.1;
    QTest::newRow("cosine halfway (145 of 290)") << 300 << 10 << 0.0 << 155 << 0.05;
    // 0.1·(1 + cos(π·289/290))/2
    QTest::newRow("last epoch, almost 0") << 300 << 10 << 0.0 << 299 << 2.9338608443452153e-06;
    // No warm-up, cosine to lr_min = 0.001 over 4 epochs: 0.001 + 0.099·(1 + cos(π/4))/2.
    QTest::newRow("no warm-up, epoch 0") << 4 << 0 << 0.001 << 0 << 0.1;
    QTest::newRow("no warm-up, epoch 1") << 4 << 0 << 0.001 << 1 << 0.0855017856687341;
    QTest::newRow("no warm-up, epoch 2") << 4 << 0 << 0.001 << 2 << 0.0505;
    // A run shorter than the warm-up is all warm-up.
    QTest::newRow("short run") << 5 << 10 << 0.0 << 4 << 0.1 * (0.01 + 0.99 * 0.4);
  }
  void values() {
    QFETCH(int, epochs);
    QFETCH(int, warmup);
    QFETCH(double, lr_min);
    QFETCH(int, epoch);
    QFETCH(double, expected);
    zd::TrainOptions o;
    o.epochs = epochs;
    o.warmup_epochs = warmup;
    o.lr_min = lr_min;
    const double lr = zd::trainLrAt(o, epoch);
    QVERIFY2(std::abs(lr - expected) <= 1e-12 * std::max(1.0, expected) + 1e-15,
             qPrintable(QString("lr %1, expected %2").arg(lr, 0, 'g', 17).arg(expected, 0, 'g', 17)));
  }

  void monotoneAfterWarmup() {
    zd::TrainOptions o;
    for (int e = 1; e < o.epochs; ++e) {
      const double before = zd::trainLrAt(o, e - 1), now = zd::trainLrAt(o, e);
      if (e <= o.warmup_epochs) QVERIFY(now > before);
      else QVERIFY(now < before);
    }
  }
};

QTEST_GUILESS_MAIN(TestLrSchedule)
#include "test_lr_schedule.moc"
