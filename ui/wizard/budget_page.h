// Wizard page 2, "Budget": the parameter band of phase 2 (none, the small / medium /
// large percentile presets, or a custom min–max typed with k/M), over a histogram of
// the exact parameter counts of architectures sampled uniformly from the search space
// for this data (classes, channels) and C, N — with the chosen band drawn on it.
// Sampling runs off the GUI thread. Thread-safety: GUI thread only.
#pragma once

#include <QWizardPage>

#include <cstdint>
#include <utility>
#include <vector>

class ConfigFields;
class QComboBox;
class QCustomPlot;
class QCPItemRect;
class QLabel;
class QLineEdit;
class SearchSetup;

class BudgetPage : public QWizardPage {
  Q_OBJECT

 public:
  BudgetPage(SearchSetup* setup, QWidget* parent = nullptr);

  void initializePage() override;
  // Next / Start only move on from a complete page (also when called from code).
  bool validatePage() override { return isComplete(); }
  bool isComplete() const override { return problem_.isEmpty(); }
  QString problem() const { return problem_; }

  // The band drawn for the current choice, [lo, hi] parameters; (0, 0) for none or
  // before the space has been sampled.
  std::pair<double, double> band() const { return band_; }
  // The sampled parameter counts the histogram shows (ascending).
  const std::vector<int64_t>& samples() const { return samples_; }

 private:
  void check();
  void sampleSpace();
  void redraw();

  SearchSetup* setup_;
  ConfigFields* fields_;
  QComboBox* preset_;
  QLineEdit* min_;
  QLineEdit* max_;
  QLabel* problemLabel_;
  QLabel* bandLabel_;
  QCustomPlot* plot_;
  QCPItemRect* bandRect_ = nullptr;
  QString problem_;
  std::vector<int64_t> samples_;
  QString sampledKey_;
  std::pair<double, double> band_{0, 0};
  int generation_ = 0;
};
