// Wizard page 4, "Run": the device (auto, CPU, each CUDA GPU LibTorch sees), seed,
// batch size, C, N and the output folder; the Advanced settings; the budget band of
// the network these settings make (BandPreview), which blocks Start when no
// architecture can meet it; and an estimate of the run time from a few timed steps
// (off the GUI thread). The wizard's Finish button, labelled Start, starts the
// search. Thread-safety: GUI thread only.
#pragma once

#include <QWizardPage>

#include <set>
#include <string>

class BandPreview;
class ConfigFields;
class QLabel;
class QLineEdit;
class QPushButton;
class SearchSetup;

class RunPage : public QWizardPage {
  Q_OBJECT

 public:
  RunPage(SearchSetup* setup, BandPreview* preview, QWidget* parent = nullptr);

  void initializePage() override;
  // Start only moves on from a complete page (also when called from code), and only
  // once the band is known to be reachable (worked out now if it is still pending).
  bool validatePage() override;
  bool isComplete() const override { return problem().isEmpty(); }
  // The reason the page is not complete: a field's problem, else a band no
  // architecture can meet (or that cannot be worked out); "" when complete.
  QString problem() const;
  // The line on the budget band of the network the page's settings make.
  QString bandText() const;

  // The keys of every wizard page, which the Advanced dialog leaves out.
  static std::set<std::string> pageKeys();
  // Opens the Advanced dialog (window-modal, not blocking).
  void openAdvanced();
  // Times a few search steps in the background and shows the estimate.
  void estimate();
  QString estimateText() const;

 Q_SIGNALS:
  void estimated(double seconds);

 private:
  void check();
  void updateBand();
  QString bandProblem() const;

  SearchSetup* setup_;
  BandPreview* preview_;
  ConfigFields* fields_;
  QLineEdit* out_;
  QLabel* problemLabel_;
  QLabel* band_;
  QLabel* estimate_;
  QPushButton* estimateButton_;
  QString problem_;
  int generation_ = 0;
};
