// The wizard's Advanced section: every search and data setting of RunConfig that no
// wizard page shows (optimisers, ZO estimator, augmentation, budget percentiles,
// ablation switches, image decoding …) — the retraining ("train.") settings belong to
// the retrain dialog — listed from the config itself so none can be forgotten, each with
// ALGORITHM.md's default and validated as you type. Thread-safety: GUI thread only.
#pragma once

#include "core/run/run_config.h"

#include <QDialog>

#include <set>
#include <string>

class ConfigFields;
class QLabel;
class QPushButton;

class AdvancedDialog : public QDialog {
  Q_OBJECT

 public:
  // Shows every key of `config` except `shownElsewhere` (the wizard pages' keys).
  AdvancedDialog(const zd::RunConfig& config, const std::set<std::string>& shownElsewhere,
                 QWidget* parent = nullptr);

  // The edited config; valid whenever problem() is empty.
  const zd::RunConfig& config() const { return config_; }
  QString problem() const { return problem_; }
  ConfigFields* fields() const { return fields_; }

 private:
  void check();

  zd::RunConfig base_;
  zd::RunConfig config_;
  ConfigFields* fields_;
  QLabel* problemLabel_;
  QPushButton* ok_;
  QString problem_;
};
