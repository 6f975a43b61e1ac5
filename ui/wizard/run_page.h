// Wizard page 4, "Run": the device (auto, CPU, each CUDA GPU LibTorch sees), seed,
// batch size, C, N and the output folder; the Advanced settings; and an estimate of
// the run time from a few timed steps (off the GUI thread). The wizard's Finish
// button, labelled Start, starts the search. Thread-safety: GUI thread only.
#pragma once

#include <QWizardPage>

#include <set>
#include <string>

class ConfigFields;
class QLabel;
class QLineEdit;
class QPushButton;
class SearchSetup;

class RunPage : public QWizardPage {
  Q_OBJECT

 public:
  RunPage(SearchSetup* setup, QWidget* parent = nullptr);

  void initializePage() override;
  // Next / Start only move on from a complete page (also when called from code).
  bool validatePage() override { return isComplete(); }
  bool isComplete() const override { return problem_.isEmpty(); }
  QString problem() const { return problem_; }

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

  SearchSetup* setup_;
  ConfigFields* fields_;
  QLineEdit* out_;
  QLabel* problemLabel_;
  QLabel* estimate_;
  QPushButton* estimateButton_;
  QString problem_;
  int generation_ = 0;
};
