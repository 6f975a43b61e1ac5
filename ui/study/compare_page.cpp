#include "ui/study/compare_page.h"

#include "ui/wizard/search_setup.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace {

// Plain words first, the paper's name second.
QString methodText(zd::Method m) {
  switch (m) {
    case zd::Method::ZoDartsPP: return QObject::tr("zo-darts++: the paper's method (sizes searched, budget)");
    case zd::Method::ZoDartsPlus: return QObject::tr("zo-darts+: sparsemax and annealing, fixed size");
    case zd::Method::ZoDarts: return QObject::tr("zo-darts: softmax, no annealing, fixed size");
    case zd::Method::DartsV1: return QObject::tr("darts-v1: DARTS, first-order gradient");
    case zd::Method::DartsV2: return QObject::tr("darts-v2: DARTS, second-order gradient (the paper's baseline)");
    case zd::Method::Random: return QObject::tr("random: an architecture drawn at random (the control)");
    case zd::Method::Custom: break;
  }
  return QString();
}

QString budgetText(zd::BudgetPreset b) {
  switch (b) {
    case zd::BudgetPreset::None: return QObject::tr("none (unconstrained)");
    case zd::BudgetPreset::Small: return QObject::tr("small (smallest 20 % of the space)");
    case zd::BudgetPreset::Medium: return QObject::tr("medium (40–60 %)");
    case zd::BudgetPreset::Large: return QObject::tr("large (80–95 %)");
    case zd::BudgetPreset::Custom: break;
  }
  return QString();
}

}  // namespace

