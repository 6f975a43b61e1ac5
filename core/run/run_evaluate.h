// `zodarts evaluate`: the retrained model of a run on the test split, which neither
// the search nor the retraining saw (ALGORITHM.md §7): the MedMNIST metrics as
// metrics.json and, with the run's data, settings and curves, as report.md.
#pragma once

#include "core/train/metrics.h"
#include "core/train/trained_model.h"

#include <filesystem>
#include <functional>
#include <string>

namespace zd {

struct EvaluationOutcome {
  ClassificationMetrics metrics;
  ModelCard card;
  int64_t test_images = 0;
  std::filesystem::path metrics_path;  // <run>/metrics.json
  std::filesystem::path report_path;   // <run>/report.md
};

// Loads the run's trained model and data (the same loader and splits as the search),
// predicts the test split at the model's input size, computes the metrics and writes
// metrics.json and report.md atomically. `device` / `threads` override the config's
// when not empty / not negative. Throws zd::Error naming the file at fault (no model,
// data that do not fit it: channels, classes, image size; no test images).
EvaluationOutcome evaluateRun(const std::filesystem::path& run_dir, const std::string& device = "", int threads = -1,
                              const std::function<void(const std::string&)>& status = {});

}  // namespace zd
