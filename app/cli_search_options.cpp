#include "app/cli_search_options.h"

#include "core/common/atomic_file.h"
#include "app/cli_enum_option.h"
#include "core/common/error.h"
#include "core/common/json_fields.h"
#include "core/run/run_directory.h"
#include "core/search/budget_words.h"
#include "core/search/search_method.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <optional>
#include <set>

namespace zd {
namespace {

using nlohmann::json;

// Registers flags one group at a time and records which config keys each one sets,
// so the precedence step knows what a given flag overrides.
class FlagAdder {
 public:
  FlagAdder(CLI::App& cmd, SearchCli& cli) : cmd_(cmd), cli_(cli) {}

  void group(std::string name) { group_ = std::move(name); }

  // A valued flag bound to a config field; --help shows the field's current value.
  template <class T>
  CLI::Option* option(const std::string& flag, T& field, const std::string& key, const std::string& help) {
    cli_.flag_keys[flag] = {key};
    auto* option = cmd_.add_option(flag, field, help)->capture_default_str()->group(group_);
    if constexpr (std::is_enum_v<T>) takesEnumWords(option, field);
    return option;
  }

  // A switch that turns a setting away from its default (--no-flip, --softmax).
  CLI::Option* change(const std::string& flag, std::function<void()> apply, const std::string& key,
                      const std::string& help) {
    cli_.flag_keys[flag] = {key};
    return cmd_.add_flag_callback(flag, std::move(apply), help)->group(group_);
  }

 private:
  CLI::App& cmd_;
  SearchCli& cli_;
  std::string group_;
};

// Sets `key` (dotted) in `doc`, making missing groups. A group that is there but not
// an object is left alone, so validation reports the file's real mistake instead of
// a flag silently covering it.
void overlay(json& doc, const std::string& key, const json& value) {
  json* node = &doc;
  std::size_t start = 0;
  for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
    const std::string part = key.substr(start, dot - start);
    start = dot + 1;
    auto it = node->find(part);
    if (it == node->end()) node = &((*node)[part] = json::object());
    else if (it->is_object()) node = &*it;
    else return;
  }
  (*node)[key.substr(start)] = value;
}

// Sets in `doc` the switches `method` stands for, except those `keep` says stay.
void overlayMethodSwitches(json& doc, Method method, const std::function<bool(const std::string&)>& keep) {
  RunConfig with_method;
  applyMethod(method, with_method.search);
  const json method_doc = toJson(with_method);
  for (const auto& key : methodSwitchKeys())
    if (!keep(key)) overlay(doc, key, method_doc.at(jsonPointer(key)));
}

json readConfigFile(const std::string& file) {
  json doc;
  try {
    doc = json::parse(readFile(file));
  } catch (const json::parse_error& e) {
    throw ConfigError(file + ": not valid JSON (error near byte " + std::to_string(e.byte) + ")");
  }
  if (!doc.is_object()) throw ConfigError(file + ": the configuration must be a JSON object ({...})");
  return doc;
}

}  // namespace

