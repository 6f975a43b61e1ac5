// Test-set metrics of a retrained network (ALGORITHM.md §7): the MedMNIST pair —
// accuracy and AUC (binary AUC for two classes, macro one-vs-rest AUC otherwise,
// computed exactly as sklearn's roc_auc_score) — plus the confusion matrix and the
// per-class precision, recall and F1 for report.md.
// Thread-safety: plain data and pure functions; safe to call concurrently.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace zd {

struct ClassificationMetrics {
  int64_t samples = 0;  // N, the number of test samples
  // Fraction of samples whose argmax class (ties -> lower index) equals the label.
  double accuracy = 0.0;
  // MedMNIST AUC: for 2 classes the binary AUC of the class-1 score, else the macro
  // average of the one-vs-rest AUCs over the classes present in the labels.
  // NaN when undefined (fewer than two classes in the labels); see auc_defined.
  double auc = 0.0;
  bool auc_defined = false;  // false exactly when auc is NaN
  // Classes with no sample in the labels, ascending; left out of the macro AUC.
  std::vector<int> classes_absent;
  std::vector<std::vector<int64_t>> confusion;  // [K][K]: [true][predicted] counts
  // Per class; NaN where undefined: precision with no predictions of the class,
  // recall with no samples of it, F1 when either is NaN (0 when both are 0).
  std::vector<double> precision, recall, f1;

  int numClasses() const { return static_cast<int>(confusion.size()); }
};

// Metrics of `probabilities` [N, K] (floating, finite, each row summing to 1 — the
// softmax of the logits, not the logits) against `labels` [N] (or [N, 1]) of an
// integer type with values in [0, K); N >= 1, K >= 2, any device. Computed in
// double. Throws DataError naming the offending input.
ClassificationMetrics computeMetrics(const torch::Tensor& probabilities, const torch::Tensor& labels);

// One-vs-rest AUC of `scores` (N) for the positive set `positive` (N): the
// Mann–Whitney U with tied scores sharing their average rank, divided by
// n_pos·n_neg — sklearn's roc_auc_score. NaN when either set is empty.
double rankAuc(const std::vector<double>& scores, const std::vector<bool>& positive);

// JSON object {samples, accuracy, auc, auc_defined, auc_kind, classes,
// classes_absent, confusion, precision, recall, f1}; NaN is written as null.
// `class_names` has K entries, or is empty (names "0".."K-1"); else DataError.
nlohmann::json toJson(const ClassificationMetrics& metrics, const std::vector<std::string>& class_names);

// Inverse of toJson (null -> NaN); throws DataError naming the missing or bad key.
ClassificationMetrics metricsFromJson(const nlohmann::json& j);

// Markdown for report.md: a summary table (samples, accuracy, AUC), a per-class
// table (samples, precision, recall, F1; "—" where undefined) and the confusion
// matrix. `class_names` as for toJson.
std::string toMarkdown(const ClassificationMetrics& metrics, const std::vector<std::string>& class_names);

}  // namespace zd
