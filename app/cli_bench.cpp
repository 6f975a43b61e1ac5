#include "app/cli_bench.h"

#include "app/cli_enum_option.h"
#include "core/bench/budget_bench.h"
#include "core/bench/search_bench.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace zd {
namespace {

BenchOptions bench_options;
bool print_json = false;
CLI::App* budget_command = nullptr;
BudgetBenchOptions budget_options;

// The README demo's schedule (packaging/quickstart.sh demo) at C = 4, so that a
// grid of short searches fits in minutes.
BudgetBenchOptions demoScheduleDefaults() {
  BudgetBenchOptions o;
  auto& s = o.base.search;
  s.network.channels = 4;
  s.network.cells = 2;
  s.epochs = 8;
  s.switch_epoch = 3;
  s.batch = 64;
  s.arch.rounds = 2;
  s.arch.lr = 0.03;
  s.temperature.t0 = 0.5;
  s.temperature.decay = 0.5;
  s.temperature.every = 2;
  return o;
}

void addBudgetCommand(CLI::App& bench) {
  budget_options = demoScheduleDefaults();
  auto& o = budget_options;
  auto& s = o.base.search;
  budget_command = bench.add_subcommand(
      "budget", "Short budgeted searches (data x presets x seeds x variants): how often the argmax lands in the band");
  auto* cmd = budget_command;
  cmd->add_option("--data", o.data, ".npz files or image folders (default: the demo data)");
  cmd->add_option("--presets", o.presets, "Budget presets")
      ->capture_default_str()
      ->check(CLI::IsMember({"small", "medium", "large"}));
  cmd->add_option("--variants", o.variants, "Architecture-step variants")
      ->capture_default_str()
      ->check(CLI::IsMember(budgetBenchVariants()));
  cmd->add_option("--seeds", o.seeds, "Seeds 0..N-1")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--max-images", o.max_images, "Images per search half (0 = all)")->capture_default_str();
  cmd->add_option("--channels", s.network.channels, "C")->capture_default_str();
  cmd->add_option("--cells", s.network.cells, "N")->capture_default_str();
  cmd->add_option("--epochs", s.epochs, "Search epochs")->capture_default_str();
  cmd->add_option("--switch-epoch", s.switch_epoch, "Phase 2 from this epoch")->capture_default_str();
  cmd->add_option("--batch", s.batch, "Batch")->capture_default_str();
  cmd->add_option("--rounds", s.arch.rounds, "R")->capture_default_str();
  cmd->add_option("--arch-lr", s.arch.lr, "Architecture learning rate")->capture_default_str();
  cmd->add_option("--t0", s.temperature.t0, "T at epoch 0")->capture_default_str();
  cmd->add_option("--t-decay", s.temperature.decay, "T decay")->capture_default_str();
  cmd->add_option("--t-every", s.temperature.every, "T decays every this many epochs")->capture_default_str();
  cmd->add_option("--device", o.base.device, "auto | cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--threads", o.base.threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_flag("--json", print_json, "Print JSON only");
}

void printBudgetTable(const nlohmann::json& j) {
  std::printf("\nbudget benchmark: %d seed(s), %lld images per half, %s, %d thread(s)\n",
              j["settings"]["seeds"].get<int>(), static_cast<long long>(j["settings"]["max_images"].get<int64_t>()),
              j["settings"]["device"].get<std::string>().c_str(), j["settings"]["threads"].get<int>());
  std::printf("%-16s %5s %9s %9s %9s %10s %10s %10s %10s\n", "variant", "runs", "argmax in", "derived in", "arch acc",
              "acc argmax", "acc derived", "|dP| med", "|dP| p90");
  for (const auto& [name, v] : j["summary"].items())
    std::printf("%-16s %5d %8.0f%% %8.0f%% %9.3f %10.3f %11.3f %10.2f %10.2f\n", name.c_str(), v["runs"].get<int>(),
                100 * v["argmax_in_band_share"].get<double>(), 100 * v["derived_in_band_share"].get<double>(),
                v["arch_accuracy"].get<double>(), v["argmax_accuracy"].get<double>(),
                v["derived_accuracy"].get<double>(), v["count_step_median"].get<double>(),
                v["count_step_p90"].get<double>());
  std::printf("(|dP|: how far one phase-2 update moves the expected size, in band widths; acc: architecture half, "
              "supernet, and restricted to the argmax / in-band architecture)\n");
}

int runBudgetCommand() {
  auto o = budget_options;
  if (o.data.empty()) o.data = {"resources/demo/brain_regions_28.npz"};
  const auto j = runBudgetBench(o, [](const std::string& line) {
    if (!print_json) std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  });
  if (print_json) std::printf("%s\n", j.dump(2).c_str());
  else printBudgetTable(j);
  return 0;
}

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
    std::printf("sparse step time = %.0f %% of the dense phase-2 step\n",
                100.0 * j["sparse_vs_phase2_time"].get<double>());
  std::printf("peak memory %.0f MiB\n", j["peak_rss_mib"].get<double>());
  if (j.contains("gpu_name"))
    std::printf("GPU %s (%lld MiB): peak %.0f MiB held by LibTorch\n", j["gpu_name"].get<std::string>().c_str(),
                static_cast<long long>(j["gpu_memory_mib"].get<int64_t>()), j["peak_gpu_mem_mib"].get<double>());
}

}  // namespace

