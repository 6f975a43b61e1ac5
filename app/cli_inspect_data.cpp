#include "app/cli_inspect_data.h"

#include "core/data/dataset_loader.h"
#include "core/data/dataset_summary.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace zd {
namespace {

std::string inspect_path;
bool inspect_json = false;
ImageLoadOptions inspect_options;

}  // namespace

CLI::App* addInspectDataCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect-data", "Summarise a data set (.npz or image folder): classes, splits, "
                                                 "sizes, skipped files, leakage between splits");
  cmd->add_option("path", inspect_path, "The .npz file or image folder")->required();
  cmd->add_flag("--json", inspect_json, "Print JSON");
  cmd->add_option("--size", inspect_options.size, "Image size after loading (folders)")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--pad", inspect_options.pad, "Pad to a square instead of centre-cropping (folders)");
  cmd->add_option("--seed", inspect_options.seed, "Seed of the train/val/test split (folders)")->capture_default_str();
  return cmd;
}

int runInspectDataCommand() {
  LoadReport report;
  const Dataset data = loadDataset(inspect_path, inspect_options, &report);
  const auto summary = summarizeDataset(data, report);
  if (inspect_json) std::printf("%s\n", summary.dump(2).c_str());
  else std::printf("%s\n", formatSummary(summary).c_str());
  return 0;
}

}  // namespace zd
