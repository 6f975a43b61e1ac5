// Wizard page "Compare" (optional): instead of one search, a study (issue 13) that
// runs each chosen method at each chosen budget with several seeds, retrains and
// evaluates every result the same way, and reports mean ± sd with the plots. The
// other pages' settings are the study's shared settings; the budgets chosen here
// replace the Budget page's. Thread-safety: GUI thread only.
#pragma once

#include "core/study/study_plan.h"

#include <QWizardPage>

#include <vector>

class QCheckBox;
class QLabel;
class QSpinBox;
class SearchSetup;

class ComparePage : public QWizardPage {
  Q_OBJECT

 public:
  ComparePage(SearchSetup* setup, QWidget* parent = nullptr);

  void initializePage() override;
  bool isComplete() const override { return problem().isEmpty(); }
  bool validatePage() override { return isComplete(); }
  // "" when the page can be left; else why not (a study with no method or budget).
  QString problem() const;

  // True when the user asked for a study rather than one search.
  bool isStudy() const;
  void setStudy(bool on);
  // The study the page describes over the wizard's settings `base`.
  zd::StudyPlan plan(const zd::RunConfig& base) const;
  int jobs() const;

  QCheckBox* studyBox() const { return study_; }
  QCheckBox* methodBox(zd::Method method) const;
  QCheckBox* budgetBox(zd::BudgetPreset preset) const;
  QSpinBox* seedsSpin() const { return seeds_; }
  QSpinBox* trainEpochsSpin() const { return trainEpochs_; }
  QSpinBox* jobsSpin() const { return jobs_; }
  QString cellsText() const;

 private:
  void update();

  SearchSetup* setup_;
  QCheckBox* study_;
  std::vector<std::pair<zd::Method, QCheckBox*>> methods_;
  std::vector<std::pair<zd::BudgetPreset, QCheckBox*>> budgets_;
  QSpinBox* seeds_;
  QSpinBox* trainEpochs_;
  QSpinBox* jobs_;
  QLabel* cells_;
  QLabel* problem_;
};
