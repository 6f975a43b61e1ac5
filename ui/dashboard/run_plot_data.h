// The plot data of one search run, built by folding its event stream (live or
// replayed from events.jsonl) into plain vectors the dashboard panels draw.
#pragma once

#include "core/job/job_events.h"

#include <QString>
#include <QStringList>
#include <QVector>

// Where a run stands, as far as its events tell.
enum class RunState { NotStarted, Running, Finished, Cancelled, Failed };

// Everything the dashboard plots, derived only from events that events.jsonl keeps
// (step progress is not logged, so it lives in RunProgress instead): replaying a run
// directory must rebuild exactly this. Thread-safety: plain value type.
struct RunPlotData {
  // --- the run (run_started, run_finished, run_failed)
  RunState state = RunState::NotStarted;
  QString device;
  QString failure;     // run_failed's message
  int epochs = 0;      // epochs the run is set to search
  int startEpoch = 0;  // first epoch of the latest (possibly resumed) session
  int classes = 0;
  int channels = 0;
  double minParams = 0;  // budget band; both 0 when the run has none
  double maxParams = 0;
  double supernetParams = 0;
  int phase = 1;
  int phaseChangeEpoch = -1;  // epoch phase 2 began, -1 before
  int checkpointEpoch = -1;   // last epoch a checkpoint holds, -1 when none yet
  double finalParams = 0;     // run_finished's parameter count (the derived architecture)
  double totalSeconds = 0;
  // How run_finished's architecture was derived (§6); all empty / 0 in logs from
  // before the in-band derivation.
  QString derivation;             // "argmax" or "in-band"
  zd::Genotype argmaxGenotype;    // the paper's argmax architecture
  double argmaxParams = 0;        // its parameter count
  QStringList derivationChanges;  // what the derivation changed from the argmax

  // --- schedule, one entry per epoch_started
  QVector<double> scheduleEpoch, temperature, lr, lambda;

  // --- one entry per epoch_finished
  QVector<double> epoch, trainLoss, trainAccuracy, archLoss, archAccuracy;  // accuracies in [0, 1]
  QVector<double> derivedParams, expectedParams, epochSeconds, computeFraction;
  QVector<double> argmaxEpochParams;  // the paper's argmax size per epoch (0 in logs from before it)
  zd::Genotype genotype;              // the latest derived architecture (empty before the first epoch)
  QVector<int> depths;                // its depth per stage

  // --- one entry per architecture_updated (x = running update count)
  QVector<double> update, updateEpoch, updateExpectedParams, updatePenalty, updateArchLoss;
  // alphaHistory[row][op]: probability of op on edge row (stage·6 + edge) at each update.
  QVector<QVector<QVector<double>>> alphaHistory;

  // --- retraining of the derived network (train_started, train_epoch_finished, train_finished)
  zd::Genotype retrainGenotype;
  double retrainParams = 0;
  int retrainEpochs = 0;
  bool retrainRunning = false, retrainCancelled = false;
  int retrainBestEpoch = -1;
  double retrainBestValAccuracy = 0;
  QVector<double> retrainEpoch, retrainLr, retrainLoss, retrainAccuracy, retrainValLoss, retrainValAccuracy;
  QVector<double> retrainEpochSeconds;
  QString retrainFailure;  // run_failed's message while a retraining ran

  // --- latest distributions (from architecture_updated or epoch_finished)
  zd::ArchDistributions latest;

  bool operator==(const RunPlotData& o) const;
  bool operator!=(const RunPlotData& o) const { return !(*this == o); }
};

// Folds one event into `data`. A run_started with start_epoch > 0 (a resumed run)
// drops what the log holds for epochs >= start_epoch, so a resumed log that repeats
// an epoch after a crash does not draw it twice. Pure function of its arguments.
void applyEvent(RunPlotData& data, const zd::JobEvent& event);

// Human name of a state ("running", "cancelled — resumable", ...).
QString describeRunState(RunState state);
