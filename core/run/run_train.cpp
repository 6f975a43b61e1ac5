#include "core/run/run_train.h"

#include "core/common/atomic_file.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/common/json_file.h"
#include "core/data/batch_augment.h"
#include "core/data/device_placement.h"
#include "core/nas/param_count.h"
#include "core/run/event_log.h"
#include "core/run/run_directory.h"
#include "core/run/run_search.h"
#include "core/job/observer_tools.h"
#include "core/train/genotype_sampling.h"
#include "core/train/trained_model.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <ctime>
#include <variant>

namespace zd {
namespace fs = std::filesystem;
namespace {

Genotype readGenotypeFile(const fs::path& path) {
  if (!fs::exists(path))
    throw IoError(path.string() + ": missing — the search has not finished (or give --genotype FILE)");
  const nlohmann::json j = readJsonFile(path);
  try {
    return Genotype::fromJson(j);
  } catch (const ConfigError& e) {
    throw ConfigError(path.string() + ": " + e.what());
  }
}

ImageSet resized(const ImageSet& set, int size) {
  return size > 0 && set.size() > 0 && set.height() != size ? resizeImages(set, size) : set;
}

void say(const std::function<void(const std::string&)>& status, const std::string& s) {
  if (status) status(s);
}

TrainOptions withWidth(TrainOptions train, int search_channels) {
  if (train.channels == 0) train.channels = search_channels;
  return train;
}

// "retraining at C = 8: 19,012 parameters, inside the search's budget band ..."; a
// width other than the search's says what the search's would have given.
std::string sizeReport(const RunDirectory& dir, const Genotype& genotype, int channels, int search_channels,
                       const Dataset& dataset) {
  const int64_t params = exactParams(genotype, dataset.channels(), channels, dataset.numClasses());
  std::string s = "retraining at C = " + std::to_string(channels) + ": " + std::to_string(params) + " parameters";
  if (fs::exists(dir.genotypePath())) {
    try {
      const auto j = nlohmann::json::parse(readFile(dir.genotypePath()));
      const auto& b = j.at("budget");
      if (b.at("active").get<bool>()) {
        const double lo = b.at("min").get<double>(), hi = b.at("max").get<double>();
        const bool inside = static_cast<double>(params) >= lo && static_cast<double>(params) <= hi;
        s += std::string(inside ? ", inside" : ", OUTSIDE") + " the search's budget band " +
             std::to_string(static_cast<int64_t>(lo)) + "-" + std::to_string(static_cast<int64_t>(hi));
      }
    } catch (const std::exception&) {
      // A genotype file without a budget (e.g. `zodarts train --genotype`): no band to compare with.
    }
  }
  if (channels != search_channels)
    s += " (the search's width C = " + std::to_string(search_channels) + " gives " +
         std::to_string(exactParams(genotype, dataset.channels(), search_channels, dataset.numClasses())) + ")";
  return s;
}

}  // namespace

void createTrainRun(const RunConfig& config, const Genotype& genotype) {
  validate(config);
  if (config.out.empty()) throw ConfigError("out: no run directory given (use --out DIR)");
  if (fs::exists(config.out) && !(fs::is_directory(config.out) && fs::is_empty(config.out)))
    throw IoError(config.out +
                  ": already exists; choose a new folder for --out (or train that run with "
                  "`zodarts train " +
                  config.out + "`)");
  const RunDirectory dir = RunDirectory::create(config.out);
  dir.writeConfig(config);
  auto j = genotype.toJson();
  j["string"] = genotype.toString();
  dir.writeJson("genotype.json", j);
}

Genotype genotypeToTrain(const fs::path& run_dir, const RunConfig& config,
                         const std::function<void(const std::string&)>& status) {
  const RunDirectory dir = RunDirectory::open(run_dir);
  if (config.train.derive == TrainDerive::Argmax) return readGenotypeFile(dir.genotypePath());
  // "sample": the distributions of the search's last finished epoch.
  if (!fs::exists(dir.eventsPath()))
    throw IoError(dir.eventsPath().string() + ": missing — train.derive = sample needs the search's event log");
  const EpochFinished* last = nullptr;
  const auto events = readEventLog(dir.eventsPath());
  for (const auto& e : events)
    if (const auto* f = std::get_if<EpochFinished>(&e)) last = f;
  if (!last)
    throw ConfigError(dir.eventsPath().string() +
                      ": no finished search epoch to sample from (train.derive = sample); use argmax");
  std::mt19937_64 rng(config.train.derive_seed);
  int disconnected = 0;
  Genotype g;
  try {
    g = sampleGenotype(last->distributions, config.search.network.cells, rng, 1000, &disconnected);
  } catch (const ConfigError& e) {
    throw ConfigError(dir.eventsPath().string() + ": " + e.what());
  }
  say(status,
      "sampled from the distributions of search epoch " + std::to_string(last->epoch + 1) + " (seed " +
          std::to_string(config.train.derive_seed) + ")" +
          (disconnected ? "; " + std::to_string(disconnected) + " stage(s) stayed disconnected after 1000 draws" : ""));
  return g;
}

fs::path archivePreviousTraining(const fs::path& run_dir) {
  const RunDirectory dir = RunDirectory::open(run_dir);
  const char* files[] = {kTrainCheckpointFile, kTrainCurvesFile, "model.pt", "model.json",
                         "model.onnx",         "metrics.json",   "report.md"};
  std::vector<fs::path> present;
  for (const char* name : files)
    if (fs::exists(dir.path() / name)) present.push_back(dir.path() / name);
  if (present.empty()) return {};
  // UTC time to the second, plus a counter should two archives land in one second.
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  fs::path target = dir.path() / "retrain-archive" / stamp;
  for (int i = 2; fs::exists(target); ++i)
    target = dir.path() / "retrain-archive" / (std::string(stamp) + "-" + std::to_string(i));
  std::error_code ec;
  fs::create_directories(target, ec);
  if (ec) throw IoError(target.string() + ": cannot create the archive folder (" + ec.message() + ")");
  for (const fs::path& file : present) {
    fs::rename(file, target / file.filename(), ec);  // same file system: atomic, nothing copied
    if (ec) throw IoError(file.string() + ": cannot move it to " + target.string() + " (" + ec.message() + ")");
  }
  return target;
}

TrainRunOutcome runTraining(const fs::path& run_dir, const RunConfig& config, JobObserver& observer, StopToken& stop,
                            bool resume, const std::function<void(const std::string&)>& status) {
  validate(config);
  const RunDirectory dir = RunDirectory::open(run_dir);
  const fs::path checkpoint = dir.path() / kTrainCheckpointFile;
  if (!resume && fs::exists(checkpoint))
    throw IoError(dir.path().string() + " already holds a training (" + kTrainCheckpointFile +
                  "); continue it with --resume, or start over with --again (which archives it)");
  if (resume && !fs::exists(checkpoint))
    throw IoError(checkpoint.string() + ": no training to resume in " + dir.path().string());

  const int threads = configureThreads(config.threads);
  const auto device = resolveDevice(config.device);
  configureCudnn(config.cudnn_benchmark);
  say(status,
      "device: " + describeDevice(device) + (device.is_cpu() ? "" : ", " + std::to_string(threads) + " CPU threads"));

  TrainRunOutcome outcome;
  outcome.run_dir = dir.path();
  outcome.genotype = genotypeToTrain(dir.path(), config, status);
  say(status, std::string("architecture (") + nameOf(config.train.derive) + "):\n" + outcome.genotype.toString());

  const Dataset dataset = loadRunDataset(config);
  const TrainOptions train = withWidth(config.train, config.search.network.channels);
  say(status, sizeReport(dir, outcome.genotype, train.channels, config.search.network.channels, dataset));
  const int size = config.train.augment.resize;
  TrainData data;
  data.classes = dataset.numClasses();
  data.train = resized(dataset.train, size);
  data.val = resized(dataset.val, size);
  say(status, "data: " + config.data.path + " — " + std::to_string(data.classes) + " classes, " +
                  std::to_string(data.train.size()) + " train / " + std::to_string(data.val.size()) +
                  " validation images at " + std::to_string(data.train.height()) + "×" +
                  std::to_string(data.train.width()) + " (test split unused until evaluate)");
  if (const auto where = describePlacement(imageBytes({&data.train, &data.val}), device); !where.empty())
    say(status, where);
  if (!resume) dir.writeConfig(config);

  EventLog log(dir.eventsPath());
  TeeObserver tee(log, observer);
  Trainer trainer(train, outcome.genotype, device, checkpoint, dir.path() / kTrainCurvesFile);
  outcome.result = trainer.run(data, tee, stop, resume);
  if (outcome.result.cancelled) return outcome;

  ModelCard card;
  card.genotype = outcome.genotype;
  card.network = outcome.result.network->options();
  card.data_size = static_cast<int>(dataset.imageSize());
  card.input_size = size > 0 ? size : card.data_size;
  card.pad = config.data.images.pad;  // how image files were made square (not used by .npz)
  card.class_names = dataset.class_names;
  card.best_epoch = outcome.result.best_epoch;
  card.val_accuracy = outcome.result.best_val_accuracy;
  outcome.result.network->to(torch::kCPU);  // the model files hold CPU tensors
  saveTrainedModel(dir.path(), outcome.result.network, card);
  say(status, "model: " + (dir.path() / "model.pt").string() + " and model.json (best epoch " +
                  std::to_string(card.best_epoch + 1) + ", validation accuracy " + std::to_string(card.val_accuracy) +
                  ")");
  return outcome;
}

}  // namespace zd
