#include "app/cli_inspect_data.h"

#include "core/bench/data_bench.h"
#include "core/common/error.h"
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
bool no_cache = false;
std::string cache_dir;
bool bench = false;
DataBenchOptions bench_options;

void printBench(const nlohmann::json& j) {
  std::printf("data benchmark: %lld images (%s), %lld decoding threads, output %d×%d\n",
              static_cast<long long>(j["images"].get<int64_t>()), j["settings"]["path"].get<std::string>().c_str(),
              static_cast<long long>(j["threads"].get<int64_t>()), inspect_options.size, inspect_options.size);
  std::printf("decode     %10.1f images/s  (%.2f s)\n", j["decode"]["images_per_s"].get<double>(),
              j["decode"]["seconds"].get<double>());
  std::printf("cache hit  %10.1f images/s  (%.3f s; writing the entry took %.2f s, %.1f MiB)\n",
              j["cache_hit"]["images_per_s"].get<double>(), j["cache_hit"]["seconds"].get<double>(),
              j["cache_write_seconds"].get<double>(), j["cache_bytes"].get<double>() / (1024.0 * 1024.0));
}

}  // namespace

CLI::App* addInspectDataCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect-data", "Summarise a data set (.npz, image folder or .csv manifest): "
                                                 "classes, splits, sizes, skipped files, leakage between splits");
  cmd->add_option("path", inspect_path, "The .npz file, image folder or .csv manifest (path,label[,split])");
  cmd->add_flag("--json", inspect_json, "Print JSON");
  auto& o = inspect_options;
  cmd->add_option("--size,--image-size", o.size, "Image size after loading (folders, manifests)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--pad", o.pad, "Pad to a square instead of centre-cropping");
  cmd->add_option("--train-fraction", o.train, "Train share when not pre-split")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--val-fraction", o.val, "Val share when not pre-split")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--test-fraction", o.test, "Test share when not pre-split")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed,--split-seed", o.seed, "Seed of the train/val/test split")->capture_default_str();
  cmd->add_option("--max-pixels", o.max_pixels, "Images with more pixels are skipped unread")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--decode-threads", o.threads, "Decoding threads (0 = all cores)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--all-frames", o.all_frames, "Every frame of multi-frame DICOM files (default: the middle one)");
  cmd->add_flag("--no-cache", no_cache, "Decode again instead of reading the decoded-set cache");
  cmd->add_option("--cache-dir", cache_dir,
                  "Decoded-set cache folder (default: $ZODARTS_CACHE_DIR, "
                  "$XDG_CACHE_HOME/zodarts or ~/.cache/zodarts)");
  cmd->add_flag("--bench", bench,
                "Time decoding and cache hits (images/s) instead; without a path, "
                "on generated PNGs");
  cmd->add_option("--bench-images", bench_options.images, "PNGs generated for --bench without a path")
      ->capture_default_str()
      ->check(CLI::Range(2, 10'000'000));
  cmd->add_option("--bench-source-size", bench_options.source_size, "Side of the generated PNGs")
      ->capture_default_str()
      ->check(CLI::Range(1, 16384));
  return cmd;
}

int runInspectDataCommand() {
  if (bench) {
    bench_options.path = inspect_path;
    bench_options.load = inspect_options;
    const auto j = runDataBench(bench_options);
    if (inspect_json) std::printf("%s\n", j.dump(2).c_str());
    else printBench(j);
    return 0;
  }
  if (inspect_path.empty()) throw ConfigError("inspect-data: give the data set PATH (or use --bench)");
  LoadReport report;
  const Dataset data = loadDataset(inspect_path, inspect_options, &report, cacheDirFor(!no_cache, cache_dir));
  const auto summary = summarizeDataset(data, report);
  if (inspect_json) std::printf("%s\n", summary.dump(2).c_str());
  else std::printf("%s\n", formatSummary(summary).c_str());
  return 0;
}

}  // namespace zd
