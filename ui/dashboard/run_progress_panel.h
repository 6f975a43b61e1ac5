// Progress of a run (bar, epoch and step, ETA, state), its current genotype as
// text, and the pause / resume / cancel buttons.
#pragma once

#include "ui/dashboard/run_model.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

// Thread-safety: GUI thread only, like every widget.
class RunProgressPanel : public QWidget {
  Q_OBJECT
 public:
  explicit RunProgressPanel(QWidget* parent = nullptr);

  void refresh(const RunPlotData& data, const RunProgress& progress);

  // Enables pause/cancel while a run is going; a stopped run disables all three.
  void setRunning(bool running);
  bool isPaused() const { return paused_; }

  QProgressBar* bar() const { return bar_; }
  QPushButton* pauseButton() const { return pause_; }
  QPushButton* cancelButton() const { return cancel_; }
  QString genotypeText() const;
  QString statusText() const;

 signals:
  void pauseRequested();
  void resumeRequested();
  void cancelRequested();

 private:
  void togglePause();

  QProgressBar* bar_;
  QLabel* status_;
  QLabel* details_;
  QPlainTextEdit* genotype_;
  QPushButton* pause_;
  QPushButton* cancel_;
  bool running_ = false;
  bool paused_ = false;
};

// "2 h 05 min", "3 min 20 s", "45 s"; "—" for a negative (unknown) time.
QString formatDuration(double seconds);