ComparePage::ComparePage(SearchSetup* setup, QWidget* parent) : QWizardPage(parent), setup_(setup) {
  setTitle(tr("Compare (optional)"));
  setSubTitle(tr("Run one search, or a study: several methods, budgets and seeds, each result retrained and "
                 "tested the same way, with a report of mean ± standard deviation."));
  study_ = new QCheckBox(tr("Run a study instead of one search"), this);

  auto* methodGroup = new QGroupBox(tr("Methods"), this);
  auto* methodLayout = new QVBoxLayout(methodGroup);
  for (const auto& named : zd::namesOf(zd::Method{})) {
    if (named.value == zd::Method::Custom) continue;
    auto* box = new QCheckBox(methodText(named.value), methodGroup);
    box->setChecked(named.value == zd::Method::ZoDartsPP || named.value == zd::Method::DartsV2 ||
                    named.value == zd::Method::Random);
    methodLayout->addWidget(box);
    methods_.emplace_back(named.value, box);
  }
  auto* budgetGroup = new QGroupBox(tr("Parameter budgets"), this);
  budgetGroup->setToolTip(tr("Bands of the parameter count, as on the Budget page; they replace its choice."));
  auto* budgetLayout = new QVBoxLayout(budgetGroup);
  for (auto preset :
       {zd::BudgetPreset::None, zd::BudgetPreset::Small, zd::BudgetPreset::Medium, zd::BudgetPreset::Large}) {
    auto* box = new QCheckBox(budgetText(preset), budgetGroup);
    box->setChecked(preset == zd::BudgetPreset::None || preset == zd::BudgetPreset::Small);
    budgetLayout->addWidget(box);
    budgets_.emplace_back(preset, box);
  }
  budgetLayout->addStretch(1);

  seeds_ = new QSpinBox(this);
  seeds_->setRange(1, 20);
  seeds_->setValue(3);
  seeds_->setToolTip(tr("Each method and budget runs with seeds 0, 1, …: the spread shows how sure a result is."));
  trainEpochs_ = new QSpinBox(this);
  trainEpochs_->setRange(1, 2000);
  trainEpochs_->setToolTip(tr("Epochs each found architecture is retrained for before it is tested; the warm-up "
                              "keeps the paper's share of them (10 of 300)."));
  jobs_ = new QSpinBox(this);
  jobs_->setRange(1, std::max(1, QThread::idealThreadCount()));
  jobs_->setToolTip(tr("Cells run side by side; the CPU threads are split between them."));
  auto* form = new QFormLayout;
  form->addRow(tr("Seeds per method and budget:"), seeds_);
  form->addRow(tr("Retraining epochs:"), trainEpochs_);
  form->addRow(tr("Cells at a time:"), jobs_);

  cells_ = new QLabel(this);
  problem_ = new QLabel(this);
  problem_->setStyleSheet(QStringLiteral("color: #b00020"));
  auto* lists = new QHBoxLayout;
  lists->addWidget(methodGroup, 3);
  lists->addWidget(budgetGroup, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(study_);
  layout->addLayout(lists);
  layout->addLayout(form);
  layout->addWidget(cells_);
  layout->addWidget(problem_);
  layout->addStretch(1);

  auto changed = [this]() { update(); };
  connect(study_, &QCheckBox::toggled, this, changed);
  for (auto& [m, box] : methods_) connect(box, &QCheckBox::toggled, this, changed);
  for (auto& [b, box] : budgets_) connect(box, &QCheckBox::toggled, this, changed);
  connect(seeds_, &QSpinBox::valueChanged, this, changed);
  update();
}

void ComparePage::initializePage() {
  trainEpochs_->setValue(setup_->config().train.epochs);
  update();
}

bool ComparePage::isStudy() const { return study_->isChecked(); }
void ComparePage::setStudy(bool on) { study_->setChecked(on); }
int ComparePage::jobs() const { return jobs_->value(); }

QCheckBox* ComparePage::methodBox(zd::Method method) const {
  for (const auto& [m, box] : methods_)
    if (m == method) return box;
  return nullptr;
}

QCheckBox* ComparePage::budgetBox(zd::BudgetPreset preset) const {
  for (const auto& [b, box] : budgets_)
    if (b == preset) return box;
  return nullptr;
}

QString ComparePage::problem() const {
  if (!isStudy()) return QString();
  const bool anyMethod = std::any_of(methods_.begin(), methods_.end(),
                                     [](const auto& m) { return m.second->isChecked(); });
  const bool anyBudget = std::any_of(budgets_.begin(), budgets_.end(),
                                     [](const auto& b) { return b.second->isChecked(); });
  if (!anyMethod) return tr("Choose at least one method to compare.");
  if (!anyBudget) return tr("Choose at least one budget.");
  return QString();
}

zd::StudyPlan ComparePage::plan(const zd::RunConfig& base) const {
  zd::StudyPlan plan;
  plan.base = base;
  plan.base.train.epochs = trainEpochs_->value();
  plan.base.train.warmup_epochs = static_cast<int>(std::lround(trainEpochs_->value() * 10.0 / 300.0));
  plan.methods.clear();
  for (const auto& [m, box] : methods_)
    if (box->isChecked()) plan.methods.push_back(m);
  plan.budgets.clear();
  for (const auto& [b, box] : budgets_)
    if (box->isChecked()) {
      zd::BudgetOptions budget = base.search.budget;
      budget.preset = b;
      budget.min_params = budget.max_params = 0;
      plan.budgets.push_back(budget);
    }
  plan.seeds.clear();
  for (int s = 0; s < seeds_->value(); ++s) plan.seeds.push_back(static_cast<uint64_t>(s));
  return plan;
}

QString ComparePage::cellsText() const { return cells_->text(); }

void ComparePage::update() {
  const bool on = isStudy();
  for (auto& [m, box] : methods_) box->setEnabled(on);
  for (auto& [b, box] : budgets_) box->setEnabled(on);
  seeds_->setEnabled(on);
  trainEpochs_->setEnabled(on);
  jobs_->setEnabled(on);
  int methods = 0, searches = 0, budgets = 0;
  for (const auto& [m, box] : methods_)
    if (box->isChecked()) {
      ++methods;
      if (m != zd::Method::Random) ++searches;
    }
  for (const auto& [b, box] : budgets_) budgets += box->isChecked();
  const int cells = methods * budgets * seeds_->value();
  cells_->setText(on ? tr("%1 cells: %2 searches and %1 retrainings, in a study folder at the Run page's output "
                          "folder.")
                           .arg(cells)
                           .arg(searches * budgets * seeds_->value())
                     : tr("One search, as set on the other pages."));
  problem_->setText(problem());
  emit completeChanged();
}
