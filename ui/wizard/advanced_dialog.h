// The wizard's Advanced section: every search and data setting of RunConfig that no
// wizard page shows (optimisers, ZO estimator, augmentation, budget percentiles,
// ablation switches, image decoding …) — the retraining ("train.") settings belong to
// the retrain dialog — listed from the config itself so none can be forgotten, each with
// ALGORITHM.md's default and validated as you type. Thread-safety: GUI thread only.
#pragma once

#include "ui/wizard/config_dialog.h"

#include <set>
#include <string>

class AdvancedDialog : public ConfigDialog {
  Q_OBJECT

 public:
  // Shows every key of `config` except `shownElsewhere` (the wizard pages' keys).
  AdvancedDialog(const zd::RunConfig& config, const std::set<std::string>& shownElsewhere, QWidget* parent = nullptr);
};
