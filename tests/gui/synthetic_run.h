// A synthetic search's event stream for the dashboard tests, and a run folder
// written from it the way the search writes one (config.json + events.jsonl).
#pragma once

#include "core/run/event_log.h"
#include "core/run/run_directory.h"

#include <QString>

#include <vector>

namespace synthetic {

constexpr int kRows = 18;  // 3 stages × 6 edges
// The derived architecture every epoch of the synthetic run reports (one stage line).
constexpr const char* kGenotype =
    "stage 1 (depth 1): |skip_connect~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|";

// The paper's argmax of the synthetic run's final distributions, which the in-band
// derivation changed into kGenotype (one change).
constexpr const char* kArgmaxGenotype =
    "stage 1 (depth 2): |skip_connect~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|";
constexpr int64_t kArgmaxParams = 340000;
constexpr const char* kChange = "stage 1: depth 2 -> 1";

// α rows all equal to `row`.
inline zd::Matrix alphaOf(std::vector<double> row) { return zd::Matrix(kRows, row); }

inline zd::EpochFinished epochFinished(int epoch, int phase, double archAccuracy, int64_t derived, double expected,
                                       const zd::ArchDistributions& d) {
  zd::EpochFinished e;
  e.epoch = epoch;
  e.phase = phase;
  e.train_loss = 1.0 - 0.1 * epoch;
  e.train_accuracy = 0.5 + 0.1 * epoch;
  e.arch_loss = 1.1 - 0.1 * epoch;
  e.arch_accuracy = archAccuracy;
  e.genotype = zd::Genotype::fromString(kGenotype);
  e.depths = {1, 1, 1};
  e.derived_params = derived;
  e.expected_params = expected;
  e.seconds = 10.0 + epoch;
  e.compute_fraction = 0.8;
  e.distributions = d;
  return e;
}

// A 3-epoch run: phase 2 from epoch 2, two architecture updates per epoch,
// step progress in between (which events.jsonl does not keep).
inline std::vector<zd::JobEvent> syntheticRun(double band_min = 100e3, double band_max = 300e3,
                                              double accuracy_offset = 0, int64_t derived_offset = 0) {
  std::vector<zd::JobEvent> events;
  zd::RunStarted start;
  start.device = "cpu";
  start.classes = 2;
  start.channels = 1;
  start.epochs = 3;
  start.steps_per_epoch = 4;
  start.min_params = band_min;
  start.max_params = band_max;
  start.supernet_params = 4914930;
  events.push_back(start);
  const double temps[] = {1.5, 1.5, 1.125};
  int64_t update = 0;
  for (int epoch = 0; epoch < 3; ++epoch) {
    const int phase = epoch >= 2 ? 2 : 1;
    if (epoch == 2) events.push_back(zd::PhaseChanged{2, 2});
    events.push_back(zd::EpochStarted{epoch, phase, temps[epoch], 0.1 / (epoch + 1),
                                      phase == 2 ? 15 / temps[epoch] : 0});
    zd::ArchDistributions d;
    for (int step = 1; step <= 4; ++step) {
      events.push_back(zd::StepProgress{epoch, step, 4, 2.0 - 0.1 * step});
      if (step % 2 == 0) {
        ++update;
        // skip_connect's share grows by 0.1 per update; the rest goes to 1x1.
        const double skip = 0.1 * static_cast<double>(update);
        d.alpha = alphaOf({0, skip, 1 - skip, 0, 0});
        if (phase == 2) {
          d.beta = zd::Matrix(kRows, {0, 0.5, 0.5});
          d.gamma = zd::Matrix(3, {0.2, 0.3, 0.5});
        }
        events.push_back(zd::ArchitectureUpdated{epoch, update, d, 200e3 + 1e3 * static_cast<double>(update),
                                                 0.01 * static_cast<double>(update), 0.7});
      }
    }
    events.push_back(epochFinished(epoch, phase, 0.6 + 0.1 * epoch + accuracy_offset,
                                   derived_offset + 150000 + 10000 * epoch, 180000.0 + 1000 * epoch, d));
    events.push_back(zd::CheckpointWritten{epoch + 1, "checkpoint.pt"});
  }
  zd::RunFinished finished{zd::Genotype::fromString(kGenotype), 170000, 33.0, false, {}, 0, {}, {}};
  finished.argmax_genotype = zd::Genotype::fromString(kArgmaxGenotype);
  finished.argmax_params = kArgmaxParams;
  finished.derivation = "in-band";
  finished.changes = {kChange};
  events.push_back(finished);
  return events;
}

// Makes a run folder with config.json (data path `data`) and the events logged as
// the search would log them.
inline void writeRun(const QString& dir, const QString& data, const std::vector<zd::JobEvent>& events) {
  const auto run = zd::RunDirectory::create(dir.toStdString());
  zd::RunConfig config;
  config.data.path = data.toStdString();
  config.out = dir.toStdString();
  config.search.network.cells = 3;
  run.writeConfig(config);
  zd::EventLog log(run.eventsPath());
  for (const auto& e : events) log.onEvent(e);
}

}  // namespace synthetic
