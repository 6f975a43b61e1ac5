// The retrain settings dialog of the Results page: every retraining setting of
// ALGORITHM.md §7 (the run's config.json `train` section, the paper's protocol by
// default), the device and the thread count, validated as you type by the engine's
// own checks. Thread-safety: GUI thread only.
#pragma once

#include "core/run/run_config.h"

#include <QDialog>

class ConfigFields;
class QLabel;
class QPushButton;

class RetrainDialog : public QDialog {
  Q_OBJECT

 public:
  // Edits the retraining settings of `config` (a run's config.json).
  explicit RetrainDialog(const zd::RunConfig& config, QWidget* parent = nullptr);

  // The edited config; valid whenever problem() is empty.
  const zd::RunConfig& config() const { return config_; }
  QString problem() const { return problem_; }
  ConfigFields* fields() const { return fields_; }
  QPushButton* okButton() const { return ok_; }

 private:
  void check();

  zd::RunConfig base_;
  zd::RunConfig config_;
  ConfigFields* fields_;
  QLabel* problemLabel_;
  QPushButton* ok_;
  QString problem_;
};
