#include "app/cli_evaluate.h"

#include "core/run/run_evaluate.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace zd {
namespace {

struct EvaluateCli {
  std::string run_dir;
  std::string device;
  int threads = -1;
  bool json = false;
} cli;

std::string percent(double v) {
  if (std::isnan(v)) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", 100.0 * v);
  return buf;
}

}  // namespace

CLI::App* addEvaluateCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("evaluate",
                                 "Evaluate a run's trained model on the test split (metrics.json, report.md)");
  cmd->add_option("RUN_DIR", cli.run_dir, "Run directory holding model.pt and model.json")->required();
  cmd->add_option("--device", cli.device, "auto | cpu | cuda | cuda:N (default: the run's)");
  cmd->add_option("--threads", cli.threads, "CPU threads, 0 = all cores (default: the run's)");
  cmd->add_flag("--json", cli.json, "Print metrics.json instead of the summary");
  return cmd;
}

int runEvaluateCommand() {
  const auto out = evaluateRun(cli.run_dir, cli.device, cli.threads, [](const std::string& line) {
    if (!cli.json) std::printf("%s\n", line.c_str());
  });
  if (cli.json) {
    std::printf("%s\n", toJson(out.metrics, out.card.class_names).dump(2).c_str());
    return 0;
  }
  const auto& m = out.metrics;
  const bool binary = m.numClasses() == 2;
  char auc[32] = "undefined";  // fewer than two classes in the test labels
  if (m.auc_defined) std::snprintf(auc, sizeof auc, "%.4f", m.auc);
  std::printf("test accuracy %s, %s %s on %lld images\n", percent(m.accuracy).c_str(),
              binary ? "AUC" : "macro AUC (one-vs-rest)", auc, static_cast<long long>(m.samples));
  for (int k = 0; k < m.numClasses(); ++k) {
    const std::string& name = k < static_cast<int>(out.card.class_names.size())
                                  ? out.card.class_names[static_cast<size_t>(k)]
                                  : std::to_string(k);
    std::printf("  %-20s precision %-8s recall %s\n", name.c_str(),
                percent(m.precision[static_cast<size_t>(k)]).c_str(),
                percent(m.recall[static_cast<size_t>(k)]).c_str());
  }
  std::printf("wrote %s and %s\n", out.metrics_path.string().c_str(), out.report_path.string().c_str());
  return 0;
}

}  // namespace zd
