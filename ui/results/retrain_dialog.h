// The retrain settings dialog of the Results page: every retraining setting of
// ALGORITHM.md §7 (the run's config.json `train` section, the paper's protocol by
// default, at the search's width C), the device and the thread count, validated as
// you type by the engine's own checks. Below them, the size the architecture will
// have at the chosen width, against the search's budget band, so that a width that
// leaves the band is seen before the retraining starts. Thread-safety: GUI thread only.
#pragma once

#include "ui/results/search_outcome.h"
#include "ui/wizard/config_dialog.h"

class QLabel;

class RetrainDialog : public ConfigDialog {
  Q_OBJECT

 public:
  // Edits the retraining settings of `config` (a run's config.json; C starts at its
  // train.channels) for the run whose search ended in `search`. Restore defaults
  // loads the paper's protocol at the search's width.
  RetrainDialog(const zd::RunConfig& config, const SearchOutcome& search, QWidget* parent = nullptr);

  // The size line under the settings, e.g. "C = 16: 74.9k parameters, outside the
  // band 18.5k–38.0k (at the search's width C = 8: 19.0k)".
  QString sizeText() const;
  // Whether the architecture at the chosen width lies outside the search's band
  // (false without a band or when the size is unknown).
  bool outsideBand() const { return outside_; }

 private:
  void updateSize();

  SearchOutcome search_;
  QLabel* size_ = nullptr;
  bool outside_ = false;
};
