// Wizard page 3, "Schedule": epochs, the temperature annealing (T0, decay factor,
// every N epochs), the phase-switch epoch, λ0 and the ZO rounds R, with a live plot
// of T(epoch) and λ(epoch) = λ0 / T as the fields change. Thread-safety: GUI thread only.
#pragma once

#include <QVector>
#include <QWizardPage>

class ConfigFields;
class QCustomPlot;
class QLabel;
class SearchSetup;

class SchedulePage : public QWizardPage {
  Q_OBJECT

 public:
  SchedulePage(SearchSetup* setup, QWidget* parent = nullptr);

  void initializePage() override;
  // Next / Start only move on from a complete page (also when called from code).
  bool validatePage() override { return isComplete(); }
  bool isComplete() const override { return problem_.isEmpty(); }
  QString problem() const { return problem_; }

  // The curves on show, one value per epoch (λ is 0 before the switch epoch).
  const QVector<double>& temperatures() const { return t_; }
  const QVector<double>& lambdas() const { return lambda_; }

 private:
  void check();
  void redraw();

  SearchSetup* setup_;
  ConfigFields* fields_;
  QLabel* problemLabel_;
  QCustomPlot* plot_;
  QString problem_;
  QVector<double> t_, lambda_;
};
