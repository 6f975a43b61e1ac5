#include "ui/dashboard/run_plot_data.h"

#include <QtNumeric>

#include <algorithm>

using namespace zd;  // the engine's value types (events, search-space constants)

namespace {

// Keeps the entries of the parallel vectors whose key (first vector) is < `limit`.
// A resumed run repeats an epoch (or architecture update) whose results the crash
// lost; the repeat replaces the lost attempt instead of drawing a second point.
template <class... Vs>
void truncateFrom(double limit, QVector<double>& key, Vs&... rest) {
  const auto it = std::lower_bound(key.begin(), key.end(), limit);
  const int keep = static_cast<int>(it - key.begin());
  if (keep == key.size()) return;
  key.resize(keep);
  (rest.resize(keep), ...);
}

// Appends one probability per (edge row, op) to the history; every series then has
// one entry per architecture update. Entries a series lacks (only when the matrix
// shape changes, which a valid log never does) are NaN, drawn as gaps.
void appendHistory(RunPlotData& d, const Matrix& alpha) {
  const int before = d.update.size() - 1;  // updates recorded before this one
  const int rows = static_cast<int>(alpha.size());
  if (d.alphaHistory.size() != rows) d.alphaHistory = QVector<QVector<QVector<double>>>(rows);
  for (int r = 0; r < rows; ++r) {
    const int cols = static_cast<int>(alpha[r].size());
    auto& row = d.alphaHistory[r];
    if (row.size() != cols) row = QVector<QVector<double>>(cols);
    for (int o = 0; o < cols; ++o) {
      row[o].resize(before, qQNaN());
      row[o].append(alpha[r][o]);
    }
  }
}

struct Fold {
  RunPlotData& d;

  void operator()(const RunStarted& e) {
    d.state = RunState::Running;
    d.failure.clear();
    d.device = QString::fromStdString(e.device);
    d.epochs = e.epochs;
    d.startEpoch = e.start_epoch;
    d.classes = static_cast<int>(e.classes);
    d.channels = static_cast<int>(e.channels);
    d.minParams = e.min_params;
    d.maxParams = e.max_params;
    d.supernetParams = static_cast<double>(e.supernet_params);
  }
  void operator()(const EpochStarted& e) {
    truncateFrom(e.epoch, d.scheduleEpoch, d.temperature, d.lr, d.lambda);
    d.scheduleEpoch.append(e.epoch);
    d.temperature.append(e.temperature);
    d.lr.append(e.lr);
    d.lambda.append(e.lambda);
    d.phase = e.phase;
    d.state = RunState::Running;
  }
  void operator()(const StepProgress&) {}  // not logged; RunModel tracks progress
  void operator()(const ArchitectureUpdated& e) {
    const double u = static_cast<double>(e.update);
    truncateFrom(u, d.update, d.updateEpoch, d.updateExpectedParams, d.updatePenalty, d.updateArchLoss);
    d.update.append(u);
    d.updateEpoch.append(e.epoch);
    d.updateExpectedParams.append(e.expected_params);
    d.updatePenalty.append(e.penalty);
    d.updateArchLoss.append(e.arch_loss);
    appendHistory(d, e.distributions.alpha);
    d.latest = e.distributions;
  }
  void operator()(const PhaseChanged& e) {
    d.phase = e.phase;
    d.phaseChangeEpoch = e.epoch;
  }
  void operator()(const EpochFinished& e) {
    truncateFrom(e.epoch, d.epoch, d.trainLoss, d.trainAccuracy, d.archLoss, d.archAccuracy, d.derivedParams,
                 d.expectedParams, d.epochSeconds, d.computeFraction, d.argmaxEpochParams);
    d.epoch.append(e.epoch);
    d.trainLoss.append(e.train_loss);
    d.trainAccuracy.append(e.train_accuracy);
    d.archLoss.append(e.arch_loss);
    d.archAccuracy.append(e.arch_accuracy);
    d.derivedParams.append(static_cast<double>(e.derived_params));
    d.expectedParams.append(e.expected_params);
    d.epochSeconds.append(e.seconds);
    d.computeFraction.append(e.compute_fraction);
    d.argmaxEpochParams.append(static_cast<double>(e.argmax_params));
    d.genotype = e.genotype;
    d.depths = QVector<int>(e.depths.begin(), e.depths.end());
    d.phase = e.phase;
    d.latest = e.distributions;
  }
  void operator()(const CheckpointWritten& e) { d.checkpointEpoch = e.epoch; }
  void operator()(const RunFinished& e) {
    d.state = e.cancelled ? RunState::Cancelled : RunState::Finished;
    d.genotype = e.genotype;
    d.finalParams = static_cast<double>(e.params);
    d.totalSeconds = e.seconds;
    d.derivation = QString::fromStdString(e.derivation);
    d.argmaxGenotype = e.argmax_genotype;
    d.argmaxParams = static_cast<double>(e.argmax_params);
    d.derivationChanges.clear();
    for (const std::string& change : e.changes) d.derivationChanges << QString::fromStdString(change);
  }
  void operator()(const RunFailed& e) {
    if (d.retrainRunning) {  // a log from before TrainFailed: the retraining failed
      d.retrainRunning = false;
      d.retrainFailure = QString::fromStdString(e.message);
      return;
    }
    d.state = RunState::Failed;
    d.failure = QString::fromStdString(e.message);
  }
  void operator()(const TrainStarted& e) {
    d.retrainGenotype = e.genotype;
    d.retrainParams = static_cast<double>(e.params);
    d.retrainEpochs = e.epochs;
    d.retrainRunning = true;
    d.retrainCancelled = false;
    d.retrainFailure.clear();
  }
  void operator()(const TrainEpochFinished& e) {
    truncateFrom(e.epoch, d.retrainEpoch, d.retrainLr, d.retrainLoss, d.retrainAccuracy, d.retrainValLoss,
                 d.retrainValAccuracy, d.retrainEpochSeconds);
    d.retrainEpoch.append(e.epoch);
    d.retrainLr.append(e.lr);
    d.retrainLoss.append(e.train_loss);
    d.retrainAccuracy.append(e.train_accuracy);
    d.retrainValLoss.append(e.val_loss);
    d.retrainValAccuracy.append(e.val_accuracy);
    d.retrainEpochSeconds.append(e.seconds);
    d.retrainBestEpoch = e.best_epoch;
    d.retrainBestValAccuracy = e.best_val_accuracy;
  }
  void operator()(const TrainStepProgress&) {}       // not logged; RunModel tracks progress
  void operator()(const TrainCheckpointWritten&) {}  // the dashboard shows the search's checkpoints
  void operator()(const TrainFailed& e) {
    d.retrainRunning = false;
    d.retrainFailure = QString::fromStdString(e.message);
  }
  void operator()(const TrainFinished& e) {
    d.retrainRunning = false;
    d.retrainCancelled = e.cancelled;
    d.retrainBestEpoch = e.best_epoch;
    d.retrainBestValAccuracy = e.best_val_accuracy;
  }
};

bool sameDistributions(const ArchDistributions& a, const ArchDistributions& b) {
  return a.alpha == b.alpha && a.beta == b.beta && a.gamma == b.gamma;
}

}  // namespace

