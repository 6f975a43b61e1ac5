#include "app/cli_train.h"

#include "app/cli_enum_option.h"
#include "app/cli_progress.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_file.h"
#include "core/run/run_directory.h"
#include "core/run/run_train.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <functional>
#include <vector>

namespace zd {
namespace {

struct TrainCli {
  std::string run_dir;   // positional RUN_DIR
  std::string genotype;  // --genotype FILE.json
  std::string data;      // --data PATH
  std::string out;       // --out DIR
  bool resume = false;
  bool again = false;
  TrainOptions values;  // what the training flags parse into
  std::string device = "auto";
  int threads = 0;
  // Each given flag copies its value into the run's config.
  std::vector<std::pair<CLI::Option*, std::function<void(RunConfig&)>>> appliers;
  std::vector<CLI::Option*> run_flags;  // --device / --threads: allowed with --resume
} cli;

StopToken* g_stop = nullptr;

// Ctrl-C cancels cleanly: the trainer writes its checkpoint, then stops.
extern "C" void onTrainInterrupt(int) {
  if (g_stop) g_stop->cancel.store(true);
}

template <class T>
void trainFlag(CLI::App& cmd, const std::string& flag, T TrainOptions::*field, const std::string& help) {
  auto* opt = cmd.add_option(flag, cli.values.*field, help)->capture_default_str()->group("Training");
  if constexpr (std::is_enum_v<T>) takesEnumWords(opt, cli.values.*field);
  cli.appliers.emplace_back(opt, [field](RunConfig& c) { c.train.*field = cli.values.*field; });
}

void switchFlag(CLI::App& cmd, const std::string& flag, std::function<void(TrainOptions&)> set,
                const std::string& help) {
  auto* opt = cmd.add_flag(flag, help)->group("Training");
  cli.appliers.emplace_back(opt, [set](RunConfig& c) { set(c.train); });
}

Genotype readGenotype(const std::string& path) {
  const nlohmann::json j = readJsonFile(path);
  try {
    return Genotype::fromJson(j);
  } catch (const ConfigError& e) {
    throw ConfigError(path + ": " + e.what());
  }
}

void applyRunFlags(RunConfig& config) {
  if (cli.run_flags[0]->count()) config.device = cli.device;
  if (cli.run_flags[1]->count()) config.threads = cli.threads;
}

// The run directory and its config, with the flags given applied.
std::pair<std::string, RunConfig> resolve() {
  const bool by_file = !cli.genotype.empty() || !cli.data.empty() || !cli.out.empty();
  if (!cli.run_dir.empty() && by_file)
    throw ConfigError("give either RUN_DIR or --genotype FILE --data PATH --out DIR, not both");
  RunConfig config;
  std::string dir = cli.run_dir;
  if (!cli.run_dir.empty()) {
    config = RunDirectory::open(cli.run_dir).readConfig();
  } else {
    if (cli.genotype.empty() || cli.data.empty() || cli.out.empty())
      throw ConfigError("train needs RUN_DIR, or all of --genotype FILE.json --data PATH --out DIR");
    if (cli.resume) throw ConfigError("--resume continues a run: give its RUN_DIR instead of --genotype/--data/--out");
    config.data.path = cli.data;
    config.out = cli.out;
    dir = cli.out;
  }
  for (const auto& [opt, apply] : cli.appliers) {
    if (!opt->count()) continue;
    if (cli.resume)
      throw ConfigError(opt->get_name() +
                        ": a resumed training keeps its settings (only --device and --threads may change)");
    apply(config);
  }
  applyRunFlags(config);
  validate(config);
  if (!cli.run_dir.empty()) return {dir, config};
  if (config.train.derive != TrainDerive::Argmax)
    throw ConfigError("--derive sample needs a search's final distributions: train a RUN_DIR instead of --genotype");
  createTrainRun(config, readGenotype(cli.genotype));
  return {dir, config};
}

}  // namespace

CLI::App* addTrainCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("train",
                                 "Retrain the searched architecture (ALGORITHM.md §7) and keep the best epoch");
  cmd->add_option("RUN_DIR", cli.run_dir, "Run directory of a search (its config.json and genotype.json)");
  cmd->add_option("--genotype", cli.genotype, "Genotype file (genotype.json of a search) to train instead of a run")
      ->group("Without a run");
  cmd->add_option("--data", cli.data, "Data set for --genotype (.npz or image folder)")->group("Without a run");
  cmd->add_option("--out", cli.out, "New run directory for --genotype")->group("Without a run");
  cmd->add_flag("--resume", cli.resume, "Continue the interrupted training of RUN_DIR from its checkpoint");
  cmd->add_flag("--again", cli.again,
                "Start over although RUN_DIR was retrained before: its earlier model, checkpoint, curves and "
                "metrics move to RUN_DIR/retrain-archive/TIME/")
      ->excludes("--resume");
  cli.run_flags.push_back(cmd->add_option("--device", cli.device, "auto | cpu | cuda | cuda:N")->capture_default_str());
  cli.run_flags.push_back(
      cmd->add_option("--threads", cli.threads, "CPU threads (0 = all cores)")->capture_default_str());

