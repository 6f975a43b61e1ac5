// The New-search wizard: each page rejects invalid input with the reason shown and
// accepts valid input, as typed; the budget band, the schedule curves and the data
// summary follow the fields; the band is that of the network that will run (C and N
// from the Run page), in the Min/Max fields, with the space's smallest and largest
// architectures marked, and one no architecture meets blocks Start; every setting
// is on a page or in the Advanced dialog; accepted settings are remembered.
#include "core/nas/most_probable.h"
#include "core/run/run_config.h"
#include "core/search/budget.h"
#include "tests/gui/tiny_data.h"
#include "ui/dashboard/count_format.h"
#include "ui/wizard/advanced_dialog.h"
#include "ui/wizard/band_preview.h"
#include "ui/wizard/budget_page.h"
#include "ui/wizard/config_fields.h"
#include "ui/wizard/data_page.h"
#include "core/bench/run_time_estimate.h"
#include "ui/wizard/run_page.h"
#include "ui/wizard/schedule_page.h"
#include "ui/wizard/search_setup.h"
#include "ui/wizard/search_wizard.h"

#include <nlohmann/json.hpp>

#include <QtTest>
#include <QtWidgets>

#include <set>

namespace {

// Types `value` into the field named `key` (a config key) as a user would.
void enter(QWidget* page, const QString& key, const QString& value) {
  if (auto* box = page->findChild<QCheckBox*>(key)) {
    box->setChecked(value == QLatin1String("1"));
  } else if (auto* combo = page->findChild<QComboBox*>(key)) {
    // Items may show a label and carry the value as data (the device list).
    const int index = combo->findData(value);
    if (index >= 0) combo->setCurrentIndex(index);
    else combo->setCurrentText(value);
  } else if (auto* edit = page->findChild<QLineEdit*>(key)) {
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, value);
  } else {
    QFAIL(qPrintable("no field " + key));
  }
}

QString problemOf(QWizardPage* page) {
  if (auto* p = qobject_cast<DataPage*>(page)) return p->problem();
  if (auto* p = qobject_cast<BudgetPage*>(page)) return p->problem();
  if (auto* p = qobject_cast<SchedulePage*>(page)) return p->problem();
  if (auto* p = qobject_cast<RunPage*>(page)) return p->problem();
  return QStringLiteral("?");
}

// The band runSearch resolves for `c` on the tiny data (1 image channel, 2 classes).
zd::BudgetBand tinyBand(const zd::RunConfig& c) {
  return zd::resolveBudget(c.search.budget, /*in_channels=*/1, c.search.network.channels, c.search.network.cells,
                           /*classes=*/2, c.search.seed);
}

zd::ParamWindow tinySpace(const zd::RunConfig& c) {
  return zd::spaceSizeRange(zd::CountShape{1, c.search.network.channels, 2}, c.search.network.cells);
}

QString fieldText(QWidget* page, const QString& key) { return page->findChild<QLineEdit*>(key)->text(); }

void collectKeys(const nlohmann::json& j, const std::string& prefix, std::set<std::string>& out) {
  for (const auto& [name, value] : j.items()) {
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    if (value.is_object()) collectKeys(value, key, out);
    else out.insert(key);
  }
}

}  // namespace

