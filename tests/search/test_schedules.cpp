#include "core/common/error.h"
#include "core/search/schedules.h"

#include <QtTest>

#include <cmath>

class TestSchedules : public QObject {
  Q_OBJECT

 private slots:
  void temperatureAnnealsEveryFifthEpoch_data() {
    QTest::addColumn<int>("epoch");
    QTest::addColumn<double>("expected");
    QTest::newRow("0") << 0 << 1.5;
    QTest::newRow("4") << 4 << 1.5;
    QTest::newRow("5") << 5 << 1.125;
    QTest::newRow("9") << 9 << 1.125;
    QTest::newRow("10") << 10 << 0.84375;
    QTest::newRow("49 (last of 50)") << 49 << 1.5 * std::pow(0.75, 9);  // ~0.1126
  }
  void temperatureAnnealsEveryFifthEpoch() {
    QFETCH(int, epoch);
    QFETCH(double, expected);
    QCOMPARE(zd::temperatureAt(zd::TemperatureOptions{}, epoch), expected);
  }

  void lastTemperatureIsNearTheSpec() {
    const double t = zd::temperatureAt(zd::TemperatureOptions{}, 49);
    QVERIFY(t > 0.11 && t < 0.115);
  }

  void temperatureWithoutAnnealingStaysAtT0() {
    zd::TemperatureOptions o;
    o.anneal = false;
    o.t0 = 2.0;
    o.every = 0;  // irrelevant without annealing
    for (int epoch : {0, 5, 49}) QCOMPARE(zd::temperatureAt(o, epoch), 2.0);
  }

  void temperatureRejectsZeroPeriod() {
    zd::TemperatureOptions o;
    o.every = 0;
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::temperatureAt(o, 3));
  }

  void weightLrIsCosineAnnealed_data() {
    QTest::addColumn<int>("epoch");
    QTest::addColumn<int>("epochs");
    QTest::addColumn<double>("expected");
    QTest::newRow("start") << 0 << 50 << 0.1;
    QTest::newRow("half") << 25 << 50 << (0.1 + 0.001) / 2;
    QTest::newRow("end") << 50 << 50 << 0.001;
    // Quarter: lr_min + (lr - lr_min)·(1 + cos(π/4))/2.
    QTest::newRow("quarter") << 10 << 40 << 0.001 + 0.099 * (1 + std::sqrt(0.5)) / 2;
    QTest::newRow("no epochs") << 0 << 0 << 0.1;
  }
  void weightLrIsCosineAnnealed() {
    QFETCH(int, epoch);
    QFETCH(int, epochs);
    QFETCH(double, expected);
    QVERIFY(std::abs(zd::weightLrAt(zd::WeightOptimOptions{}, epoch, epochs) - expected) < 1e-15);
  }

  void budgetLambdaGrowsAsTemperatureFalls_data() {
    QTest::addColumn<double>("temperature");
    QTest::addColumn<double>("expected");
    QTest::newRow("T0") << 1.5 << 10.0;
    QTest::newRow("T=1") << 1.0 << 15.0;
    QTest::newRow("T=0.75") << 0.75 << 20.0;
  }
  void budgetLambdaGrowsAsTemperatureFalls() {
    QFETCH(double, temperature);
    QFETCH(double, expected);
    QCOMPARE(zd::budgetLambdaAt(zd::BudgetOptions{}, temperature), expected);
  }
};

QTEST_GUILESS_MAIN(TestSchedules)
#include "test_schedules.moc"
