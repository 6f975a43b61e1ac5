// The app walking itself through a short search for the README's screenshots
// (packaging/screenshots.sh, hidden --screenshot-tour option): it fills in the
// wizard on a data set with tiny settings, starts the search, then retrains, evaluates
// and exports its architecture, and saves a PNG of every wizard page, the dashboard
// mid-run, the cell viewer, the retrain dialog, the retraining and the results page.
// Each step waits (polling, never blocking) until the window shows what it needs.
// Thread-safety: GUI thread only.
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

class MainWindow;
class SearchWizard;
class QWidget;

class ScreenshotTour : public QObject {
  Q_OBJECT

 public:
  // Screenshots go to `outDir`; the run to `runDir` (a new folder).
  ScreenshotTour(MainWindow* window, const QString& dataPath, const QString& outDir, const QString& runDir,
                 QObject* parent = nullptr);

  void start();

 Q_SIGNALS:
  // The tour ended: 0 when every screenshot was taken, 1 otherwise (reason printed).
  void done(int exitCode);

 private:
  struct Step {
    QString name;
    std::function<bool()> ready;  // polled until true
    std::function<void()> act;
    int timeoutMs;
  };
  void add(const QString& name, std::function<bool()> ready, std::function<void()> act, int timeoutMs = 30000);
  void poll();
  bool shoot(QWidget* widget, const QString& file);
  void setField(QWidget* root, const QString& key, const QString& value);

  MainWindow* window_;
  SearchWizard* wizard_ = nullptr;
  QString dataPath_, outDir_, runDir_;
  QList<Step> steps_;
  int current_ = 0;
  QTimer poll_;
  QElapsedTimer clock_;
  bool failed_ = false;
};
