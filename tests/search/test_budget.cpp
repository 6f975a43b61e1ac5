#include "core/common/error.h"
#include "core/nas/param_count.h"
#include "core/search/budget.h"
#include "core/search/derivation.h"

#include <torch/torch.h>

#include <QtTest>

#include <algorithm>

namespace {

// The preset band for the spec's default network (C = 16, N = 3, grayscale, 2 classes).
zd::BudgetBand preset(const std::string& name, uint64_t seed = 1) {
  zd::BudgetOptions o;
  o.preset = *zd::enumFromName<zd::BudgetPreset>(name);
  return zd::resolveBudget(o, 1, 16, 3, 2, seed);
}

}  // namespace

class TestBudget : public QObject {
  Q_OBJECT

 private slots:
  void penaltyValueAndGradient_data() {
    QTest::addColumn<double>("params");
    QTest::addColumn<double>("expected");
    QTest::addColumn<double>("slope");  // dPenalty/dP
    // Band [200k, 300k], scale 1e6.
    QTest::newRow("inside") << 250e3 << 0.0 << 0.0;
    QTest::newRow("below") << 150e3 << 0.05 << -1e-6;
    QTest::newRow("above") << 420e3 << 0.12 << 1e-6;
  }
  void penaltyValueAndGradient() {
    QFETCH(double, params);
    QFETCH(double, expected);
    QFETCH(double, slope);
    const zd::BudgetBand band{200e3, 300e3};
    auto p = torch::tensor(params, torch::kDouble).requires_grad_(true);
    const auto penalty = zd::budgetPenalty(p, band, 1e6);
    QVERIFY(std::abs(penalty.item<double>() - expected) < 1e-12);
    penalty.backward();
    QVERIFY(std::abs(p.grad().item<double>() - slope) < 1e-15);
    // Central finite difference agrees with autograd (the penalty is piecewise linear).
    const double h = 1.0;
    const auto at = [&](double x) {
      return zd::budgetPenalty(torch::tensor(x, torch::kDouble), band, 1e6).item<double>();
    };
    QVERIFY(std::abs((at(params + h) - at(params - h)) / (2 * h) - slope) < 1e-12);
  }

  void inactiveBandGivesZeros() {
    const zd::BudgetBand none;
    QVERIFY(!none.active());
    const auto p = torch::tensor({1e5, 5e6}, torch::kDouble);
    const auto penalty = zd::budgetPenalty(p, none, 1e6);
    QCOMPARE(penalty.sizes().vec(), p.sizes().vec());
    QCOMPARE(penalty.abs().sum().item<double>(), 0.0);
    QVERIFY(!preset("none").active());
  }

  void percentileInterpolatesLikeNumpy_data() {
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("expected");
    // numpy.percentile([10, 20, 30, 40, 100], q)
    QTest::newRow("0") << 0.0 << 10.0;
    QTest::newRow("20") << 20.0 << 18.0;
    QTest::newRow("50") << 50.0 << 30.0;
    QTest::newRow("95") << 95.0 << 88.0;
    QTest::newRow("100") << 100.0 << 100.0;
  }
  void percentileInterpolatesLikeNumpy() {
    QFETCH(double, q);
    QFETCH(double, expected);
    QCOMPARE(zd::percentileOf({10, 20, 30, 40, 100}, q), expected);
  }

