#include "app/cli_bench.h"

#include "core/bench/search_bench.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace zd {
namespace {

BenchOptions bench_options;
bool print_json = false;

void printTable(const nlohmann::json& j) {
  std::printf("ZO-DARTS++ search step benchmark (%s)\n", j["settings"].dump().c_str());
  std::printf("%-8s %12s %12s %12s %14s\n", "setting", "images/s", "ms/step", "GMAC/s", "GMAC/step");
  for (const char* name : {"phase1", "phase2", "sparse"}) {
    if (!j.contains(name)) continue;
    const auto& p = j[name];
    std::printf("%-8s %12.1f %12.1f %12.1f %14.3f\n", name, p["images_per_s"].get<double>(),
                p["ms_per_step"].get<double>(), p["gmac_per_s"].get<double>(), p["gmac_per_step"].get<double>());
  }
  if (j.contains("train")) {
    const auto& t = j["train"];
    std::printf("%-8s %12.1f %12.1f   (retraining, batch %d, %lld parameters)\n", "train",
                t["images_per_s"].get<double>(), t["ms_per_step"].get<double>(), t["batch"].get<int>(),
                static_cast<long long>(t["params"].get<int64_t>()));
  }
  std::printf("convolution ceiling: %.1f GMAC/s (the better of a measurement before and after)\n",
              j["roofline_gmac_per_s"].get<double>());
  for (const char* phase : {"phase1", "phase2"})
    if (j.contains(std::string(phase) + "_vs_roofline"))
      std::printf("%s reaches %.0f %% of the ceiling\n", phase,
                  100.0 * j[std::string(phase) + "_vs_roofline"].get<double>());
  if (j.contains("sparse_vs_phase2_time"))
    std::printf("sparse step time = %.0f %% of the dense phase-2 step\n", 100.0 * j["sparse_vs_phase2_time"].get<double>());
  std::printf("peak memory %.0f MiB\n", j["peak_rss_mib"].get<double>());
}

}  // namespace

CLI::App* addBenchCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "Time the search loop (phase 1, phase 2, sparse) and retraining on synthetic images");
  auto& o = bench_options;
  cmd->add_flag("--json", print_json, "Print JSON only");
  cmd->add_option("--channels", o.channels, "C, channels of stage 1")->capture_default_str();
  cmd->add_option("--cells", o.cells, "N, cells per stage")->capture_default_str()->check(CLI::Range(1, 8));
  cmd->add_option("--batch", o.batch, "Batch size")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--steps", o.steps, "Timed steps per setting (whole rounds of R)")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--only", o.only, "Time just one setting")->check(CLI::IsMember({"phase1", "phase2", "sparse", "train"}));
  cmd->add_option("--train-batch", o.train_batch, "Batch of the retraining benchmark")->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--warmup", o.warmup_steps, "Untimed steps first (-1 = one round of R steps)")->capture_default_str();
  cmd->add_option("--classes", o.classes, "Classes")->capture_default_str()->check(CLI::Range(2, 10000));
  cmd->add_option("--in-channels", o.in_channels, "Image channels (1 or 3)")->capture_default_str()
      ->check(CLI::IsMember({1, 3}));
  cmd->add_option("--image-size", o.image_size, "Synthetic image size")->capture_default_str();
  cmd->add_option("--resize", o.resize, "Resize to (0 = keep)")->capture_default_str();
  cmd->add_option("--memory-format", o.memory_format, "Activation layout: auto (channels_last on CPU), channels_last, contiguous")
      ->capture_default_str()->check(CLI::IsMember({"auto", "channels_last", "contiguous"}));
  cmd->add_option("--parallel-copies", o.parallel_copies,
                  "Train the network and its perturbed copy side by side: auto (CPU, >= 2 threads, batch <= 64), on, off")
      ->capture_default_str()->check(CLI::IsMember({"auto", "on", "off"}));
  cmd->add_flag("--no-skip", [](int64_t) { bench_options.skip_zero_ops = false; },
                "Compute every op, even with weight 0");
  cmd->add_option("--device", o.device, "auto | cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--threads", o.threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  return cmd;
}

int runBenchCommand() {
  const auto j = runSearchBench(bench_options);
  if (print_json) std::printf("%s\n", j.dump(2).c_str());
  else printTable(j);
  return 0;
}

}  // namespace zd
