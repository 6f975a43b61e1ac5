#include "ui/dashboard/run_model.h"

#include "core/common/error.h"
#include "core/run/event_log.h"
#include "core/run/run_config.h"
#include "core/run/run_directory.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <filesystem>
#include <numeric>

using namespace zd;  // the engine's value types (events, search-space constants)

namespace {

constexpr int kDefaultRefreshMs = 100;  // ≤ 10 redraws a second (STYLE.md item 4)

std::filesystem::path toPath(const QString& s) { return std::filesystem::path(s.toStdString()); }

// A data path in a form two configs can be compared by: the canonical path when the
// file exists (runs started from different working folders), else the text as written.
QString comparableDataPath(const std::string& path) {
  const QString p = QString::fromStdString(path);
  const QString canonical = QFileInfo(p).canonicalFilePath();
  return canonical.isEmpty() ? p : canonical;
}

// What a run folder holds, read for the model or for an overlay.
struct LoadedRun {
  RunConfig config;
  std::vector<JobEvent> events;
};

// Reads config.json and events.jsonl of `runDir`; a folder whose search has not
// logged anything yet (no events.jsonl) has no events. Throws zd::Error naming the file.
LoadedRun loadRun(const QString& runDir) {
  const RunDirectory dir = RunDirectory::open(toPath(runDir));
  LoadedRun run;
  run.config = dir.readConfig();
  if (std::filesystem::exists(dir.eventsPath())) run.events = readEventLog(dir.eventsPath());
  return run;
}

bool fail(QString* error, const QString& message) {
  if (error) *error = message;
  return false;
}

}  // namespace

RunModel::RunModel(QObject* parent) : QObject(parent) {
  timer_.setSingleShot(true);
  timer_.setInterval(kDefaultRefreshMs);
  connect(&timer_, &QTimer::timeout, this, &RunModel::flush);
}

void RunModel::append(const JobEvent& event) {
  fold(event);
  markDirty();
}

void RunModel::fold(const JobEvent& event) {
  const bool retraining = isTrainingEvent(event);
  applyEvent(data_, event);
  if (retraining) updateRetrainProgress(event);
  else updateProgress(event);
}

void RunModel::markDirty() {
  dirty_ = true;
  // Armed once per burst, not restarted per event: a steady stream still redraws
  // every interval instead of never.
  if (!timer_.isActive()) timer_.start();
}

void RunModel::flush() {
  timer_.stop();
  if (!dirty_) return;
  dirty_ = false;
  emit changed();
}

namespace {

// Share done and time left of `epochs` epochs with `done` (fractional) behind. Seconds
// per epoch: the mean of `epochSeconds` (finished epochs); before the first one ends,
// the time `clock` has run this epoch scaled by its share `inEpoch` of steps done.
void setFractionAndEta(RunProgress& p, double done, int epochs, const QVector<double>& epochSeconds,
                       const QElapsedTimer& clock, double inEpoch) {
  p.fraction = epochs > 0 ? std::clamp(done / epochs, 0.0, 1.0) : 0;
  double perEpoch = -1;
  if (!epochSeconds.isEmpty()) {
    perEpoch = std::accumulate(epochSeconds.begin(), epochSeconds.end(), 0.0) / epochSeconds.size();
  } else if (clock.isValid() && inEpoch > 0) {
    perEpoch = clock.elapsed() / 1000.0 / inEpoch;
  }
  p.etaSeconds = perEpoch >= 0 && epochs > 0 ? std::max(0.0, epochs - done) * perEpoch : -1;
}

}  // namespace

void RunModel::updateProgress(const JobEvent& event) {
  RunProgress& p = progress_;
  if (const auto* e = std::get_if<RunStarted>(&event)) {
    p = RunProgress{};
    p.epoch = e->start_epoch;
    p.steps = e->steps_per_epoch;
    epochClock_.invalidate();
  } else if (const auto* e = std::get_if<EpochStarted>(&event)) {
    p.epoch = e->epoch;
    p.step = 0;
    epochClock_.start();
  } else if (const auto* e = std::get_if<StepProgress>(&event)) {
    p.epoch = e->epoch;
    p.step = e->step;
    p.steps = e->steps;
    if (!epochClock_.isValid()) epochClock_.start();
  } else if (const auto* e = std::get_if<EpochFinished>(&event)) {
    p.epoch = e->epoch;
    p.step = p.steps;
  }
  const int epochs = data_.epochs;
  const double inEpoch = p.steps > 0 ? static_cast<double>(p.step) / p.steps : 0;
  double done = std::get_if<EpochFinished>(&event) ? p.epoch + 1.0 : p.epoch + inEpoch;
  if (data_.state == RunState::Finished) done = epochs;
  setFractionAndEta(p, done, epochs, data_.epochSeconds, epochClock_, inEpoch);
}

