// report.md of a retrained and evaluated run: data, settings, the architecture, a
// summary of the training curves and the test metrics. A pure function of its inputs
// (no I/O), so it is tested on fixed values. Thread-safety: pure.
#pragma once

#include "core/run/run_config.h"
#include "core/job/job_events.h"
#include "core/train/metrics.h"
#include "core/train/trained_model.h"

#include <string>
#include <vector>

namespace zd {

struct RunReportInputs {
  RunConfig config;
  ModelCard card;
  int64_t params = 0;  // of the trained network
  int64_t train_images = 0, val_images = 0, test_images = 0;
  std::vector<TrainEpochFinished> curves;  // may be empty (no train_curves.csv)
  ClassificationMetrics metrics;           // on the test split
};

// Markdown: "# Run report", then sections Data, Architecture, Settings, Training,
// Test metrics (toMarkdown of metrics.h). The training table shows at most
// `max_curve_rows` evenly spaced epochs, always including the best and the last.
std::string runReportMarkdown(const RunReportInputs& in, int max_curve_rows = 12);

}  // namespace zd