class TestSearchWizard : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString data_;

  // A wizard on the tiny data set, advanced to `page` (each earlier page valid).
  std::unique_ptr<SearchWizard> wizardAt(int page) {
    auto wizard = std::make_unique<SearchWizard>();
    wizard->show();
    wizard->dataPage()->setDataPath(data_);
    [&]() { QTRY_VERIFY_WITH_TIMEOUT(wizard->dataPage()->isComplete(), 20000); }();
    while (wizard->currentId() < page) wizard->next();
    return wizard;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    // Settings of this test only.
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir_.filePath("settings"));
    QCoreApplication::setOrganizationName(QStringLiteral("zodarts-test"));
    QCoreApplication::setApplicationName(QStringLiteral("test_search_wizard"));
    data_ = writeTinyNpz(dir_.path());
    QDir(dir_.path()).mkpath(QStringLiteral("occupied/something"));
    QFile notData(dir_.filePath("notes.txt"));
    QVERIFY(notData.open(QIODevice::WriteOnly));
    notData.write("not a data set");
  }

  void pagesValidateAsYouType_data() {
    QTest::addColumn<int>("page");
    QTest::addColumn<QStringList>("entries");  // key=value, typed in order
    QTest::addColumn<QString>("expected");     // part of the reason; "" = accepted
    const int D = SearchWizard::Data, B = SearchWizard::Budget, S = SearchWizard::Schedule, R = SearchWizard::Run;
    const QString occupied = dir_.filePath("occupied");
    QTest::newRow("data: valid") << D << QStringList{"data.arch_fraction=0.3"} << "";
    QTest::newRow("data: missing file") << D << QStringList{"data.path=" + dir_.filePath("nope.npz")}
                                        << "does not exist";
    QTest::newRow("data: no path") << D << QStringList{"data.path="} << "Data: choose a .npz file";
    QTest::newRow("data: not a data set")
        << D << QStringList{"data.path=" + dir_.filePath("notes.txt")} << "unsupported kind of file";
    QTest::newRow("data: share 1") << D << QStringList{"data.arch_fraction=1"}
                                   << "Architecture share: must be between 0 and 1";
    QTest::newRow("data: share text") << D << QStringList{"data.arch_fraction=half"}
                                      << "Architecture share: \"half\" is not a number";
    QTest::newRow("data: size 64") << D << QStringList{"data.images.size=64", "data.images.pad=1"} << "";
    QTest::newRow("data: size 0") << D << QStringList{"data.images.size=0"} << "Target size: must be at least 1, got 0";
    QTest::newRow("data: val -1") << D << QStringList{"data.images.val=-1"} << "Val share: must be 0 or more, got -1";
    QTest::newRow("data: train 0") << D << QStringList{"data.images.train=0"} << "Train share: must be greater than 0";
    QTest::newRow("budget: none") << B << QStringList{"search.budget.preset=none"} << "";
    QTest::newRow("budget: medium") << B << QStringList{"search.budget.preset=medium"} << "";
    QTest::newRow("budget: custom") << B
                                    << QStringList{"search.budget.preset=custom", "search.budget.min_params=200k",
                                                   "search.budget.max_params=1.5M"}
                                    << "";
    QTest::newRow("budget: custom min > max")
        << B << QStringList{"search.budget.preset=custom", "search.budget.min_params=2M", "search.budget.max_params=1M"}
        << "Minimum parameters: must be below \"Maximum parameters\"";
    QTest::newRow("budget: custom text")
        << B << QStringList{"search.budget.preset=custom", "search.budget.max_params=lots"}
        << "Maximum parameters: \"lots\" is not a parameter count such as 200k or 1.5M";
    // Switching away from custom leaves the disabled band fields' junk behind.
    QTest::newRow("budget: custom text, then medium")
        << B
        << QStringList{"search.budget.preset=custom", "search.budget.max_params=lots", "search.budget.preset=medium"}
        << "";
    QTest::newRow("schedule: valid") << S << QStringList{"search.epochs=30", "search.switch_epoch=10"} << "";
    QTest::newRow("schedule: 0 epochs") << S << QStringList{"search.epochs=0"} << "Epochs: must be at least 1, got 0";
    QTest::newRow("schedule: switch after end") << S << QStringList{"search.epochs=10", "search.switch_epoch=11"}
                                                << "Phase-switch epoch: must be between 0 and \"Epochs\" (10";
    QTest::newRow("schedule: decay 1.5") << S << QStringList{"search.temperature.decay=1.5"}
                                         << "Decay factor: must be greater than 0 and at most 1";
    QTest::newRow("schedule: T0 negative")
        << S << QStringList{"search.temperature.t0=-1"} << "Initial temperature T0: must be greater than 0";
    QTest::newRow("schedule: rounds 2.5")
        << S << QStringList{"search.arch.rounds=2.5"} << "ZO rounds R: must be a whole number";
    QTest::newRow("run: valid") << R << QStringList{"search.batch=32", "search.network.channels=8"} << "";
    QTest::newRow("run: batch 0") << R << QStringList{"search.batch=0"} << "Batch size: must be at least 1";
    QTest::newRow("run: 9 cells") << R << QStringList{"search.network.cells=9"}
                                  << "Cells per stage N: must be between 1 and 8";
    QTest::newRow("run: seed -1") << R << QStringList{"search.seed=-1"} << "Seed: must be 0 or more";
    QTest::newRow("run: no folder") << R << QStringList{"out="} << "Output folder: choose";
    QTest::newRow("run: occupied folder") << R << QStringList{"out=" + occupied} << "already exists and is not empty";
  }
  void pagesValidateAsYouType() {
    QFETCH(int, page);
    QFETCH(QStringList, entries);
    QFETCH(QString, expected);
    auto wizard = wizardAt(page);
    QWizardPage* shown = wizard->currentPage();
    QCOMPARE(wizard->currentId(), page);
    QVERIFY2(problemOf(shown).isEmpty(), qPrintable(problemOf(shown)));  // the defaults are valid
    for (const QString& entry : entries) {
      const int eq = entry.indexOf(QLatin1Char('='));
      enter(shown, entry.left(eq), entry.mid(eq + 1));
    }
    auto* next = wizard->button(page == SearchWizard::Run ? QWizard::FinishButton : QWizard::NextButton);
    if (page == SearchWizard::Data) {  // loading is asynchronous
      QTRY_VERIFY_WITH_TIMEOUT(!wizard->dataPage()->isLoading(), 20000);
    }
    const QString problem = problemOf(shown);
    if (expected.isEmpty()) {
      QVERIFY2(problem.isEmpty(), qPrintable(problem));
      QVERIFY(shown->isComplete());
      QVERIFY(next->isEnabled());
    } else {
      QVERIFY2(problem.contains(expected), qPrintable(problem));
      QVERIFY(!shown->isComplete());
      QVERIFY(!next->isEnabled());
      // The reason is on screen, not just in the object.
      auto* label = shown->findChild<QLabel*>(QStringLiteral("problem"));
      QVERIFY(label && label->text().contains(expected));
    }
  }

  void validValuesReachTheConfig() {
    auto wizard = wizardAt(SearchWizard::Budget);
    enter(wizard->currentPage(), "search.budget.preset", "custom");
    enter(wizard->currentPage(), "search.budget.min_params", "200k");
    enter(wizard->currentPage(), "search.budget.max_params", "1.5M");
    wizard->next();
    enter(wizard->currentPage(), "search.epochs", "30");
    while (wizard->currentId() < SearchWizard::Run) wizard->next();  // past Compare
    enter(wizard->currentPage(), "search.network.channels", "8");
    enter(wizard->currentPage(), "device", "cpu");
    // The device list names what each entry is, and stores the config's value.
    auto* device = wizard->currentPage()->findChild<QComboBox*>("device");
    QVERIFY(device->currentText().startsWith("CPU ("));
    QCOMPARE(device->itemData(0).toString(), QString("auto"));
    const zd::RunConfig c = wizard->config();
    QCOMPARE(c.device, std::string("cpu"));
    QCOMPARE(QString::fromStdString(c.data.path), data_);
    QCOMPARE(std::string(zd::nameOf(c.search.budget.preset)), std::string("custom"));
    QCOMPARE(c.search.budget.min_params, 200000.0);
    QCOMPARE(c.search.budget.max_params, 1500000.0);
    QCOMPARE(c.search.epochs, 30);
    QCOMPARE(c.search.network.channels, 8);
    zd::validate(c);  // throws when invalid
  }

  void dataPageSummarizesTheData() {
    auto wizard = wizardAt(SearchWizard::Data);
    const DataFacts& facts = wizard->setup()->facts();
    QCOMPARE(facts.classes, int64_t{2});
    QCOMPARE(facts.channels, int64_t{1});
    QCOMPARE(facts.image_size, int64_t{28});
    QCOMPARE(facts.search_images, int64_t{128});
    QCOMPARE(facts.thumbnails.size(), 2);
    QCOMPARE(facts.thumbnails[0].size(), kThumbnailsPerClass);
    QCOMPARE(facts.thumbnails[1][0].size(), QSize(28, 28));
    QVERIFY(facts.summary.contains(QStringLiteral("2 classes")));
  }

  void budgetBandCoversItsPercentiles() {
    auto wizard = wizardAt(SearchWizard::Budget);
    auto* page = wizard->budgetPage();
    enter(page, "search.budget.preset", "medium");  // 40th–60th percentile
    QTRY_VERIFY_WITH_TIMEOUT(page->isUpToDate() && !page->samples().empty(), 20000);
    const auto& samples = page->samples();
    QCOMPARE(static_cast<int>(samples.size()), zd::RunConfig{}.search.budget.samples);
    QVERIFY(std::is_sorted(samples.begin(), samples.end()));
    const auto [lo, hi] = page->band();
    QVERIFY(lo > 0 && lo < hi);
    std::size_t inside = 0;
    for (int64_t v : samples) inside += (v >= lo && v <= hi);
    // 20 % of the samples, give or take ties at the band's edges.
    QVERIFY2(std::abs(static_cast<double>(inside) / samples.size() - 0.2) < 0.03, qPrintable(QString::number(inside)));
    enter(page, "search.budget.preset", "none");
    QTRY_VERIFY_WITH_TIMEOUT(page->isUpToDate(), 20000);
    QCOMPARE(page->band().second, 0.0);
  }

  // The band shown is the one of the network that will run, recomputed when C and N
  // change on the Run page; a preset's numbers are in the Min/Max fields; the
  // histogram marks the smallest and largest architectures of the space.
  void budgetBandFollowsTheNetworkThatRuns() {
    auto wizard = wizardAt(SearchWizard::Budget);
    auto* page = wizard->budgetPage();
    enter(page, "search.budget.preset", "small");
    QTRY_VERIFY_WITH_TIMEOUT(page->isUpToDate(), 20000);
    zd::RunConfig c = wizard->config();
    zd::BudgetBand b = tinyBand(c);
    zd::ParamWindow space = tinySpace(c);
    QCOMPARE(page->band(), std::make_pair(b.min, b.max));
    QCOMPARE(b.min, static_cast<double>(space.min));  // small starts at the smallest architecture
    QCOMPARE(page->spaceMarks(), std::make_pair(static_cast<double>(space.min), static_cast<double>(space.max)));
    QCOMPARE(fieldText(page, "search.budget.min_params"), QString::number(b.min, 'g', 15));
    QCOMPARE(fieldText(page, "search.budget.max_params"), QString::number(b.max, 'g', 15));

    while (wizard->currentId() < SearchWizard::Run) wizard->next();
    auto* run = wizard->runPage();
    enter(run, "search.network.channels", "8");
    enter(run, "search.network.cells", "2");
    QTRY_VERIFY_WITH_TIMEOUT(wizard->bandPreview()->isCurrent(), 20000);
    c = wizard->config();
    QCOMPARE(c.search.network.channels, 8);
    QCOMPARE(c.search.network.cells, 2);
    const zd::BudgetBand before = b;
    b = tinyBand(c);
    space = tinySpace(c);
    QVERIFY(b.max < before.max);  // a narrower, shallower network: a smaller band
    QCOMPARE(wizard->bandPreview()->facts().min, b.min);
    QCOMPARE(wizard->bandPreview()->facts().max, b.max);
    QVERIFY2(run->bandText().contains(formatCount(b.min) + QStringLiteral(" – ") + formatCount(b.max)),
             qPrintable(run->bandText()));
    QVERIFY2(run->bandText().contains(QStringLiteral("C = 8, N = 2")), qPrintable(run->bandText()));
    QVERIFY(run->isComplete());

    // Back on the Budget page: the new band, in the fields and on the histogram.
    while (wizard->currentId() > SearchWizard::Budget) wizard->back();
    QCOMPARE(wizard->currentId(), static_cast<int>(SearchWizard::Budget));
    QVERIFY(page->isUpToDate());
    QCOMPARE(page->band(), std::make_pair(b.min, b.max));
    QCOMPARE(page->spaceMarks(), std::make_pair(static_cast<double>(space.min), static_cast<double>(space.max)));
    QCOMPARE(fieldText(page, "search.budget.min_params"), QString::number(b.min, 'g', 15));
    QCOMPARE(fieldText(page, "search.budget.max_params"), QString::number(b.max, 'g', 15));
  }

  // A band no architecture of the space meets: said on the Budget page (whose Next
  // stays open, as C and N come later) and blocking Start on the Run page.
  void unreachableBandBlocksStart() {
    auto wizard = wizardAt(SearchWizard::Budget);
    auto* page = wizard->budgetPage();
    enter(page, "search.budget.preset", "custom");
    enter(page, "search.budget.min_params", "1k");
    enter(page, "search.budget.max_params", "2k");  // the smallest architecture has tens of thousands
    QTRY_VERIFY_WITH_TIMEOUT(page->isUpToDate(), 20000);
    QCOMPARE(page->band(), std::make_pair(1000.0, 2000.0));
    QVERIFY2(page->bandWarning().contains(QStringLiteral("no architecture")), qPrintable(page->bandWarning()));
    auto* warning = page->findChild<QLabel*>(QStringLiteral("bandWarning"));
    QVERIFY(warning && warning->text().contains(QStringLiteral("no architecture")));
    QVERIFY(page->problem().isEmpty());
    QVERIFY(wizard->button(QWizard::NextButton)->isEnabled());

    while (wizard->currentId() < SearchWizard::Run) wizard->next();
    auto* run = wizard->runPage();
    QTRY_VERIFY_WITH_TIMEOUT(run->problem().contains(QStringLiteral("no architecture")), 20000);
    QVERIFY(!run->isComplete());
    QVERIFY(!wizard->button(QWizard::FinishButton)->isEnabled());
    QVERIFY(!run->validatePage());
    QVERIFY(run->findChild<QLabel*>(QStringLiteral("problem"))->text().contains(QStringLiteral("no architecture")));
  }

  void scheduleCurvesFollowTheFields() {
    auto wizard = wizardAt(SearchWizard::Schedule);
    auto* page = wizard->schedulePage();
    // Defaults: T0 1.5 × 0.75 every 5 epochs; λ = 15 / T from epoch 20 of 50.
    QCOMPARE(page->temperatures().size(), 50);
    QCOMPARE(page->temperatures()[4], 1.5);
    QCOMPARE(page->temperatures()[5], 1.125);
    QCOMPARE(page->temperatures()[10], 0.84375);
    QCOMPARE(page->lambdas()[19], 0.0);
    QVERIFY(qFuzzyCompare(page->lambdas()[20], 15.0 / (1.5 * 0.31640625)));
    enter(page, "search.temperature.decay", "0.5");
    QCOMPARE(page->temperatures()[5], 0.75);
    enter(page, "search.switch_epoch", "4");
    enter(page, "search.epochs", "8");
    QCOMPARE(page->temperatures().size(), 8);
    QCOMPARE(page->lambdas()[3], 0.0);
    QCOMPARE(page->lambdas()[4], 15.0 / 1.5);  // T = 1.5 until epoch 5
  }

  void everySettingIsOnAPageOrAdvanced() {
    std::set<std::string> all;
    nlohmann::json settings = zd::toJson(zd::RunConfig{});
    settings.erase("train");  // retraining has its own dialog
    collectKeys(settings, "", all);
    AdvancedDialog dialog(zd::RunConfig{}, RunPage::pageKeys());
    std::set<std::string> shown(RunPage::pageKeys());
    for (const auto& k : dialog.fields()->keys()) QVERIFY2(shown.insert(k).second, k.c_str());  // no key twice
    QCOMPARE(shown, all);
    // The Advanced dialog validates too.
    QVERIFY(dialog.problem().isEmpty());
    enter(&dialog, "search.weights.lr_min", "0.5");
    QVERIFY2(dialog.problem().contains(QStringLiteral("weights.lr_min: must be between 0 and \"weights.lr\"")),
             qPrintable(dialog.problem()));
    enter(&dialog, "search.weights.lr_min", "0.01");
    QVERIFY(dialog.problem().isEmpty());
    QCOMPARE(dialog.config().search.weights.lr_min, 0.01);
  }

  void runPageEstimatesTheRunTime() {
    auto wizard = wizardAt(SearchWizard::Run);
    auto* page = wizard->runPage();
    enter(page, "search.network.channels", "4");
    enter(page, "search.network.cells", "1");
    enter(page, "search.batch", "16");
    QSignalSpy estimated(page, &RunPage::estimated);
    page->estimate();
    QVERIFY(estimated.wait(120000));
    QVERIFY(estimated.at(0).at(0).toDouble() > 0);
    QVERIFY2(page->estimateText().startsWith(QStringLiteral("Estimated run time")), qPrintable(page->estimateText()));

    // The estimate adds up both phases' timed steps over the run's epochs.
    zd::RunConfig config = wizard->config();
    config.search.epochs = 5;
    config.search.switch_epoch = 2;
    DataFacts facts;
    facts.channels = 1;
    facts.classes = 2;
    facts.image_size = 28;
    facts.search_images = 320;
    const zd::RunTimeEstimate e = zd::estimateRunTime(config, facts.shape());
    QVERIFY(e.step_seconds > 0 && e.phase2_step_seconds > 0);
    const double steps = std::ceil(320 * (1.0 - config.data.arch_fraction) / config.search.batch);
    QVERIFY(std::abs(e.seconds - steps * (2 * e.step_seconds + 3 * e.phase2_step_seconds)) < 1e-9 * e.seconds + 1e-12);
  }

  void acceptedSettingsAreRemembered() {
    std::string firstOut;
    {
      auto wizard = wizardAt(SearchWizard::Schedule);
      enter(wizard->currentPage(), "search.epochs", "25");
      wizard->next();
      firstOut = wizard->config().out;
      wizard->accept();
    }
    QCOMPARE(SearchWizard::rememberedConfig().search.epochs, 25);
    SearchWizard again;
    QCOMPARE(again.config().search.epochs, 25);
    QCOMPARE(QString::fromStdString(again.config().data.path), data_);
    QVERIFY(!again.config().out.empty());
  }
};

QTEST_MAIN(TestSearchWizard)
#include "test_search_wizard.moc"
