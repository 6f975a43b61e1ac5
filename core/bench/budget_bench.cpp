#include "core/bench/budget_bench.h"

#include "core/common/device.h"
#include "core/common/error.h"
#include "core/data/batch_augment.h"
#include "core/run/budget_from_run.h"
#include "core/run/run_search.h"
#include "core/job/archive_io.h"
#include "core/search/search_engine.h"
#include "core/search/search_loop.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>

namespace zd {
namespace {

using nlohmann::json;

void applyVariant(const std::string& name, ArchOptimOptions& a) {
  const bool reference = name == "reference" || name == "penalty";
  a.perturbed_momentum = reference ? PerturbedMomentum::Fresh : PerturbedMomentum::Copy;
  a.penalty_gradient = name == "reference" || name == "momentum" ? PenaltyGradient::Projected : PenaltyGradient::Full;
  if (name == "both+direct") a.direct_gradient = DirectGradient::Full;
  if (name == "both+cap") a.max_count_step = 0.5;
  if (name == "both+adam-reset") a.reset_adam_at_switch = true;
  if (name == "both+softmax-path") a.penalty_path = PenaltyPath::Softmax;
  const auto known = budgetBenchVariants();
  if (std::find(known.begin(), known.end(), name) == known.end())
    throw ConfigError("bench budget: unknown variant '" + name + "'");
}

// A seeded subset of at most n images (all when n <= 0 or the set is smaller).
ImageSet subset(const ImageSet& set, int64_t n, uint64_t seed) {
  if (n <= 0 || set.size() <= n) return set;
  std::vector<int64_t> idx(static_cast<size_t>(set.size()));
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int64_t>(i);
  std::mt19937_64 rng(seed);
  std::shuffle(idx.begin(), idx.end(), rng);
  idx.resize(static_cast<size_t>(n));
  std::sort(idx.begin(), idx.end());
  return set.select(torch::tensor(idx, torch::kLong));
}

// What a run's events say: the last epoch's accuracy and every phase-2 update's P.
struct Collector : JobObserver {
  int switch_epoch = 0;
  double arch_accuracy = 0;
  std::vector<double> phase2_counts;
  void onEvent(const JobEvent& event) override {
    if (const auto* e = std::get_if<EpochFinished>(&event)) arch_accuracy = e->arch_accuracy;
    if (const auto* u = std::get_if<ArchitectureUpdated>(&event))
      if (u->epoch >= switch_epoch) phase2_counts.push_back(u->expected_params);
  }
};

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(std::lround(q * static_cast<double>(v.size() - 1)))];
}

double accuracyOf(SearchEngine& engine, const ImageSet& set, int batch, const torch::Device& device,
                  const Genotype* genotype) {
  int64_t correct = 0, count = 0;
  for (int64_t begin = 0; begin < set.size(); begin += batch) {
    const int64_t b = std::min<int64_t>(batch, set.size() - begin);
    const auto x = toFloatImages(set.images.narrow(0, begin, b)).to(device);
    const auto y = set.labels.narrow(0, begin, b).to(device);
    const BatchResult r = genotype ? engine.evaluate(x, y, *genotype) : engine.evaluate(x, y);
    correct += r.correct;
    count += r.count;
  }
  return count ? static_cast<double>(correct) / static_cast<double>(count) : 0;
}

bool inside(int64_t params, const BudgetBand& band) {
  return static_cast<double>(params) >= band.min && static_cast<double>(params) <= band.max;
}

