#include "core/run/run_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace zd {
namespace {

std::string fixed(double v, int digits) {
  if (std::isnan(v)) return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Which epochs the curve table shows: evenly spaced, plus the best and the last.
std::set<size_t> shownRows(const std::vector<TrainEpochFinished>& curves, int max_rows) {
  std::set<size_t> rows;
  const size_t n = curves.size();
  if (n == 0) return rows;
  const size_t budget = static_cast<size_t>(std::max(2, max_rows)) - 1;
  const size_t stride = std::max<size_t>(1, (n + budget - 1) / budget);
  for (size_t i = 0; i < n; i += stride) rows.insert(i);
  rows.insert(n - 1);
  for (size_t i = 0; i < n; ++i)
    if (curves[i].epoch == curves.back().best_epoch) rows.insert(i);
  return rows;
}

}  // namespace

std::string runReportMarkdown(const RunReportInputs& in, int max_curve_rows) {
  const auto& c = in.card;
  const auto& t = in.config.train;
  std::string md = "# Run report\n\n";

  md += "## Data\n\n";
  md += "| | |\n|---|---|\n";
  md += "| source | `" + in.config.data.path + "` |\n";
  md += "| classes | " + std::to_string(c.network.classes) + " (";
  for (size_t i = 0; i < c.class_names.size(); ++i) md += (i ? ", " : "") + c.class_names[i];
  md += ") |\n";
  md += "| channels | " + std::to_string(c.network.in_channels) + " |\n";
  md += "| images | " + std::to_string(in.train_images) + " train, " + std::to_string(in.val_images) + " validation, " +
        std::to_string(in.test_images) + " test |\n";
  md += "| input | " + std::to_string(c.data_size) + "×" + std::to_string(c.data_size) + " loaded, " +
        std::to_string(c.input_size) + "×" + std::to_string(c.input_size) + " network input |\n";
  md += "| preprocessing | " + c.preprocessingText() + " |\n\n";

  md += "## Architecture\n\n";
  md += "C = " + std::to_string(c.network.channels) + ", " + std::to_string(in.params) + " parameters, derived by " +
        nameOf(t.derive) +
        (t.derive == TrainDerive::Sample ? " (seed " + std::to_string(t.derive_seed) + ")" : std::string()) +
        ".\n\n```\n" + c.genotype.toString() + "\n```\n\n";

  md += "## Settings\n\n";
  md += "Retraining (config key `train`):\n\n```json\n" + toJson(t).dump(2) + "\n```\n\n";

  md += "## Training\n\n";
  if (in.curves.empty()) {
    md += "No training curves recorded.\n\n";
  } else {
    double seconds = 0;
    for (const auto& e : in.curves) seconds += e.seconds;
    md += std::to_string(in.curves.size()) + " epochs in " + fixed(seconds, 0) + " s; weights of epoch " +
          std::to_string(c.best_epoch + 1) + " kept (best validation accuracy " + fixed(c.val_accuracy, 4) + ").\n\n";
    md += "| epoch | lr | train loss | train acc | val loss | val acc |\n|---:|---:|---:|---:|---:|---:|\n";
    for (size_t i : shownRows(in.curves, max_curve_rows)) {
      const auto& e = in.curves[i];
      md += "| " + std::to_string(e.epoch + 1) + (e.epoch == c.best_epoch ? " (best)" : "") + " | " + fixed(e.lr, 5) +
            " | " + fixed(e.train_loss, 4) + " | " + fixed(e.train_accuracy, 4) + " | " + fixed(e.val_loss, 4) + " | " +
            fixed(e.val_accuracy, 4) + " |\n";
    }
    md += "\n";
  }

  md += "## Test metrics\n\n";
  md += toMarkdown(in.metrics, c.class_names);
  if (md.back() != '\n') md += "\n";
  return md;
}

}  // namespace zd
