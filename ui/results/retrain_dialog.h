// The retrain settings dialog of the Results page: every retraining setting of
// ALGORITHM.md §7 (the run's config.json `train` section, the paper's protocol by
// default), the device and the thread count, validated as you type by the engine's
// own checks. Thread-safety: GUI thread only.
#pragma once

#include "ui/wizard/config_dialog.h"

class RetrainDialog : public ConfigDialog {
  Q_OBJECT

 public:
  // Edits the retraining settings of `config` (a run's config.json).
  explicit RetrainDialog(const zd::RunConfig& config, QWidget* parent = nullptr);
};
