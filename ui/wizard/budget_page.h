// Wizard page 2, "Budget": the parameter band of phase 2 (none, the small / medium /
// large presets, or a custom min–max typed with k/M), over a histogram of the exact
// parameter counts of architectures sampled uniformly from the search space, with
// the band and the space's smallest and largest architectures marked on it. The band
// is the one of the network that will run (BandPreview: recomputed, off the GUI
// thread, when C, N, the data's classes or channels change on any page); a preset's
// numbers are shown in the Min/Max fields. Thread-safety: GUI thread only.
#pragma once

#include <QWizardPage>

#include <cstdint>
#include <utility>
#include <vector>

class BandPreview;
class ConfigFields;
class QComboBox;
class QCustomPlot;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;
class QLabel;
class QLineEdit;
class SearchSetup;

class BudgetPage : public QWizardPage {
  Q_OBJECT

 public:
  BudgetPage(SearchSetup* setup, BandPreview* preview, QWidget* parent = nullptr);

  void initializePage() override;
  // Next / Start only move on from a complete page (also when called from code).
  bool validatePage() override { return isComplete(); }
  bool isComplete() const override { return problem_.isEmpty(); }
  QString problem() const { return problem_; }
  // Why no architecture can meet the band, or why it cannot be worked out ("" when
  // it can, or before it is known). Shown here without blocking Next, since C and N
  // are set on the Run page, whose Start it blocks.
  QString bandWarning() const;

  // True when what the page shows is the band of the present settings.
  bool isUpToDate() const;
  // The band drawn, [lo, hi] parameters; (0, 0) for none or before it is known.
  std::pair<double, double> band() const { return band_; }
  // The sampled parameter counts the histogram shows (ascending).
  const std::vector<int64_t>& samples() const;
  // Where the histogram marks the smallest and largest architectures of the space
  // (parameters); (0, 0) before they are known.
  std::pair<double, double> spaceMarks() const { return marks_; }

 private:
  void check();
  void redraw();
  void showBandInFields();
  QString presetDescription() const;

  SearchSetup* setup_;
  BandPreview* preview_;
  ConfigFields* fields_;
  QComboBox* preset_;
  QLineEdit* min_;
  QLineEdit* max_;
  QLabel* problemLabel_;
  QLabel* warningLabel_;
  QLabel* bandLabel_;
  QCustomPlot* plot_;
  QCPItemRect* bandRect_ = nullptr;
  QCPItemStraightLine* smallestLine_ = nullptr;
  QCPItemStraightLine* largestLine_ = nullptr;
  QCPItemText* smallestText_ = nullptr;
  QCPItemText* largestText_ = nullptr;
  QString problem_;
  std::pair<double, double> band_{0, 0};
  std::pair<double, double> marks_{0, 0};
};