void applyEvent(RunPlotData& data, const JobEvent& event) { std::visit(Fold{data}, event); }

bool RunPlotData::operator==(const RunPlotData& o) const {
  return state == o.state && device == o.device && failure == o.failure && epochs == o.epochs &&
         startEpoch == o.startEpoch && classes == o.classes && channels == o.channels && minParams == o.minParams &&
         maxParams == o.maxParams && supernetParams == o.supernetParams && phase == o.phase &&
         phaseChangeEpoch == o.phaseChangeEpoch && checkpointEpoch == o.checkpointEpoch &&
         finalParams == o.finalParams && totalSeconds == o.totalSeconds && derivation == o.derivation &&
         argmaxGenotype == o.argmaxGenotype && argmaxParams == o.argmaxParams &&
         derivationChanges == o.derivationChanges && scheduleEpoch == o.scheduleEpoch && temperature == o.temperature &&
         lr == o.lr && lambda == o.lambda && epoch == o.epoch && trainLoss == o.trainLoss &&
         trainAccuracy == o.trainAccuracy && archLoss == o.archLoss && archAccuracy == o.archAccuracy &&
         derivedParams == o.derivedParams && expectedParams == o.expectedParams && epochSeconds == o.epochSeconds &&
         computeFraction == o.computeFraction && argmaxEpochParams == o.argmaxEpochParams && genotype == o.genotype &&
         depths == o.depths && update == o.update && updateEpoch == o.updateEpoch &&
         updateExpectedParams == o.updateExpectedParams && updatePenalty == o.updatePenalty &&
         updateArchLoss == o.updateArchLoss && alphaHistory == o.alphaHistory && retrainGenotype == o.retrainGenotype &&
         retrainParams == o.retrainParams && retrainEpochs == o.retrainEpochs && retrainRunning == o.retrainRunning &&
         retrainCancelled == o.retrainCancelled && retrainBestEpoch == o.retrainBestEpoch &&
         retrainBestValAccuracy == o.retrainBestValAccuracy && retrainEpoch == o.retrainEpoch &&
         retrainLr == o.retrainLr && retrainLoss == o.retrainLoss && retrainAccuracy == o.retrainAccuracy &&
         retrainValLoss == o.retrainValLoss && retrainValAccuracy == o.retrainValAccuracy &&
         retrainEpochSeconds == o.retrainEpochSeconds && retrainFailure == o.retrainFailure &&
         sameDistributions(latest, o.latest);
}

QString describeRunState(RunState state) {
  switch (state) {
    case RunState::NotStarted: return QStringLiteral("not started");
    case RunState::Running: return QStringLiteral("running");
    case RunState::Finished: return QStringLiteral("finished");
    case RunState::Cancelled: return QStringLiteral("cancelled — resumable from its checkpoint");
    case RunState::Failed: return QStringLiteral("failed");
  }
  return {};
}