  void percentileRejectsBadInput() {
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::percentileOf({}, 50));
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::percentileOf({1, 2}, 101));
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::percentileOf({1, 2}, -1));
    QCOMPARE(zd::percentileOf({7}, 63), 7.0);
  }

  void sampledCountsAreSortedAndSeeded() {
    const auto a = zd::sampleSpaceParamCounts(1, 16, 3, 2, 500, 9);
    QCOMPARE(a.size(), size_t(500));
    QVERIFY(std::is_sorted(a.begin(), a.end()));
    QVERIFY(a == zd::sampleSpaceParamCounts(1, 16, 3, 2, 500, 9));
    QVERIFY(a != zd::sampleSpaceParamCounts(1, 16, 3, 2, 500, 10));
    // Every count lies between the empty network's and the all-7×7, depth-3 one's.
    QVERIFY(a.front() >= 72498);  // fixedParams(1, 16, 2)
    QVERIFY(a.back() <= 4816146);
  }

  void presetBandsAreOrderedAndMatchTheSample() {
    const zd::BudgetBand small = preset("small"), medium = preset("medium"), large = preset("large");
    QVERIFY(small.active() && medium.active() && large.active());
    QVERIFY(small.min < small.max && small.max < medium.min);
    QVERIFY(medium.min < medium.max && medium.max < large.min);
    QVERIFY(large.min < large.max);
    // The bands are the documented percentiles of the sampled counts.
    const zd::BudgetOptions o;
    const auto counts = zd::sampleSpaceParamCounts(1, 16, 3, 2, o.samples, 1);
    QCOMPARE(medium.min, zd::percentileOf(counts, 40));
    QCOMPARE(medium.max, zd::percentileOf(counts, 60));
    // Small starts at the smallest architecture of the space (weight-free cells),
    // below anything a sample holds, as the reference's small band starts at 0.
    QCOMPARE(small.min, double(zd::fixedParams(1, 16, 2)));
    QVERIFY(small.min <= double(counts.front()));
    QCOMPARE(small.max, zd::percentileOf(counts, 20));
    // About a fifth of the sampled architectures fall into the medium band.
    const auto inside = std::count_if(counts.begin(), counts.end(),
                                      [&](int64_t c) { return c >= medium.min && c <= medium.max; });
    QVERIFY(inside > 0.18 * counts.size() && inside < 0.22 * counts.size());
  }

  void presetsAreReproducible() {
    const zd::BudgetBand a = preset("large", 42), b = preset("large", 42);
    QCOMPARE(a.min, b.min);
    QCOMPARE(a.max, b.max);
  }

  void presetFollowsCustomPercentiles() {
    zd::BudgetOptions o;
    o.preset = zd::BudgetPreset::Small;
    o.small_lo = 10;
    o.small_hi = 30;
    o.samples = 300;
    const auto counts = zd::sampleSpaceParamCounts(3, 8, 2, 11, 300, 5);
    const zd::BudgetBand band = zd::resolveBudget(o, 3, 8, 2, 11, 5);
    QCOMPARE(band.min, zd::percentileOf(counts, 10));
    QCOMPARE(band.max, zd::percentileOf(counts, 30));
  }

  void customBandIsTakenAsGiven() {
    zd::BudgetOptions o;
    o.preset = zd::BudgetPreset::Custom;
    o.min_params = 1e5;
    o.max_params = 2.5e5;
    const zd::BudgetBand band = zd::resolveBudget(o, 1, 16, 3, 2, 0);
    QVERIFY(band.active());
    QCOMPARE(band.min, 1e5);
    QCOMPARE(band.max, 2.5e5);
  }

  void rejectsBadSettings_data() {
    QTest::addColumn<QString>("presetName");
    QTest::addColumn<double>("minParams");
    QTest::addColumn<double>("maxParams");
    QTest::addColumn<int>("samples");
    QTest::addColumn<QString>("named");
    // An unknown preset name never gets this far: the config refuses it (test_run_config).
    QTest::newRow("custom min = max") << "custom" << 2e5 << 2e5 << 100 << "min_params";
    QTest::newRow("custom min > max") << "custom" << 3e5 << 2e5 << 100 << "min_params";
    QTest::newRow("custom negative") << "custom" << -1.0 << 2e5 << 100 << "min_params";
    QTest::newRow("no samples") << "medium" << 0.0 << 0.0 << 0 << "samples";
  }
  void rejectsBadSettings() {
    QFETCH(QString, presetName);
    QFETCH(double, minParams);
    QFETCH(double, maxParams);
    QFETCH(int, samples);
    QFETCH(QString, named);
    zd::BudgetOptions o;
    o.preset = *zd::enumFromName<zd::BudgetPreset>(presetName.toStdString());
    o.min_params = minParams;
    o.max_params = maxParams;
    o.samples = samples;
    try {
      zd::resolveBudget(o, 1, 16, 3, 2, 0);
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(named), e.what());
    }
  }

  // A band no architecture reaches is refused before the search, naming the
  // space's smallest and largest sizes; every preset band is reachable.
  void unreachableBandsAreRefused() {
    const zd::CountShape shape{1, 16, 2};
    const int64_t smallest = zd::fixedParams(1, 16, 2);
    // The cheapest weighted edge (a 1×1 conv at C = 16) has 272 weights: nothing lies in between.
    const zd::BudgetBand gap{double(smallest + 1), double(smallest + 200)};
    try {
      zd::requireReachableBand(gap, shape, 3, true);
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      const QString m = e.what();
      QVERIFY2(m.contains(QString::number(smallest)) && m.contains("4816146"), e.what());
    }
    const zd::BudgetBand above{5e6, 6e6};
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::requireReachableBand(above, shape, 3, true));
    for (const char* name : {"small", "medium", "large"}) zd::requireReachableBand(preset(name), shape, 3, true);
    zd::requireReachableBand(zd::BudgetBand{}, shape, 3, true);  // no band: nothing to check
    // Phase 1's space (the search never switches): 7×7 only at depth N; the next
    // smaller architecture lies 37,680 below the largest (one stage-1 edge fewer).
    const zd::BudgetBand top{4816146 - 1000, 4816146 - 1};
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::requireReachableBand(top, shape, 3, false));
  }

  void rejectsInvertedPercentileBand() {
    zd::BudgetOptions o;
    o.preset = zd::BudgetPreset::Large;
    o.large_lo = 95;
    o.large_hi = 80;
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::resolveBudget(o, 1, 16, 3, 2, 0));
  }
};

QTEST_GUILESS_MAIN(TestBudget)
#include "test_budget.moc"