  trainFlag(*cmd, "--epochs", &TrainOptions::epochs, "Training epochs");
  trainFlag(*cmd, "--batch", &TrainOptions::batch, "Batch size");
  trainFlag(*cmd, "--channels", &TrainOptions::channels, "C, channels of stage 1 (0 = the search's width)");
  trainFlag(*cmd, "--lr", &TrainOptions::lr, "Peak learning rate (SGD)");
  trainFlag(*cmd, "--lr-min", &TrainOptions::lr_min, "Learning rate the cosine ends at");
  trainFlag(*cmd, "--momentum", &TrainOptions::momentum, "SGD momentum");
  switchFlag(
      *cmd, "--nesterov", [](TrainOptions& t) { t.nesterov = true; }, "Nesterov momentum");
  trainFlag(*cmd, "--weight-decay", &TrainOptions::weight_decay, "Weight decay");
  trainFlag(*cmd, "--grad-clip", &TrainOptions::grad_clip, "Gradient-norm clip (0 = off)");
  trainFlag(*cmd, "--warmup-epochs", &TrainOptions::warmup_epochs, "Linear warm-up epochs");
  trainFlag(*cmd, "--warmup-start", &TrainOptions::warmup_start, "Warm-up starts at this fraction of the lr");
  trainFlag(*cmd, "--label-smoothing", &TrainOptions::label_smoothing, "Label smoothing ε");
  switchFlag(
      *cmd, "--no-mix", [](TrainOptions& t) { t.mixing = false; }, "No mixup / CutMix");
  trainFlag(*cmd, "--mix-prob", &TrainOptions::mix_prob, "Probability that a batch is mixed");
  trainFlag(*cmd, "--cutmix-prob", &TrainOptions::cutmix_prob, "Share of mixed batches that use CutMix (else mixup)");
  trainFlag(*cmd, "--mixup-alpha", &TrainOptions::mixup_alpha, "Mixup Beta(α, α)");
  trainFlag(*cmd, "--cutmix-alpha", &TrainOptions::cutmix_alpha, "CutMix Beta(α, α)");
  auto* resize = cmd->add_option("--resize", cli.values.augment.resize, "Network input side (0 = keep)")
                     ->capture_default_str()
                     ->group("Training");
  cli.appliers.emplace_back(resize, [](RunConfig& c) { c.train.augment.resize = cli.values.augment.resize; });
  auto* pad = cmd->add_option("--crop-padding", cli.values.augment.crop_padding, "Random-crop padding")
                  ->capture_default_str()
                  ->group("Training");
  cli.appliers.emplace_back(pad, [](RunConfig& c) { c.train.augment.crop_padding = cli.values.augment.crop_padding; });
  switchFlag(
      *cmd, "--no-flip", [](TrainOptions& t) { t.augment.flip = false; }, "No random horizontal flip");
  trainFlag(*cmd, "--derive", &TrainOptions::derive,
            "argmax (the search's genotype) or sample (from its final distributions)");
  trainFlag(*cmd, "--derive-seed", &TrainOptions::derive_seed, "Seed of --derive sample");
  trainFlag(*cmd, "--seed", &TrainOptions::seed, "Seed of initialisation, batch order, augmentation, mixing");
  trainFlag(*cmd, "--checkpoint-every", &TrainOptions::checkpoint_every, "Epochs between checkpoints (0 = never)");
  return cmd;
}

int runTrainCommand() {
  const auto [dir, config] = resolve();
  StopToken stop;
  g_stop = &stop;
  std::signal(SIGINT, onTrainInterrupt);
  std::signal(SIGTERM, onTrainInterrupt);
  if (cli.again) {
    const auto archive = archivePreviousTraining(dir);
    if (!archive.empty()) std::printf("earlier training moved to %s\n", archive.string().c_str());
  }
  ProgressPrinter printer;
  const auto outcome = runTraining(dir, config, printer, stop, cli.resume, [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  });
  g_stop = nullptr;
  if (outcome.result.cancelled) {
    std::printf("resume with: zodarts train --resume %s\n", dir.c_str());
    return 130;
  }
  std::printf("evaluate with: zodarts evaluate %s\n", dir.c_str());
  return 0;
}

}  // namespace zd
