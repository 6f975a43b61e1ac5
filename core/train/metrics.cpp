#include "core/train/metrics.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <iomanip>
#include <limits>
#include <numeric>
#include <sstream>

namespace zd {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// How far a row of `probabilities` may sum from 1: float softmax rounding over a
// few dozen classes stays orders of magnitude below; logits almost never pass.
constexpr double kRowSumTolerance = 1e-3;

std::string shapeOf(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

[[noreturn]] void badInput(const std::string& problem) { throw DataError("computeMetrics: " + problem); }

// p / q, NaN when q is 0 (the metric is undefined, not zero).
double ratio(int64_t p, int64_t q) { return q == 0 ? kNaN : static_cast<double>(p) / static_cast<double>(q); }

nlohmann::json orNull(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

nlohmann::json orNull(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (double x : v) a.push_back(orNull(x));
  return a;
}

std::vector<std::string> namesFor(const ClassificationMetrics& m, const std::vector<std::string>& names) {
  const int k = m.numClasses();
  if (names.empty()) {
    std::vector<std::string> out;
    for (int c = 0; c < k; ++c) out.push_back(std::to_string(c));
    return out;
  }
  if (static_cast<int>(names.size()) != k)
    throw DataError("metrics: " + std::to_string(names.size()) + " class names given for " + std::to_string(k) +
                    " classes");
  return names;
}

// --- JSON reading
[[noreturn]] void badKey(const std::string& key, const std::string& what) {
  throw DataError("metrics JSON: key '" + key + "' " + what);
}

const nlohmann::json& need(const nlohmann::json& j, const std::string& key) {
  if (!j.contains(key)) badKey(key, "missing");
  return j.at(key);
}

double numberOrNull(const nlohmann::json& v, const std::string& key) {
  if (v.is_null()) return kNaN;
  if (!v.is_number()) badKey(key, "must be a number or null");
  return v.get<double>();
}

std::vector<double> perClass(const nlohmann::json& j, const std::string& key, int k) {
  const nlohmann::json& a = need(j, key);
  if (!a.is_array() || static_cast<int>(a.size()) != k)
    badKey(key, "must be an array of " + std::to_string(k) + " numbers or nulls");
  std::vector<double> out;
  for (const auto& v : a) out.push_back(numberOrNull(v, key));
  return out;
}

// --- Markdown
std::string cell(const std::string& text) {  // a table cell: '|' would end it
  std::string out;
  for (char ch : text) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
  return out;
}

std::string fixed(double v, int digits) {
  if (std::isnan(v)) return "—";
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

}  // namespace

double rankAuc(const std::vector<double>& scores, const std::vector<bool>& positive) {
  const size_t n = scores.size();
  if (positive.size() != n) throw DataError("rankAuc: scores and positive differ in length");
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Twice the rank sum R of the positives, in integers: a tie group at 1-based
  // ranks a..b gives each member (a+b)/2, so 2R is exact. U = R − n⁺(n⁺+1)/2 and
  // AUC = U / (n⁺·n⁻) = (2R − n⁺(n⁺+1)) / (2·n⁺·n⁻).
  int64_t twice_rank_sum = 0, n_pos = 0;
  for (size_t a = 0; a < n;) {
    size_t b = a;
    while (b + 1 < n && scores[order[b + 1]] == scores[order[a]]) ++b;
    const int64_t twice_rank = static_cast<int64_t>(a + 1 + b + 1);
    for (size_t i = a; i <= b; ++i)
      if (positive[order[i]]) {
        twice_rank_sum += twice_rank;
        ++n_pos;
      }
    a = b + 1;
  }
  const int64_t n_neg = static_cast<int64_t>(n) - n_pos;
  if (n_pos == 0 || n_neg == 0) return kNaN;
  return static_cast<double>(twice_rank_sum - n_pos * (n_pos + 1)) /
         (2.0 * static_cast<double>(n_pos) * static_cast<double>(n_neg));
}

ClassificationMetrics computeMetrics(const torch::Tensor& probabilities, const torch::Tensor& labels) {
  if (!probabilities.defined()) badInput("probabilities are undefined");
  if (!labels.defined()) badInput("labels are undefined");
  if (probabilities.dim() != 2) badInput("probabilities must be [N, K], got " + shapeOf(probabilities));
  if (!probabilities.is_floating_point())
    badInput("probabilities must be floating point, got " + std::string(c10::toString(probabilities.scalar_type())));
  const int64_t n = probabilities.size(0), k = probabilities.size(1);
  if (n < 1) badInput("no samples (probabilities " + shapeOf(probabilities) + ")");
  if (k < 2) badInput("need at least 2 classes, probabilities are " + shapeOf(probabilities));
  const bool column = labels.dim() == 2 && labels.size(1) == 1;  // MedMNIST stores [N, 1]
  if (!(labels.dim() == 1 || column) || labels.size(0) != n)
    badInput("labels must be [" + std::to_string(n) + "] to match probabilities " + shapeOf(probabilities) + ", got " +
             shapeOf(labels));
  if (!c10::isIntegralType(labels.scalar_type(), /*includeBool=*/false))
    badInput("labels must be integer class indices, got " + std::string(c10::toString(labels.scalar_type())));

  torch::NoGradGuard no_grad;
  const torch::Tensor p = probabilities.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const torch::Tensor y = labels.detach().reshape({n}).to(torch::kCPU, torch::kLong).contiguous();
  const auto pa = p.accessor<double, 2>();
  const auto ya = y.accessor<int64_t, 1>();
  for (int64_t i = 0; i < n; ++i) {
    if (ya[i] < 0 || ya[i] >= k)
      badInput("sample " + std::to_string(i) + ": label " + std::to_string(ya[i]) + " is outside [0, " +
               std::to_string(k) + ")");
    double sum = 0.0;
    for (int64_t c = 0; c < k; ++c) {
      if (!std::isfinite(pa[i][c]))
        badInput("sample " + std::to_string(i) + ": probability of class " + std::to_string(c) + " is not finite");
      sum += pa[i][c];
    }
    if (std::abs(sum - 1.0) > kRowSumTolerance)
      badInput("sample " + std::to_string(i) + ": probabilities sum to " + std::to_string(sum) +
               ", not 1 — pass softmax probabilities, not logits");
  }

  ClassificationMetrics m;
  m.samples = n;
  m.confusion.assign(k, std::vector<int64_t>(k, 0));
  int64_t correct = 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t predicted = 0;  // argmax; strict '>' keeps the lower index on ties
    for (int64_t c = 1; c < k; ++c)
      if (pa[i][c] > pa[i][predicted]) predicted = c;
    ++m.confusion[ya[i]][predicted];
    if (predicted == ya[i]) ++correct;
  }
  m.accuracy = static_cast<double>(correct) / static_cast<double>(n);

  for (int64_t c = 0; c < k; ++c) {
    int64_t support = 0, predicted = 0;
    for (int64_t r = 0; r < k; ++r) {
      support += m.confusion[c][r];
      predicted += m.confusion[r][c];
    }
    if (support == 0) m.classes_absent.push_back(static_cast<int>(c));
    const double prec = ratio(m.confusion[c][c], predicted), rec = ratio(m.confusion[c][c], support);
    m.precision.push_back(prec);
    m.recall.push_back(rec);
    m.f1.push_back(std::isnan(prec) || std::isnan(rec) ? kNaN
                   : prec + rec == 0.0                 ? 0.0
                                                       : 2.0 * prec * rec / (prec + rec));
  }

  // MedMNIST AUC: binary -> the class-1 score against label 1; otherwise the mean
  // of each present class's one-vs-rest AUC on its own probability column.
  const auto columnAuc = [&](int64_t c) {
    std::vector<double> scores(n);
    std::vector<bool> positive(n);
    for (int64_t i = 0; i < n; ++i) {
      scores[i] = pa[i][c];
      positive[i] = ya[i] == c;
    }
    return rankAuc(scores, positive);
  };
  if (k == 2) {
    m.auc = columnAuc(1);
  } else {
    double sum = 0.0;
    int present = 0;
    for (int64_t c = 0; c < k; ++c) {
      const double a = columnAuc(c);  // NaN for an absent class, or when it is the only one
      if (std::isnan(a)) continue;
      sum += a;
      ++present;
    }
    m.auc = present == 0 ? kNaN : sum / present;
  }
  m.auc_defined = !std::isnan(m.auc);
  return m;
}

nlohmann::json toJson(const ClassificationMetrics& m, const std::vector<std::string>& class_names) {
  nlohmann::json j;
  j["samples"] = m.samples;
  j["accuracy"] = m.accuracy;
  j["auc"] = orNull(m.auc);
  j["auc_defined"] = m.auc_defined;
  j["auc_kind"] = m.numClasses() == 2 ? "binary" : "macro_ovr";
  j["classes"] = namesFor(m, class_names);
  j["classes_absent"] = m.classes_absent;
  j["confusion"] = m.confusion;
  j["precision"] = orNull(m.precision);
  j["recall"] = orNull(m.recall);
  j["f1"] = orNull(m.f1);
  return j;
}

ClassificationMetrics metricsFromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw DataError("metrics JSON: must be an object");
  ClassificationMetrics m;
  try {
    const nlohmann::json& confusion = need(j, "confusion");
    if (!confusion.is_array() || confusion.size() < 2) badKey("confusion", "must be a K×K array, K >= 2");
    for (const auto& row : confusion) {
      if (!row.is_array() || row.size() != confusion.size()) badKey("confusion", "must be a K×K array");
      m.confusion.push_back(row.get<std::vector<int64_t>>());
    }
    const int k = m.numClasses();
    m.samples = need(j, "samples").get<int64_t>();
    m.accuracy = need(j, "accuracy").get<double>();
    m.auc = numberOrNull(need(j, "auc"), "auc");
    m.auc_defined = need(j, "auc_defined").get<bool>();
    m.classes_absent = need(j, "classes_absent").get<std::vector<int>>();
    m.precision = perClass(j, "precision", k);
    m.recall = perClass(j, "recall", k);
    m.f1 = perClass(j, "f1", k);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(std::string("metrics JSON: ") + e.what());
  }
  return m;
}

std::string toMarkdown(const ClassificationMetrics& m, const std::vector<std::string>& class_names) {
  const std::vector<std::string> names = namesFor(m, class_names);
  const int k = m.numClasses();
  std::ostringstream md;
  const std::string auc_label = k == 2 ? "AUC (binary, class " + cell(names[1]) + ")" : "AUC (macro one-vs-rest)";
  md << "| Metric | Value |\n|---|---:|\n";
  md << "| Test samples | " << m.samples << " |\n";
  md << "| Accuracy | " << fixed(100.0 * m.accuracy, 2) << " % |\n";
  md << "| " << auc_label << " | "
     << (m.auc_defined ? fixed(m.auc, 4) : std::string("undefined (fewer than two classes in the test labels)"))
     << " |\n";
  if (!m.classes_absent.empty()) {
    md << "\nClasses absent from the test labels" << (k == 2 ? "" : " (left out of the macro AUC)") << ":";
    for (size_t i = 0; i < m.classes_absent.size(); ++i) md << (i ? ", " : " ") << cell(names[m.classes_absent[i]]);
    md << "\n";
  }

  md << "\n| Class | Samples | Precision | Recall | F1 |\n|---|---:|---:|---:|---:|\n";
  for (int c = 0; c < k; ++c) {
    const int64_t support = std::accumulate(m.confusion[c].begin(), m.confusion[c].end(), int64_t(0));
    md << "| " << cell(names[c]) << " | " << support << " | " << fixed(m.precision[c], 4) << " | "
       << fixed(m.recall[c], 4) << " | " << fixed(m.f1[c], 4) << " |\n";
  }

  md << "\nConfusion matrix (rows: true class, columns: predicted class)\n\n| true \\ predicted |";
  for (int c = 0; c < k; ++c) md << " " << cell(names[c]) << " |";
  md << "\n|---|";
  for (int c = 0; c < k; ++c) md << "---:|";
  md << "\n";
  for (int r = 0; r < k; ++r) {
    md << "| " << cell(names[r]) << " |";
    for (int c = 0; c < k; ++c) md << " " << m.confusion[r][c] << " |";
    md << "\n";
  }
  return md.str();
}

}  // namespace zd