void RunModel::updateRetrainProgress(const JobEvent& event) {
  RunProgress& p = retrainProgress_;
  if (const auto* e = std::get_if<TrainStarted>(&event)) {
    p = RunProgress{};
    p.epoch = e->start_epoch;
    p.steps = e->steps_per_epoch;
    retrainClock_.start();
  } else if (const auto* e = std::get_if<TrainStepProgress>(&event)) {
    if (e->epoch != p.epoch) retrainClock_.start();
    p.epoch = e->epoch;
    p.step = e->step;
    p.steps = e->steps;
  } else if (const auto* e = std::get_if<TrainEpochFinished>(&event)) {
    p.epoch = e->epoch + 1;
    p.step = 0;
    retrainClock_.start();
  }
  const int epochs = data_.retrainEpochs;
  const double inEpoch = p.steps > 0 ? static_cast<double>(p.step) / p.steps : 0;
  double done = p.epoch + inEpoch;
  if (std::holds_alternative<TrainFinished>(event) && !data_.retrainCancelled) done = epochs;
  setFractionAndEta(p, done, epochs, data_.retrainEpochSeconds, retrainClock_, inEpoch);
  if (!data_.retrainRunning) p.etaSeconds = -1;
}

bool RunModel::replay(const QString& runDir, QString* error) {
  data_ = RunPlotData{};
  progress_ = RunProgress{};
  retrainProgress_ = RunProgress{};
  runDir_.clear();
  dataPath_.clear();
  configCells_ = 0;
  epochClock_.invalidate();
  LoadedRun run;
  try {
    run = loadRun(runDir);
  } catch (const Error& e) {
    dirty_ = true;  // the cleared model is drawn too
    flush();
    return fail(error, QString::fromUtf8(e.what()));
  }
  runDir_ = QDir(runDir).absolutePath();
  dataPath_ = comparableDataPath(run.config.data.path);
  configCells_ = run.config.search.network.cells;
  for (const JobEvent& event : run.events) fold(event);
  // A log that ends inside a retraining was interrupted (the program ended): it can
  // only be continued from its checkpoint, like a cancelled one.
  if (data_.retrainRunning) {
    data_.retrainRunning = false;
    data_.retrainCancelled = true;
    retrainProgress_.etaSeconds = -1;
  }
  // A replayed run has no live epoch clock: its ETA rests on finished epochs only.
  dirty_ = true;
  flush();
  return true;
}

void RunModel::clear() {
  data_ = RunPlotData{};
  progress_ = RunProgress{};
  retrainProgress_ = RunProgress{};
  overlays_.clear();
  runDir_.clear();
  dataPath_.clear();
  configCells_ = 0;
  epochClock_.invalidate();
  dirty_ = true;
  flush();
}

bool RunModel::setRunDirectory(const QString& runDir, QString* error) {
  try {
    const RunConfig config = RunDirectory::open(toPath(runDir)).readConfig();
    runDir_ = QDir(runDir).absolutePath();
    dataPath_ = comparableDataPath(config.data.path);
    configCells_ = config.search.network.cells;
    return true;
  } catch (const Error& e) {
    return fail(error, QString::fromUtf8(e.what()));
  }
}

bool RunModel::addOverlayRun(const QString& runDir, QString* error) {
  RunPlotData other;
  try {
    for (const JobEvent& event : loadRun(runDir).events) applyEvent(other, event);
  } catch (const Error& e) {
    return fail(error, QString::fromUtf8(e.what()));
  }
  OverlayRun overlay;
  overlay.runDir = QDir(runDir).absolutePath();
  overlay.name = QDir(runDir).dirName();
  overlay.epoch = other.epoch;
  overlay.archAccuracy = other.archAccuracy;
  overlay.derivedParams = other.derivedParams;
  overlay.expectedParams = other.expectedParams;
  overlay.minParams = other.minParams;
  overlay.maxParams = other.maxParams;
  auto same = [&](const OverlayRun& o) { return o.runDir == overlay.runDir; };
  overlays_.erase(std::remove_if(overlays_.begin(), overlays_.end(), same), overlays_.end());
  overlays_.append(overlay);
  dirty_ = true;
  flush();
  return true;
}

void RunModel::clearOverlays() {
  overlays_.clear();
  dirty_ = true;
  flush();
}

QStringList RunModel::siblingRunsWithSameData() const {
  QStringList runs;
  if (runDir_.isEmpty() || dataPath_.isEmpty()) return runs;
  QDir parent(runDir_);
  if (!parent.cdUp()) return runs;
  const auto entries = parent.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
  for (const QFileInfo& entry : entries) {
    const QString path = entry.absoluteFilePath();
    if (path == runDir_ || !RunDirectory::isRunDirectory(toPath(path))) continue;
    try {
      const RunConfig config = RunDirectory::open(toPath(path)).readConfig();
      if (comparableDataPath(config.data.path) == dataPath_) runs << path;
    } catch (const Error&) {
      // A damaged neighbour is not this run's problem: it is simply not offered.
    }
  }
  return runs;
}

int RunModel::maxDepth() const {
  if (configCells_ > 0) return configCells_;
  if (!data_.latest.gamma.empty() && !data_.latest.gamma.front().empty())
    return static_cast<int>(data_.latest.gamma.front().size());
  if (!data_.depths.isEmpty()) return *std::max_element(data_.depths.begin(), data_.depths.end());
  return NetworkOptions{}.cells;
}