CLI::App* addBenchCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench",
                                 "Time the search loop (phase 1, phase 2, sparse) and retraining on synthetic images");
  auto& o = bench_options;
  cmd->add_flag("--json", print_json, "Print JSON only");
  cmd->add_option("--channels", o.channels, "C, channels of stage 1")->capture_default_str();
  cmd->add_option("--cells", o.cells, "N, cells per stage")->capture_default_str()->check(CLI::Range(1, 8));
  cmd->add_option("--batch", o.batch, "Batch size")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--steps", o.steps, "Timed steps per setting (whole rounds of R)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--only", o.only, "Time just one setting")
      ->check(CLI::IsMember({"phase1", "phase2", "sparse", "train"}));
  cmd->add_option("--train-batch", o.train_batch, "Batch of the retraining benchmark")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--warmup", o.warmup_steps, "Untimed steps first (-1 = one round of R steps)")->capture_default_str();
  cmd->add_option("--classes", o.classes, "Classes")->capture_default_str()->check(CLI::Range(2, 10000));
  cmd->add_option("--in-channels", o.in_channels, "Image channels (1 or 3)")
      ->capture_default_str()
      ->check(CLI::IsMember({1, 3}));
  cmd->add_option("--image-size", o.image_size, "Synthetic image size")->capture_default_str();
  cmd->add_option("--resize", o.resize, "Resize to (0 = keep)")->capture_default_str();
  takesEnumWords(cmd->add_option("--estimator", o.estimator,
                                 "Architecture step: zo (ZO-DARTS++), darts1 or darts2 (DARTS first / second order)"),
                 o.estimator);
  takesEnumWords(cmd->add_option("--memory-format", o.memory_format,
                                 "Activation layout: auto (channels_last on CPU), channels_last, contiguous"),
                 o.memory_format);
  takesEnumWords(cmd->add_option("--parallel-copies", o.parallel_copies,
                                 "Train the network and its perturbed copy side by side (CUDA: two streams): auto "
                                 "(CPU, >= 2 threads, batch <= 64), on, off"),
                 o.parallel_copies);
  cmd->add_flag(
      "--no-skip", [](int64_t) { bench_options.skip_zero_ops = false; }, "Compute every op, even with weight 0");
  takesEnumWords(cmd->add_option("--precision", o.precision, "Weight steps in fp32 or bf16 (CUDA autocast)"),
                 o.precision);
  cmd->add_flag(
      "--no-cudnn-benchmark", [](int64_t) { bench_options.cudnn_benchmark = false; },
      "CUDA: cuDNN's heuristic convolution algorithms instead of timing them");
  cmd->add_option("--device", o.device, "auto | cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--threads", o.threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  addBudgetCommand(*cmd);
  return cmd;
}

int runBenchCommand() {
  if (budget_command && budget_command->parsed()) return runBudgetCommand();
  const auto j = runSearchBench(bench_options);
  if (print_json) std::printf("%s\n", j.dump(2).c_str());
  else printTable(j);
  return 0;
}

}  // namespace zd
