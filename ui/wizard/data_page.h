// Wizard page 1, "Data": the data set (a .npz file, an image folder or a manifest,
// chosen or dropped), how images are read (target size, crop or pad, split shares), the
// share of the training data that trains the architecture, and what was loaded:
// the summary, its warnings and a strip of thumbnails per class. The data set is
// loaded off the GUI thread, after typing pauses. Thread-safety: GUI thread only.
#pragma once

#include <QWizardPage>

class ConfigFields;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTimer;
class SearchSetup;

class DataPage : public QWizardPage {
  Q_OBJECT

 public:
  DataPage(SearchSetup* setup, QWidget* parent = nullptr);

  void initializePage() override;
  // Next / Start only move on from a complete page (also when called from code).
  bool validatePage() override { return isComplete(); }
  // Complete when the fields are valid and the data set at the path has loaded.
  bool isComplete() const override;

  // The reason the page is not complete ("" when it is), as shown under the fields.
  QString problem() const { return problem_; }
  // True while a data set is being loaded in the background.
  bool isLoading() const { return loading_; }
  // Sets the path as if typed and loads it at once (drag and drop, tests, tours).
  void setDataPath(const QString& path);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void check();
  void startLoad();
  void showFacts();

  SearchSetup* setup_;
  ConfigFields* fields_;
  QLineEdit* path_;
  QLabel* problemLabel_;
  QLabel* warnings_;
  QPlainTextEdit* summary_;
  QGridLayout* thumbs_;
  QTimer* debounce_;
  QString problem_;
  QString loadedKey_;  // config.data (as JSON) of the facts on show or loading
  QString loadError_;
  QString requestedPath_;  // the last path whose loading was started
  bool loadNow_ = false;   // the next check() loads even a typed folder
  bool loading_ = false;
  int generation_ = 0;  // a newer load makes older results stale
};