void addSearchFlags(CLI::App& cmd, SearchCli& cli) {
  cli.defaults = cli.config;
  cli.budget = nameOf(cli.config.search.budget.preset);
  RunConfig& c = cli.config;
  SearchOptions& s = c.search;
  FlagAdder add(cmd, cli);

  add.group("Data and run");
  add.option("--data", c.data.path, "data.path",
             "the data set: .npz (MedMNIST layout), image folder (one sub-folder per class) "
             "or .csv manifest (path,label[,split])")
      ->type_name("PATH");
  add.option("--out", c.out, "out", "folder for this run's files (settings, events, checkpoint, results)")
      ->type_name("RUN_DIR");
  cmd.add_option("--config", cli.config_file,
                 "JSON file of settings (as in a run's config.json; may be partial); "
                 "flags given here override it")
      ->type_name("FILE.json")
      ->group("Data and run");
  cmd.add_option("--resume", cli.resume,
                 "continue the run in this folder from its last checkpoint, with its "
                 "config.json; flags given here override it")
      ->type_name("RUN_DIR")
      ->group("Data and run");
  add.option("--arch-fraction", c.data.arch_fraction, "data.arch_fraction",
             "share of the training images that trains the architecture");
  add.option("--device", c.device, "device", "auto, cpu, cuda or cuda:N");
  add.change(
      "--no-cudnn-benchmark", [&c] { c.cudnn_benchmark = false; }, "cudnn_benchmark",
      "CUDA: use cuDNN's heuristic convolution algorithms instead of timing them on the first batches");
  add.option("--threads", c.threads, "threads",
             "CPU threads for LibTorch (0 = all cores); idle threads spin briefly, then sleep "
             "(GOMP_SPINCOUNT=10000 unless OMP_WAIT_POLICY or GOMP_SPINCOUNT is set)");
  add.option("--seed", s.seed, "search.seed", "random seed");
  add.option("--checkpoint-every", s.checkpoint_every, "search.checkpoint_every",
             "epochs between checkpoints (0 = never)");

  add.group("Images (folders, CSV manifests, DICOM)");
  ImageLoadOptions& img = c.data.images;
  add.option("--image-size", img.size, "data.images.size", "side of the square images after loading");
  add.change(
      "--pad", [&img] { img.pad = true; }, "data.images.pad", "zero-pad images to a square instead of centre-cropping");
  add.option("--train-fraction", img.train, "data.images.train", "train share of a set that is not pre-split");
  add.option("--val-fraction", img.val, "data.images.val", "val share of a set that is not pre-split");
  add.option("--test-fraction", img.test, "data.images.test",
             "test share of a set that is not pre-split (never seen by the search)");
  add.option("--split-seed", img.seed, "data.images.seed", "seed of the stratified train/val/test split");
  add.option("--max-pixels", img.max_pixels, "data.images.max_pixels",
             "images with more pixels (width x height) are skipped unread");
  add.option("--decode-threads", img.threads, "data.images.threads", "decoding threads (0 = all cores)");
  add.change(
      "--all-frames", [&img] { img.all_frames = true; }, "data.images.all_frames",
      "every frame of a multi-frame DICOM file (default: its middle frame)");
  add.change(
      "--no-cache", [&c] { c.data.cache = false; }, "data.cache",
      "decode the images again instead of reading the decoded-set cache");
  add.option("--cache-dir", c.data.cache_dir, "data.cache_dir",
             "decoded-set cache folder (default: $ZODARTS_CACHE_DIR, $XDG_CACHE_HOME/zodarts or "
             "~/.cache/zodarts)")
      ->type_name("DIR");

  add.group("Search");
  add.option("--method", cli.method, "search.method",
             "zo-darts++ (the paper's), zo-darts+ (fixed size), zo-darts (softmax, no annealing, fixed size), "
             "darts-v1 or darts-v2 (DARTS first / second order): sets --estimator, --softmax, --no-anneal and "
             "--no-size-search; custom for other combinations (default: named after those switches)");
  add.option("--epochs", s.epochs, "search.epochs", "search epochs");
  add.option("--switch-epoch", s.switch_epoch, "search.switch_epoch",
             "E_s: epoch where phase 2 (kernel and depth search, budget) starts");
  add.option("--channels", s.network.channels, "search.network.channels", "C: channels of the first stage");
  add.option("--cells", s.network.cells, "search.network.cells", "N: cells per stage (1-8)");
  add.option("--batch", s.batch, "search.batch", "images per batch");
  add.change(
      "--softmax", [&s] { s.distribution = Distribution::Softmax; }, "search.distribution",
      "softmax instead of sparsemax (ZO-DARTS baseline)");
  add.change(
      "--no-size-search", [&s] { s.size_search = false; }, "search.size_search",
      "never enter phase 2 (ZO-DARTS+ baseline)");
  add.change(
      "--no-skip", [&s] { s.skip_zero_ops = false; }, "search.skip_zero_ops",
      "compute ops whose weight is exactly 0 (slower, same result)");
  add.option("--parallel-copies", s.parallel_copies, "search.parallel_copies",
             "train the network and its perturbed copy side by side (half the threads each; on CUDA, two "
             "streams): auto (CPU, >= 2 threads, batch <= 64), on, off");
  add.option("--precision", s.precision, "search.precision",
             "weight steps in fp32, or bf16 (autocast on CUDA; changes the numbers, so the result may differ)");

  add.group("Temperature");
  add.option("--t0", s.temperature.t0, "search.temperature.t0", "T at epoch 0");
  add.option("--t-decay", s.temperature.decay, "search.temperature.decay", "T is multiplied by this ...");
  add.option("--t-every", s.temperature.every, "search.temperature.every",
             "... at the start of every this many epochs");
  add.change(
      "--no-anneal", [&s] { s.temperature.anneal = false; }, "search.temperature.anneal", "keep T = t0 throughout");

  add.group("Optimisers");
  add.option("--lr", s.weights.lr, "search.weights.lr", "weight learning rate at epoch 0");
  add.option("--lr-min", s.weights.lr_min, "search.weights.lr_min", "weight learning rate at the last epoch (cosine)");
  add.option("--arch-lr", s.arch.lr, "search.arch.lr", "architecture (Adam) learning rate");
  add.option("--rounds", s.arch.rounds, "search.arch.rounds", "R: weight steps per architecture update");
  add.option("--mu-scale", s.arch.mu_scale, "search.arch.mu_scale", "perturbation size: mu = mu-scale x |alpha|");
  add.option("--estimator", s.arch.estimator, "search.arch.estimator",
             "zo (zeroth order), darts1 or darts2 (DARTS first / second order baselines)");
  add.option("--unrolled-eps", s.arch.unrolled_eps, "search.arch.unrolled_eps",
             "darts2's finite-difference step: eps = unrolled-eps / |grad_w' L_val|");
  add.option("--perturbed-momentum", s.arch.perturbed_momentum, "search.arch.perturbed_momentum",
             "the perturbed copy's SGD momentum each round: copy (the network's) or fresh (the reference's)");
  add.option("--penalty-gradient", s.arch.penalty_gradient, "search.arch.penalty_gradient",
             "budget penalty gradient: full (exact, added in full) or projected on u (the reference's)");
  add.option("--penalty-path", s.arch.penalty_path, "search.arch.penalty_path",
             "the penalty gradient through sparsemax (exact, zero once one-hot) or softmax (never vanishes)");
  add.option("--direct-gradient", s.arch.direct_gradient, "search.arch.direct_gradient",
             "direct gradient g_A: projected on u (the paper's) or full (only g_w.v is estimated along u)");
  add.option("--max-count-step", s.arch.max_count_step, "search.arch.max_count_step",
             "cap on how far one architecture update moves the expected size, as a share of the band's "
             "width (0 = none)");
  add.change(
      "--reset-adam-at-switch", [&s] { s.arch.reset_adam_at_switch = true; }, "search.arch.reset_adam_at_switch",
      "restart the architecture optimiser's moments at phase 2");

  add.group("Parameter budget");
  add.option("--budget", cli.budget, "search.budget.preset",
             "none, small, medium, large, or MIN:MAX parameters (e.g. 200k:1.5M)")
      ->type_name("NAME|MIN:MAX")
      ->check([](const std::string& value) {
        BudgetOptions scratch;
        return applyBudgetWord(value, scratch);
      });
  cli.flag_keys["--budget"] = {"search.budget.preset", "search.budget.min_params", "search.budget.max_params"};
  add.option("--budget-from", s.budget.from_run, "search.budget.from_run",
             "take the preset's percentiles from architectures sampled from the final distributions of this "
             "earlier unconstrained run on the same data (the reference's bands), not from the whole space")
      ->type_name("RUN_DIR");
  add.option("--lambda0", s.budget.lambda0, "search.budget.lambda0", "budget weight: lambda = lambda0 / T");
  add.option("--derive", s.derive, "search.derive",
             "final architecture: auto (in-band with a budget, else argmax), band (the most probable "
             "architecture inside the band) or argmax (the paper's)");

  add.group("Augmentation");
  add.option("--resize", s.augment.resize, "search.augment.resize", "resize images to this size (0 = keep)");
  add.option("--crop-padding", s.augment.crop_padding, "search.augment.crop_padding",
             "zero padding of the random crop");
  add.change(
      "--no-flip", [&s] { s.augment.flip = false; }, "search.augment.flip", "no random horizontal flips");
}