json runOne(const RunConfig& config, const SearchData& data, const torch::Device& device,
            const std::filesystem::path& scratch) {
  SearchOptions s = config.search;
  s.checkpoint_every = s.epochs;  // one checkpoint, at the end: the supernet scored below
  const BudgetBand band = resolveSearchBudget(s, CountShape{data.weight_half.channels(), s.network.channels,
                                                            data.classes});
  Collector collector;
  collector.switch_epoch = s.switch_epoch;
  StopToken stop;
  const auto checkpoint = scratch / "checkpoint.pt";
  std::filesystem::remove(checkpoint);
  const auto t0 = std::chrono::steady_clock::now();
  const SearchResult result = runSearchLoop(s, data, band, device, collector, stop, checkpoint, false);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The searched supernet again, from its last checkpoint, to score both architectures on the architecture half.
  SearchEngine engine(s, supernetOptionsFor(s, data, device), band, device);
  torch::serialize::InputArchive archive, engine_archive;
  loadArchive(archive, checkpoint, device);
  archive.read("engine", engine_archive);
  engine.load(engine_archive);
  engine.beginEpoch(s.epochs - 1);
  const Derivation& d = result.derivation;
  std::vector<double> steps;
  for (size_t i = 1; i < collector.phase2_counts.size(); ++i)
    steps.push_back(std::abs(collector.phase2_counts[i] - collector.phase2_counts[i - 1]) / (band.max - band.min));
  json j;
  j["band"] = {band.min, band.max};
  j["argmax_params"] = d.argmax_params;
  j["argmax_in_band"] = inside(d.argmax_params, band);
  j["derived_params"] = d.params;
  j["derived_in_band"] = inside(d.params, band);
  j["changes"] = d.changes.size();
  j["arch_accuracy"] = collector.arch_accuracy;
  j["argmax_accuracy"] = accuracyOf(engine, data.arch_half, s.batch, device, &d.argmax);
  j["derived_accuracy"] = accuracyOf(engine, data.arch_half, s.batch, device, &d.genotype);
  j["count_step_median"] = quantile(steps, 0.5);  // |ΔP| per phase-2 update / band width
  j["count_step_p90"] = quantile(steps, 0.9);
  j["seconds"] = seconds;
  return j;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

json summarise(const json& runs, const std::vector<std::string>& variants) {
  json summary = json::object();
  for (const auto& variant : variants) {
    std::vector<double> argmax_in, derived_in, acc, acc_argmax, acc_derived, step_median, step_p90;
    for (const auto& r : runs) {
      if (r["variant"] != variant) continue;
      argmax_in.push_back(r["argmax_in_band"].get<bool>() ? 1 : 0);
      derived_in.push_back(r["derived_in_band"].get<bool>() ? 1 : 0);
      acc.push_back(r["arch_accuracy"]);
      acc_argmax.push_back(r["argmax_accuracy"]);
      acc_derived.push_back(r["derived_accuracy"]);
      step_median.push_back(r["count_step_median"]);
      step_p90.push_back(r["count_step_p90"]);
    }
    summary[variant] = {{"runs", argmax_in.size()},
                        {"argmax_in_band_share", mean(argmax_in)},
                        {"derived_in_band_share", mean(derived_in)},
                        {"arch_accuracy", mean(acc)},
                        {"argmax_accuracy", mean(acc_argmax)},
                        {"derived_accuracy", mean(acc_derived)},
                        {"count_step_median", quantile(step_median, 0.5)},
                        {"count_step_p90", quantile(step_p90, 0.5)}};
  }
  return summary;
}

}  // namespace

std::vector<std::string> budgetBenchVariants() {
  return {"reference",   "momentum", "penalty",         "both",
          "both+direct", "both+cap", "both+adam-reset", "both+softmax-path"};
}

json runBudgetBench(const BudgetBenchOptions& options, const std::function<void(const std::string&)>& progress) {
  if (options.data.empty()) throw ConfigError("bench budget: give at least one data set (--data)");
  if (options.seeds < 1) throw ConfigError("bench budget: --seeds must be >= 1");
  for (const auto& v : options.variants) {
    ArchOptimOptions scratch;
    applyVariant(v, scratch);  // refuses unknown names before any work
  }
  const int threads = configureThreads(options.base.threads);
  const auto device = resolveDevice(options.base.device);
  const auto scratch = std::filesystem::temp_directory_path() /
                       ("zodarts-bench-budget-" +
                        std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(scratch);
  json runs = json::array();
  for (const auto& path : options.data) {
    RunConfig data_config = options.base;
    data_config.data.path = path;
    const Dataset dataset = loadRunDataset(data_config);
    for (int seed = 0; seed < options.seeds; ++seed) {
      RunConfig seeded = data_config;
      seeded.search.seed = static_cast<uint64_t>(seed);
      SearchData data = prepareSearchData(dataset, seeded);
      data.weight_half = subset(data.weight_half, options.max_images, static_cast<uint64_t>(seed));
      data.arch_half = subset(data.arch_half, options.max_images, static_cast<uint64_t>(seed) + 1000);
      for (const auto& preset : options.presets) {
        for (const auto& variant : options.variants) {
          RunConfig config = seeded;
          const auto named = enumFromName<BudgetPreset>(preset);
          if (!named) throw ConfigError("bench budget: unknown preset '" + preset + "' (small, medium or large)");
          config.search.budget.preset = *named;
          applyVariant(variant, config.search.arch);
          validate(config);
          json r = runOne(config, data, device, scratch);
          r["data"] = path;
          r["seed"] = seed;
          r["preset"] = preset;
          r["variant"] = variant;
          if (progress) progress(r.dump());
          runs.push_back(std::move(r));
        }
      }
    }
  }
  std::filesystem::remove_all(scratch);
  json settings = toJson(options.base);
  settings.erase("data");
  settings.erase("out");
  return {{"runs", runs},
          {"summary", summarise(runs, options.variants)},
          {"settings",
           {{"device", describeDevice(device)},
            {"threads", threads},
            {"max_images", options.max_images},
            {"seeds", options.seeds},
            {"config", settings}}}};
}

}  // namespace zd
