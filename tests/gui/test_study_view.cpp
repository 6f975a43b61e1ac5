// Studies in the studio: the wizard's Compare page turns the choices into a plan
// (methods, budgets, seeds, retraining epochs with the paper's share of warm-up);
// a study folder opens on the Study tab with its summary, every cell's state (a
// running cell shown as running) and both plots; a run folder that is a study opens
// as one; and a study started from the studio runs in `zodarts study` to the end
// while the view follows it.
#include "core/common/atomic_file.h"
#include "core/study/study_cell.h"
#include "core/study/study_report.h"
#include "tests/common/study_cells.h"
#include "tests/gui/tiny_data.h"
#include "ui/main/main_window.h"
#include "ui/study/compare_page.h"
#include "ui/study/study_launch.h"
#include "ui/study/study_view.h"
#include "ui/wizard/search_wizard.h"

#include <nlohmann/json.hpp>

#include <QSvgRenderer>
#include <QSvgWidget>
#include <QtTest>
#include <QtWidgets>

#include <unistd.h>

namespace {

zd::StudyPlan handPlan(const QString& data) {
  zd::StudyPlan plan;
  plan.base.data.path = data.toStdString();
  plan.methods = {zd::Method::ZoDartsPP, zd::Method::Random};
  zd::BudgetOptions none;
  plan.budgets = {none};
  plan.seeds = {0, 1};
  return plan;
}

}  // namespace

class TestStudyView : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString data_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    data_ = writeTinyNpz(dir_.path());
  }

  void comparePageMakesThePlan() {
    SearchWizard wizard;
    ComparePage* page = wizard.comparePage();
    QVERIFY(!page->isStudy());
    QVERIFY(page->isComplete());
    page->setStudy(true);
    page->methodBox(zd::Method::Random)->setChecked(false);
    page->budgetBox(zd::BudgetPreset::Small)->setChecked(false);
    page->seedsSpin()->setValue(2);
    page->trainEpochsSpin()->setValue(30);
    QVERIFY2(page->cellsText().startsWith("4 cells: 4 searches"), qPrintable(page->cellsText()));
    const auto plan = page->plan(zd::RunConfig{});
    QCOMPARE(plan.methods, (std::vector<zd::Method>{zd::Method::ZoDartsPP, zd::Method::DartsV2}));
    QCOMPARE(plan.budgets.size(), size_t(1));
    QCOMPARE(plan.budgets[0].preset, zd::BudgetPreset::None);
    QCOMPARE(plan.seeds, (std::vector<uint64_t>{0, 1}));
    QCOMPARE(plan.base.train.epochs, 30);
    QCOMPARE(plan.base.train.warmup_epochs, 1);  // 10 of 300, scaled
    page->budgetBox(zd::BudgetPreset::None)->setChecked(false);
    QVERIFY(!page->isComplete());
    QVERIFY(page->problem().contains("budget"));
  }

  void studyFolderOpensWithRunningCells() {
    const QString study = QDir(dir_.path()).filePath("hand-study");
    const auto plan = handPlan(data_);
    zd::writeStudyPlan(study.toStdString(), plan);
    const auto cells = zd::expandStudy(plan, study.toStdString());
    writeDoneCell(cells[0], 0.90, 12000, 30);
    writeDoneCell(cells[1], 0.70, 9000, 0);
    writeDoneCell(cells[2], 0.92, 14000, 30);
    // Cell 3 is being worked on by this very process, two epochs into its search.
    markCellRunning(cells[3], getpid());

    MainWindow window;
    window.show();
    QVERIFY(window.openRun(study));  // a study picked as a run opens as the study
    StudyView* view = window.studyView();
    QVERIFY(view);
    QCOMPARE(window.tabs()->currentWidget(), static_cast<QWidget*>(view));
    QCOMPARE(view->cellTable()->rowCount(), 4);
    QCOMPARE(view->cellTable()->item(3, 0)->text(), QString("random_none_s1"));
    QVERIFY2(view->cellTable()->item(3, 4)->text().startsWith("running"),
             qPrintable(view->cellTable()->item(3, 4)->text()));
    QCOMPARE(view->cellTable()->item(0, 6)->text(), QString("90.00"));
    QCOMPARE(view->summaryTable()->rowCount(), 2);
    QCOMPARE(view->summaryTable()->item(0, 3)->text(), QString("91.00 ± 1.41"));  // 90 and 92
    QCOMPARE(view->summaryTable()->item(1, 2)->text(), QString("1 / 2"));
    QVERIFY(view->statusLabel()->text().contains("3 of 4 cells done, 1 running"));
    QVERIFY(view->accuracyPlot()->renderer()->isValid());
    QVERIFY(view->timePlot()->renderer()->isValid());
    QVERIFY(view->isWatching());

    // The cell finishes: the next refresh shows it and stops watching.
    std::filesystem::remove(std::filesystem::path(cells[3].config.out) / zd::kCellRunningFile);
    writeDoneCell(cells[3], 0.72, 9500, 0);
    view->refresh();
    QCOMPARE(view->cellTable()->item(3, 4)->text(), QString("done"));
    QVERIFY(!view->isWatching());

    QVERIFY(!view->open(dir_.path()));  // not a study: refused with the reason
  }

  // The whole path a user clicks: a study from the studio runs in zodarts and the
  // view follows it to the end.
  void studyStartedFromTheStudioRunsToTheEnd() {
    qputenv("ZODARTS_CLI", ZODARTS_CLI);
    zd::StudyPlan plan;
    plan.base = tinySearchConfig(data_, QString(), 1);
    plan.base.train.epochs = 1;
    plan.base.train.batch = 16;
    plan.base.train.warmup_epochs = 0;
    plan.base.data.cache = false;
    plan.methods = {zd::Method::Random};
    plan.budgets = {zd::BudgetOptions{}};
    plan.seeds = {4};
    const QString study = QDir(dir_.path()).filePath("launched");
    MainWindow window;
    window.show();
    QVERIFY(window.startStudy(plan, study, 1));
    StudyView* view = window.studyView();
    QTRY_VERIFY_WITH_TIMEOUT(view->statusLabel()->text().contains("1 of 1 cells done"), 180000);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(QDir(study).filePath("report.md")), 30000);
    QCOMPARE(view->cellTable()->item(0, 4)->text(), QString("done"));
    // Starting another into the same folder is refused.
    QVERIFY(!::startStudy(plan, study, 1, nullptr));
  }
};

QTEST_MAIN(TestStudyView)
#include "test_study_view.moc"
