// The plot data of one search run for the dashboard: fed live from the worker's
// queued signals or rebuilt from a run directory, with redraw notifications
// coalesced so plots repaint at most ~10 times a second (STYLE.md item 4).
#pragma once

#include "core/job/job_events.h"
#include "ui/dashboard/run_plot_data.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QVector>

// Where the run is inside its epochs; step progress is live-only (events.jsonl
// does not keep it), so this is not part of the replayable RunPlotData.
struct RunProgress {
  int epoch = 0;           // current (or last) epoch, 0-based
  int step = 0;            // steps done in it
  int steps = 0;           // steps per epoch, 0 when unknown
  double fraction = 0;     // share of the run's epochs done, [0, 1]
  double etaSeconds = -1;  // estimated seconds left; -1 when unknown
};

// Epoch points of another run on the same data, drawn on the accuracy-vs-size plot.
struct OverlayRun {
  QString name;  // the run folder's name
  QString runDir;
  QVector<double> epoch, archAccuracy, derivedParams, expectedParams;
  double minParams = 0, maxParams = 0;  // its budget band
};

// Thread-safety: a QObject of the GUI thread; call everything from that thread
// (the worker's events arrive there as queued signals).
class RunModel : public QObject {
  Q_OBJECT
 public:
  explicit RunModel(QObject* parent = nullptr);

  // Folds one event into the plot data, marks it dirty and arms the coalescing
  // timer; changed() follows within refreshInterval() ms, once per burst.
  void append(const zd::JobEvent& event);

  // Clears the model and rebuilds it from `runDir`'s config.json and events.jsonl
  // (a damaged last line is ignored), then emits changed() at once. On failure it
  // returns false, sets *error (when given) to a message naming the file, and
  // leaves the model cleared.
  bool replay(const QString& runDir, QString* error = nullptr);

  // Forgets everything (run, overlays) and emits changed().
  void clear();

  // Names the run folder of a live run: reads its config.json (data path, depth N)
  // so sibling runs on the same data can be found. False with *error when the
  // folder has no readable config.json; the plot data are left as they are.
  bool setRunDirectory(const QString& runDir, QString* error = nullptr);

  // Adds the epoch points of the run in `runDir` to the accuracy-vs-size overlays
  // (replacing an overlay of the same folder) and emits changed(); false with
  // *error when that run cannot be read.
  bool addOverlayRun(const QString& runDir, QString* error = nullptr);
  void clearOverlays();

  // Run folders next to this run's folder whose config.json names the same data
  // path (empty when this run's folder or data path is unknown).
  QStringList siblingRunsWithSameData() const;

  const RunPlotData& data() const { return data_; }
  const RunProgress& progress() const { return progress_; }
  // Where a retraining of the run stands (train_* events and the steps between them);
  // the search's progress() is left alone meanwhile.
  const RunProgress& retrainProgress() const { return retrainProgress_; }
  const QVector<OverlayRun>& overlays() const { return overlays_; }
  QString runDirectory() const { return runDir_; }
  QString dataPath() const { return dataPath_; }
  // N, the largest depth of a stage (config.json, else the latest genotype's depths).
  int maxDepth() const;

  // Milliseconds between a burst's first append() and its changed() (default 100).
  int refreshInterval() const { return timer_.interval(); }
  void setRefreshInterval(int ms) { timer_.setInterval(ms); }
  // Emits a pending changed() now (end of a run, tests).
  void flush();

 signals:
  // The plot data changed; at most one per refreshInterval() while events stream.
  void changed();

 private:
  // Folds one event into the plot data and the search's or the retraining's progress.
  void fold(const zd::JobEvent& event);
  void updateProgress(const zd::JobEvent& event);
  void updateRetrainProgress(const zd::JobEvent& event);
  void markDirty();

  RunPlotData data_;
  RunProgress progress_;
  RunProgress retrainProgress_;
  QVector<OverlayRun> overlays_;
  QString runDir_;
  QString dataPath_;
  int configCells_ = 0;
  QTimer timer_;
  bool dirty_ = false;
  QElapsedTimer epochClock_;    // since this epoch's first step, for an ETA before any epoch ends
  QElapsedTimer retrainClock_;  // the same for the retraining's epochs
};
