// The Results tab. Retraining, test metrics and ONNX export arrive with the train and
// export modules (core/train/trained_model.h); until then it shows the run's final
// architecture and says that the model has not been retrained yet, with the Retrain
// button disabled. Thread-safety: GUI thread only.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

class ResultsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ResultsPanel(QWidget* parent = nullptr);

  // Shows the outcome of the search in `runDir` (genotype string, parameters).
  void showSearchResult(const QString& runDir, const QString& genotype, qint64 params, bool cancelled);
  void clear();

  QPushButton* retrainButton() const { return retrain_; }

 private:
  QLabel* summary_;
  QLabel* status_;
  QPushButton* retrain_;
};
