// The New-search wizard: Data → Budget → Schedule → Compare → Run, then Start (one
// search, or with Compare a study of several methods, budgets and seeds). The pages edit
// one RunConfig together (SearchSetup); the last accepted settings are remembered
// with QSettings and offered again next time (a fresh output folder each time).
// Thread-safety: GUI thread only.
#pragma once

#include "core/run/run_config.h"

#include <QWizard>

class BandPreview;
class BudgetPage;
class ComparePage;
class DataPage;
class RunPage;
class SchedulePage;
class SearchSetup;

class SearchWizard : public QWizard {
  Q_OBJECT

 public:
  enum PageId { Data, Budget, Schedule, Compare, Run };

  explicit SearchWizard(QWidget* parent = nullptr);

  // The search to start: every setting, validated (after accept()).
  zd::RunConfig config() const;
  SearchSetup* setup() const { return setup_; }
  // The budget band of the network the settings make, shown on the Budget and Run pages.
  BandPreview* bandPreview() const { return preview_; }

  DataPage* dataPage() const { return data_; }
  BudgetPage* budgetPage() const { return budget_; }
  SchedulePage* schedulePage() const { return schedule_; }
  ComparePage* comparePage() const { return compare_; }
  RunPage* runPage() const { return run_; }

  // Remembers the config (QSettings) and closes with Accepted.
  void accept() override;

  // The settings remembered from the last start, or the defaults.
  static zd::RunConfig rememberedConfig();

 private:
  SearchSetup* setup_;
  BandPreview* preview_;
  DataPage* data_;
  BudgetPage* budget_;
  SchedulePage* schedule_;
  ComparePage* compare_;
  RunPage* run_;
};