void applyBudgetFlag(const std::string& value, BudgetOptions& budget) {
  const std::string problem = applyBudgetWord(value, budget);
  if (!problem.empty()) throw ConfigError("--budget: " + problem);
}

RunConfig resolveSearchConfig(const SearchCli& cli, const CLI::App& cmd, const json* middle,
                              const std::string& middle_source) {
  if (!cli.resume.empty() && !cli.config_file.empty())
    throw ConfigError("--config and --resume cannot be combined: a resumed run keeps the "
                      "settings in its config.json");
  if (!cli.resume.empty() && cmd.count("--out") > 0)
    throw ConfigError("--out and --resume cannot be combined: a resumed run stays in its "
                      "folder");

  // The middle layer: the --config file, or the resumed run's settings.
  json doc = json::object();
  std::string source;
  if (!cli.resume.empty()) {
    const RunDirectory run = RunDirectory::open(cli.resume);
    doc = toJson(run.readConfig());
    doc["out"] = cli.resume;
    source = run.configPath().string();
  } else if (!cli.config_file.empty()) {
    doc = readConfigFile(cli.config_file);
    source = cli.config_file;
  } else if (middle) {
    doc = *middle;
    source = middle_source;
  }

  // The top layer: only the flags actually given (CLI11's count), with the values
  // they left in cli.config.
  RunConfig from_flags = cli.config;
  std::vector<std::string> given;
  for (const auto& [flag, keys] : cli.flag_keys) {
    if (cmd.count(flag) == 0) continue;
    given.push_back(flag);
    if (flag == "--budget") applyBudgetFlag(cli.budget, from_flags.search.budget);
  }
  const json flags_doc = toJson(from_flags);
  std::set<std::string> set_by_flags;
  for (const auto& flag : given)
    if (flag != "--method") set_by_flags.insert(cli.flag_keys.at(flag).begin(), cli.flag_keys.at(flag).end());
  for (const auto& flag : given)
    for (const auto& key : cli.flag_keys.at(flag)) overlay(doc, key, flags_doc.at(jsonPointer(key)));
  const auto method_key = jsonPointer("search.method");
  if (cmd.count("--method") > 0) {
    // The method's switches override the file's; the switch flags given override them.
    overlayMethodSwitches(doc, cli.method, [&](const std::string& key) { return set_by_flags.count(key) > 0; });
    overlay(doc, "search.method", nameOf(cli.method));
  } else if (doc.contains(method_key) && doc.at(method_key).is_string()) {
    // Switch flags over a file that names its method: the method's other switches
    // stay, the flags win, and the run is named after the switches it ends up with.
    const auto file_method = enumFromName<Method>(doc.at(method_key).get<std::string>());
    const bool switch_given = std::any_of(methodSwitchKeys().begin(), methodSwitchKeys().end(),
                                          [&](const std::string& key) { return set_by_flags.count(key) > 0; });
    if (file_method && switch_given) {
      overlayMethodSwitches(doc, *file_method, [&](const std::string& key) { return doc.contains(jsonPointer(key)); });
      doc["search"].erase("method");
    }
  }

  try {
    return runConfigFromJson(doc, cli.defaults);
  } catch (const ConfigError& e) {
    // Name where the bad value came from: a flag the user typed, else the file.
    const std::string message = e.what();
    for (const auto& flag : given)
      for (const auto& key : cli.flag_keys.at(flag))
        if (message.find("'" + key + "'") != std::string::npos) throw ConfigError(flag + ": " + message);
    if (!source.empty()) throw ConfigError(source + ": " + message);
    throw;
  }
}

}  // namespace zd
