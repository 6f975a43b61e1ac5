#include "core/train/trained_model.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_file.h"
#include "core/common/json_fields.h"
#include "core/job/archive_io.h"
#include "core/train/module_state.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <set>

namespace zd {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "zodarts-model";
constexpr int kVersion = 1;

// The card is read like a setting (ConfigError): a person may have edited it.
const JsonPlace kCard(JsonPlace::Kind::Setting, "model card key", "");

[[noreturn]] void bad(const std::string& key, const std::string& what) { (kCard / key).fail(what); }

const json& need(const json& j, const char* key) { return jsonMember(kCard, j, key); }

int64_t integerAtLeast(const json& j, const char* key, int64_t min) {
  int64_t x = 0;
  readJson(kCard / key, need(j, key), x);
  if (x < min) bad(key, "must be at least " + std::to_string(min) + ", got " + std::to_string(x));
  return x;
}

}  // namespace

std::string ModelCard::preprocessingText() const {
  const std::string colour = network.in_channels == 1 ? "as 1 grayscale channel (colour converted to gray)"
                                                      : "as 3 RGB channels (gray replicated)";
  return "decode the image " + colour + "; " + (pad ? "zero-pad to a square" : "centre-crop to a square") +
         "; area-resize to " + std::to_string(data_size) + "x" + std::to_string(data_size) +
         " (uint8); bilinear-resize to " + std::to_string(input_size) + "x" + std::to_string(input_size) +
         " (align_corners=false, rounded to uint8); divide by 255 (no mean/std normalisation); layout NxCxHxW float32";
}

json ModelCard::toJson() const {
  json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["genotype"] = genotype.toJson();
  j["genotype_string"] = genotype.toString();  // for readers; "genotype" is authoritative
  j["in_channels"] = network.in_channels;
  j["classes"] = network.classes;
  j["channels"] = network.channels;
  j["data_size"] = data_size;
  j["input_size"] = input_size;
  j["pad"] = pad;
  j["class_names"] = class_names;
  j["best_epoch"] = best_epoch;
  j["val_accuracy"] = val_accuracy;
  j["preprocessing"] = preprocessingText();  // for readers; derived from the fields above
  return j;
}

ModelCard ModelCard::fromJson(const json& j) {
  if (!j.is_object()) throw ConfigError("model card: must be a JSON object ({...})");
  static const std::set<std::string> kKnown = {
      "format",    "version",    "genotype", "genotype_string", "in_channels", "classes",      "channels",
      "data_size", "input_size", "pad",      "class_names",     "best_epoch",  "val_accuracy", "preprocessing"};
  for (const auto& item : j.items())
    if (!kKnown.count(item.key())) {
      const std::string suggestion = closestKey(item.key(), kKnown);
      bad(item.key(), suggestion.empty() ? "unknown" : "unknown (did you mean '" + suggestion + "'?)");
    }
  if (j.contains("format") && j["format"] != kFormat) bad("format", "must be \"" + std::string(kFormat) + "\"");
  if (j.contains("version") && j["version"] != kVersion)
    bad("version", j["version"].dump() + ", but this zodarts reads version " + std::to_string(kVersion));
  ModelCard card;
  try {
    card.genotype = Genotype::fromJson(need(j, "genotype"));
  } catch (const ConfigError& e) {
    bad("genotype", e.what());
  }
  card.network.in_channels = integerAtLeast(j, "in_channels", 1);
  if (card.network.in_channels != 1 && card.network.in_channels != 3)
    bad("in_channels", "must be 1 or 3, got " + std::to_string(card.network.in_channels));
  card.network.classes = integerAtLeast(j, "classes", 2);
  card.network.channels = integerAtLeast(j, "channels", 1);
  card.data_size = static_cast<int>(integerAtLeast(j, "data_size", 1));
  card.input_size = static_cast<int>(integerAtLeast(j, "input_size", 8));
  if (j.contains("pad")) readJson(kCard / "pad", j["pad"], card.pad);
  const json& names = need(j, "class_names");
  if (!names.is_array() || names.size() != static_cast<size_t>(card.network.classes))
    bad("class_names", "must be an array of " + std::to_string(card.network.classes) + " names (one per class)");
  readJson(kCard / "class_names", names, card.class_names);
  if (j.contains("best_epoch")) readJson(kCard / "best_epoch", j["best_epoch"], card.best_epoch);
  if (j.contains("val_accuracy")) {
    // null: trained without a validation split (JSON has no NaN).
    const json& v = j["val_accuracy"];
    if (v.is_null()) card.val_accuracy = std::nan("");
    else readJson(kCard / "val_accuracy", v, card.val_accuracy);
  }
  return card;
}

void saveTrainedModel(const std::filesystem::path& run_dir, const DiscreteNetwork& network, const ModelCard& card) {
  torch::serialize::OutputArchive archive;
  network->save(archive);
  saveArchiveAtomically(archive, run_dir / "model.pt");
  writeFileAtomically(run_dir / "model.json", card.toJson().dump(2) + "\n");
}

TrainedModel loadTrainedModel(const std::filesystem::path& run_dir) {
  const auto card_path = run_dir / "model.json";
  const auto weights_path = run_dir / "model.pt";
  if (!std::filesystem::exists(card_path))
    throw IoError(card_path.string() + ": no trained model here (run `zodarts train` first)");
  const json j = readJsonFile(card_path);
  TrainedModel model;
  try {
    model.card = ModelCard::fromJson(j);
  } catch (const ConfigError& e) {
    throw ConfigError(card_path.string() + ": " + e.what());
  }
  model.network = DiscreteNetwork(model.card.genotype, model.card.network);
  torch::serialize::InputArchive archive;
  if (!std::filesystem::exists(weights_path)) throw IoError(weights_path.string() + ": missing (model.json is there)");
  try {
    archive.load_from(weights_path.string(), torch::kCPU);  // written on any device
  } catch (const c10::Error& e) {
    throw IoError(weights_path.string() + ": unreadable (" + std::string(e.what_without_backtrace()) + ")");
  }
  readModuleStrict(*model.network, archive, weights_path.string());
  model.network->eval();
  return model;
}

}  // namespace zd
