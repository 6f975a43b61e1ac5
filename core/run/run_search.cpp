#include "core/run/run_search.h"

#include "core/common/device.h"
#include "core/common/error.h"
#include "core/data/batch_augment.h"
#include "core/data/dataset_loader.h"
#include "core/data/device_placement.h"
#include "core/data/splits.h"
#include "core/nas/param_count.h"
#include "core/run/budget_from_run.h"
#include "core/run/event_log.h"
#include "core/run/run_directory.h"
#include "core/search/budget.h"
#include "core/search/derivation.h"
#include "core/job/observer_tools.h"
#include "core/search/search_engine.h"
#include "core/train/random_architecture.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <optional>
#include <random>

namespace zd {
namespace {

nlohmann::json genotypeFile(const SearchResult& result, const Dataset& data, const RunConfig& config,
                            const BudgetBand& band) {
  auto j = result.genotype.toJson();
  j["string"] = result.genotype.toString();
  j["params"] = result.params;
  // How it was derived and what the paper's argmax would have given (§6).
  const Derivation& d = result.derivation;
  j["derivation"] = d.method;
  j["argmax"] = {{"string", d.argmax.toString()}, {"params", d.argmax_params}, {"genotype", d.argmax.toJson()}};
  j["changes"] = d.changes;
  if (!d.note.empty()) j["derivation_note"] = d.note;
  j["channels"] = config.search.network.channels;
  j["in_channels"] = data.channels();
  j["classes"] = data.class_names;
  j["image_size"] = config.search.augment.resize > 0 ? config.search.augment.resize : data.imageSize();
  j["budget"] = {{"min", band.min}, {"max", band.max}, {"active", band.active()}};
  j["epochs_done"] = result.epochs_done;
  j["cancelled"] = result.cancelled;
  return j;
}

// The random method (search.arch.estimator "random"): no search, one architecture
// drawn uniformly from the space, inside the band when one is set, with the search's
// seed. The same events and genotype.json as a search, so retraining, the studio and
// a study treat it like any other method.
SearchResult drawRandomArchitecture(const SearchOptions& s, const SearchData& data, const BudgetBand& band,
                                    const torch::Device& device, JobObserver& observer) {
  const auto t0 = std::chrono::steady_clock::now();
  const CountShape shape{data.weight_half.channels(), s.network.channels, data.classes};
  RunStarted started;
  started.device = describeDevice(device);
  started.weight_images = data.weight_half.size();
  started.arch_images = data.arch_half.size();
  started.classes = data.classes;
  started.channels = shape.in_channels;
  started.min_params = band.min;
  started.max_params = band.max;
  observer.onEvent(started);
  std::optional<ParamWindow> window;
  if (band.active())
    window = ParamWindow{static_cast<int64_t>(std::ceil(band.min)), static_cast<int64_t>(std::floor(band.max))};
  std::mt19937_64 rng(s.seed);
  SearchResult result;
  result.genotype = randomArchitecture(shape, s.network.cells, window, rng);
  result.params = exactParams(result.genotype, shape.in_channels, shape.channels, shape.classes);
  result.derivation = {result.genotype, result.params, result.genotype, result.params, "random", {}, ""};
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  RunFinished finished;
  finished.genotype = finished.argmax_genotype = result.genotype;
  finished.params = finished.argmax_params = result.params;
  finished.derivation = "random";
  finished.seconds = result.seconds;
  observer.onEvent(finished);
  return result;
}

}  // namespace

Dataset loadRunDataset(const RunConfig& config, LoadReport* report) {
  return loadDataset(config.data.path, config.data.images, report,
                     cacheDirFor(config.data.cache, config.data.cache_dir));
}

SearchData prepareSearchData(const Dataset& dataset, const RunConfig& config) {
  SearchData data;
  data.classes = dataset.numClasses();
  if (data.classes < 2)
    throw DataError(dataset.source + ": the search needs at least 2 classes, found " + std::to_string(data.classes));
  const auto merged = ImageSet::concat(dataset.train, dataset.val);
  auto [weights, arch] = stratifiedSplit(merged, data.classes, config.data.arch_fraction, config.search.seed);
  const int size = config.search.augment.resize;
  data.weight_half = size > 0 ? resizeImages(weights, size) : weights;
  data.arch_half = size > 0 ? resizeImages(arch, size) : arch;
  return data;
}

SearchRunOutcome runSearch(const RunConfig& config, JobObserver& observer, StopToken& stop, bool resume,
                           const std::function<void(const std::string&)>& status) {
  validate(config);
  auto say = [&status](const std::string& s) {
    if (status) status(s);
  };
  const int threads = configureThreads(config.threads);
  const auto device = resolveDevice(config.device);
  configureCudnn(config.cudnn_benchmark);
  say("device: " + describeDevice(device) + (device.is_cpu() ? "" : ", " + std::to_string(threads) + " CPU threads"));
  if (trainsCopiesSideBySide(config.search, device.is_cpu(), threads))
    say(device.is_cpu() ? "network and perturbed copy train side by side, " + std::to_string(std::max(1, threads / 2)) +
                              " thread(s) each (search.parallel_copies)"
                        : std::string("network and perturbed copy train on two CUDA streams (search.parallel_copies)"));
  if (config.search.precision == Precision::Bf16) say("weight steps in bfloat16 autocast (search.precision)");

  LoadReport report;
  const Dataset dataset = loadRunDataset(config, &report);
  if (!report.skipped.empty())
    say("data: " + std::to_string(report.skipped.size()) + " file(s) skipped (zodarts inspect-data " +
        config.data.path + " lists them with their reasons)");
  if (report.from_cache) say("data: decoded images read from the cache");
  const SearchData data = prepareSearchData(dataset, config);
  say("data: " + config.data.path + " — " + std::to_string(dataset.numClasses()) + " classes, " +
      std::to_string(data.weight_half.channels()) + " channel(s), " + std::to_string(data.weight_half.size()) +
      " images train the weights, " + std::to_string(data.arch_half.size()) + " the architecture (test set unused)");
  if (const auto where = describePlacement(imageBytes({&data.weight_half, &data.arch_half}), device); !where.empty())
    say(where);

  const auto& s = config.search;
  const CountShape shape{data.weight_half.channels(), s.network.channels, data.classes};
  const BudgetBand band = resolveSearchBudget(s, shape);
  // Refused here, before any work, rather than discovered at the end.
  requireReachableBand(band, shape, s.network.cells, reachesPhase2(s));
  if (band.active())
    say(std::string("budget: ") + nameOf(s.budget.preset) + " band " + std::to_string(static_cast<int64_t>(band.min)) +
        " – " + std::to_string(static_cast<int64_t>(band.max)) + " parameters" +
        (s.derive == DeriveMode::Argmax ? " (derived by argmax: the result may lie outside)"
                                        : "; the derived architecture is the most probable one inside it"));

  if (config.out.empty()) throw ConfigError("out: no run directory given (use --out RUN_DIR)");
  const RunDirectory dir = resume ? RunDirectory::open(config.out) : RunDirectory::create(config.out);
  if (!resume) {
    if (std::filesystem::exists(dir.checkpointPath()) || std::filesystem::exists(dir.path() / "genotype.json"))
      throw IoError(config.out + " already holds a search; resume it with --resume " + config.out +
                    " or choose another --out");
    dir.writeConfig(config);
  }
  EventLog log(dir.eventsPath());
  TeeObserver tee(log, observer);
  SearchRunOutcome outcome;
  outcome.run_dir = dir.path();
  outcome.result = s.arch.estimator == Estimator::Random
                       ? drawRandomArchitecture(s, data, band, device, tee)
                       : runSearchLoop(s, data, band, device, tee, stop, dir.checkpointPath(), resume);
  dir.writeJson("genotype.json", genotypeFile(outcome.result, dataset, config, band));
  return outcome;
}

}  // namespace zd
