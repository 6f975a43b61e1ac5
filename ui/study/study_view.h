// A study folder on screen (issue 13): the summary per method and budget (mean ± sd),
// every cell with its state ("running — search epoch 3 of 10", failed with its
// reason), and the report's two plots, drawn from the same charts the CLI writes.
// It reads the cells' files only, so a study run by `zodarts study` in another
// process (started here, from a terminal, or on a cluster's shared folder) shows
// live: the view rereads the folder every few seconds while any cell is unfinished.
// Thread-safety: GUI thread only.
#pragma once

#include <QWidget>

class QLabel;
class QSvgWidget;
class QTableWidget;
class QTimer;

class StudyView : public QWidget {
  Q_OBJECT

 public:
  explicit StudyView(QWidget* parent = nullptr);

  // Shows the study in `dir`; false with `error` set when it is not a readable study.
  bool open(const QString& dir, QString* error = nullptr);
  // Rereads the cells' files (the timer calls it while cells are unfinished).
  void refresh();
  QString directory() const { return dir_; }

  QTableWidget* summaryTable() const { return summary_; }
  QTableWidget* cellTable() const { return cells_; }
  QSvgWidget* accuracyPlot() const { return accuracyPlot_; }
  QSvgWidget* timePlot() const { return timePlot_; }
  QLabel* statusLabel() const { return status_; }
  bool isWatching() const;

 private:
  QString dir_;
  QLabel* status_;
  QTableWidget* summary_;
  QTableWidget* cells_;
  QSvgWidget* accuracyPlot_;
  QSvgWidget* timePlot_;
  QTimer* timer_;
};
