#include "core/run/run_config.h"

#include "core/common/error.h"
#include "core/common/json_fields.h"
#include "core/search/search_method.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <type_traits>

namespace zd {
namespace {

using nlohmann::json;

// The one list of settings: each config key next to the field it names. toJson,
// runConfigFromJson and the unknown-key check all walk it, so a field added here
// is written, read and known in one edit. Keys are the field names, dotted by nesting.
template <class Config, class Visit>
void forEachSetting(Config& c, Visit&& visit) {
  visit("data.path", c.data.path);
  visit("data.arch_fraction", c.data.arch_fraction);
  visit("data.images.size", c.data.images.size);
  visit("data.images.pad", c.data.images.pad);
  visit("data.images.train", c.data.images.train);
  visit("data.images.val", c.data.images.val);
  visit("data.images.test", c.data.images.test);
  visit("data.images.seed", c.data.images.seed);
  visit("data.images.max_pixels", c.data.images.max_pixels);
  visit("data.images.threads", c.data.images.threads);
  visit("data.images.all_frames", c.data.images.all_frames);
  visit("data.cache", c.data.cache);
  visit("data.cache_dir", c.data.cache_dir);

  auto& s = c.search;
  visit("search.network.channels", s.network.channels);
  visit("search.network.cells", s.network.cells);

  visit("search.temperature.t0", s.temperature.t0);
  visit("search.temperature.decay", s.temperature.decay);
  visit("search.temperature.every", s.temperature.every);
  visit("search.temperature.anneal", s.temperature.anneal);

  visit("search.weights.lr", s.weights.lr);
  visit("search.weights.lr_min", s.weights.lr_min);
  visit("search.weights.momentum", s.weights.momentum);
  visit("search.weights.nesterov", s.weights.nesterov);
  visit("search.weights.weight_decay", s.weights.weight_decay);
  visit("search.weights.grad_clip", s.weights.grad_clip);

  visit("search.arch.lr", s.arch.lr);
  visit("search.arch.beta1", s.arch.beta1);
  visit("search.arch.beta2", s.arch.beta2);
  visit("search.arch.weight_decay", s.arch.weight_decay);
  visit("search.arch.init_scale", s.arch.init_scale);
  visit("search.arch.rounds", s.arch.rounds);
  visit("search.arch.mu_scale", s.arch.mu_scale);
  visit("search.arch.unrolled_eps", s.arch.unrolled_eps);
  visit("search.arch.estimator", s.arch.estimator);
  visit("search.arch.perturbed_momentum", s.arch.perturbed_momentum);
  visit("search.arch.penalty_gradient", s.arch.penalty_gradient);
  visit("search.arch.penalty_path", s.arch.penalty_path);
  visit("search.arch.direct_gradient", s.arch.direct_gradient);
  visit("search.arch.max_count_step", s.arch.max_count_step);
  visit("search.arch.reset_adam_at_switch", s.arch.reset_adam_at_switch);

  visit("search.budget.preset", s.budget.preset);
  visit("search.budget.min_params", s.budget.min_params);
  visit("search.budget.max_params", s.budget.max_params);
  visit("search.budget.lambda0", s.budget.lambda0);
  visit("search.budget.scale", s.budget.scale);
  visit("search.budget.samples", s.budget.samples);
  visit("search.budget.from_run", s.budget.from_run);
  visit("search.budget.small_lo", s.budget.small_lo);
  visit("search.budget.small_hi", s.budget.small_hi);
  visit("search.budget.medium_lo", s.budget.medium_lo);
  visit("search.budget.medium_hi", s.budget.medium_hi);
  visit("search.budget.large_lo", s.budget.large_lo);
  visit("search.budget.large_hi", s.budget.large_hi);

  visit("search.augment.resize", s.augment.resize);
  visit("search.augment.flip", s.augment.flip);
  visit("search.augment.crop_padding", s.augment.crop_padding);

  visit("search.distribution", s.distribution);
  visit("search.epochs", s.epochs);
  visit("search.switch_epoch", s.switch_epoch);
  visit("search.size_search", s.size_search);
  visit("search.batch", s.batch);
  visit("search.seed", s.seed);
  visit("search.skip_zero_ops", s.skip_zero_ops);
  visit("search.derive", s.derive);
  visit("search.memory_format", s.memory_format);
  visit("search.parallel_copies", s.parallel_copies);
  visit("search.precision", s.precision);
  visit("search.checkpoint_every", s.checkpoint_every);

  visit("train", c.train);  // one group with its own reader and checks (train_options.h)

  visit("device", c.device);
  visit("threads", c.threads);
  visit("cudnn_benchmark", c.cudnn_benchmark);
  visit("out", c.out);
}

json toJsonValue(const TrainOptions& t) { return toJson(t); }
template <class T>
json toJsonValue(const T& v) {
  if constexpr (std::is_enum_v<T>) return nameOf(v);  // by its config word
  else return v;
}

// The one reader beyond json_fields.h's: the train section reads itself (a partial
// object keeps `out`'s values, keys named "train.<key>").
void readSetting(const JsonPlace& at, const json& v, TrainOptions& out) {
  out = trainOptionsFromJson(v, out, at.path());
}

template <class T>
void readSetting(const JsonPlace& at, const json& v, T& out) {
  readJson(at, v, out);
}

// --- validation -------------------------------------------------------------------

// A number as JSON writes it: shortest form that reads back the same ("0.0003", "1e-05").
template <class T>
std::string num(T v) {
  return json(v).dump();
}

// Comparisons are written so that NaN fails them.
void require(bool ok, const std::string& key, const std::string& requirement, const std::string& got) {
  if (!ok) JsonPlace::setting(key).fail("must be " + requirement + ", got " + got);
}

void requireAtLeast(const std::string& key, int64_t v, int64_t min) {
  require(v >= min, key, "at least " + num(min), num(v));
}
void requirePositive(const std::string& key, double v) { require(v > 0, key, "greater than 0", num(v)); }
void requireNonNegative(const std::string& key, double v) { require(v >= 0, key, "0 or more", num(v)); }
void requireFraction(const std::string& key, double v) {  // [0, 1)
  require(v >= 0 && v < 1, key, "at least 0 and below 1", num(v));
}

bool isDeviceSpec(const std::string& d) {
  if (d == "auto" || d == "cpu" || d == "cuda") return true;
  const std::string prefix = "cuda:";
  if (d.size() <= prefix.size() || d.compare(0, prefix.size(), prefix) != 0) return false;
  return std::all_of(d.begin() + prefix.size(), d.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

void requirePercentiles(const std::string& name, double lo, double hi) {
  const std::string key = "search.budget." + name;
  require(lo >= 0, key + "_lo", "0 or more", num(lo));
  require(hi <= 100, key + "_hi", "at most 100", num(hi));
  require(lo < hi, key + "_lo", "below " + key + "_hi (" + num(hi) + ")", num(lo));
}

void validateData(const DataOptions& d) {
  const ImageLoadOptions& i = d.images;
  requireAtLeast("data.images.size", i.size, 1);
  requireAtLeast("data.images.max_pixels", i.max_pixels, 1);
  requireAtLeast("data.images.threads", i.threads, 0);
  requirePositive("data.images.train", i.train);
  requireNonNegative("data.images.val", i.val);
  requireNonNegative("data.images.test", i.test);
}

void validateSearch(const SearchOptions& s) {
  requireAtLeast("search.epochs", s.epochs, 1);
  require(s.switch_epoch >= 0 && s.switch_epoch <= s.epochs, "search.switch_epoch",
          "between 0 and search.epochs (" + num(s.epochs) + "; equal to search.epochs means phase 2 never starts)",
          num(s.switch_epoch));
  requireAtLeast("search.network.channels", s.network.channels, 1);
  require(s.network.cells >= 1 && s.network.cells <= 8, "search.network.cells", "between 1 and 8",
          num(s.network.cells));
  requireAtLeast("search.batch", s.batch, 1);
  requireAtLeast("search.checkpoint_every", s.checkpoint_every, 0);

  requirePositive("search.temperature.t0", s.temperature.t0);
  require(s.temperature.decay > 0 && s.temperature.decay <= 1, "search.temperature.decay",
          "greater than 0 and at most 1", num(s.temperature.decay));
  requireAtLeast("search.temperature.every", s.temperature.every, 1);

  const auto& w = s.weights;
  requirePositive("search.weights.lr", w.lr);
  require(w.lr_min >= 0 && w.lr_min <= w.lr, "search.weights.lr_min",
          "between 0 and search.weights.lr (" + num(w.lr) + ")", num(w.lr_min));
  requireFraction("search.weights.momentum", w.momentum);
  requireNonNegative("search.weights.weight_decay", w.weight_decay);
  requirePositive("search.weights.grad_clip", w.grad_clip);

  const auto& a = s.arch;
  requirePositive("search.arch.lr", a.lr);
  requireFraction("search.arch.beta1", a.beta1);
  requireFraction("search.arch.beta2", a.beta2);
  requireNonNegative("search.arch.weight_decay", a.weight_decay);
  requireNonNegative("search.arch.init_scale", a.init_scale);
  requireAtLeast("search.arch.rounds", a.rounds, 1);
  requirePositive("search.arch.mu_scale", a.mu_scale);
  requirePositive("search.arch.unrolled_eps", a.unrolled_eps);
  require(a.max_count_step >= 0, "search.arch.max_count_step", "0 (no cap) or a positive share of the band's width",
          num(a.max_count_step));
  require(s.derive != DeriveMode::Band || s.budget.preset != BudgetPreset::None, "search.derive",
          "auto or argmax without a budget ('band' derives inside the budget band: set one with --budget)", "\"band\"");

  const auto& b = s.budget;
  requireNonNegative("search.budget.min_params", b.min_params);
  requireNonNegative("search.budget.max_params", b.max_params);
  if (b.preset == BudgetPreset::Custom)
    require(b.min_params < b.max_params, "search.budget.min_params",
            "below search.budget.max_params (" + num(b.max_params) + ") for a custom budget", num(b.min_params));
  requireNonNegative("search.budget.lambda0", b.lambda0);
  requirePositive("search.budget.scale", b.scale);
  requireAtLeast("search.budget.samples", b.samples, 10);
  require(b.from_run.empty() || b.preset == BudgetPreset::Small || b.preset == BudgetPreset::Medium ||
              b.preset == BudgetPreset::Large,
          "search.budget.from_run", "used with a preset band (small, medium or large; --budget)",
          std::string("\"") + nameOf(b.preset) + "\"");
  requirePercentiles("small", b.small_lo, b.small_hi);
  requirePercentiles("medium", b.medium_lo, b.medium_hi);
  requirePercentiles("large", b.large_lo, b.large_hi);

  // Smaller images cannot pass the two stride-2 reductions meaningfully.
  require(s.augment.resize == 0 || s.augment.resize >= 8, "search.augment.resize", "0 (keep the size) or at least 8",
          num(s.augment.resize));
  requireAtLeast("search.augment.crop_padding", s.augment.crop_padding, 0);
}

}  // namespace

json toJson(const RunConfig& config) {
  json j = json::object();
  forEachSetting(config, [&j](const char* key, const auto& field) { j[jsonPointer(key)] = toJsonValue(field); });
  j[jsonPointer("search.method")] = nameOf(methodOf(config.search));  // what the switches make
  return j;
}

RunConfig runConfigFromJson(const json& j, const RunConfig& base) {
  if (!j.is_object()) throw ConfigError("the configuration must be a JSON object ({...}), got " + shownJson(j));
  RunConfig config = base;
  // A named method gives its switches as defaults, under the keys the document sets.
  const auto method_key = jsonPointer("search.method");
  std::optional<Method> named;
  if (j.contains(method_key)) {
    Method method{};
    readSetting(JsonPlace::setting("search.method"), j.at(method_key), method);
    applyMethod(method, config.search);
    named = method;
  }
  KeyedObjectReader reader;
  reader.add("search.method", [](const JsonPlace&, const json&) {});  // read above
  forEachSetting(config, [&reader](const char* key, auto& field) {
    reader.add(key, [&field](const JsonPlace& at, const json& v) { readSetting(at, v, field); });
  });
  reader.read(j);
  if (named) {
    const std::string conflict = methodConflict(*named, config.search);
    if (!conflict.empty())
      JsonPlace::setting("search.method")
          .fail(json(nameOf(*named)).dump() + " " + conflict +
                ": change one of them, or set search.method \"custom\" for an ablation");
  }
  validate(config);
  return config;
}

void validate(const RunConfig& config) {
  if (config.data.path.empty()) throw ConfigError("data.path is empty: give the data set with --data PATH");
  require(config.data.arch_fraction > 0 && config.data.arch_fraction < 1, "data.arch_fraction",
          "between 0 and 1 (exclusive)", num(config.data.arch_fraction));
  validateData(config.data);
  validateSearch(config.search);
  validate(config.train, "train");
  if (config.search.arch.estimator == Estimator::Random && config.train.derive == TrainDerive::Sample)
    throw ConfigError("train.derive \"sample\" draws from a search's final distributions, and the random method "
                      "searches none: retrain its drawn architecture (train.derive \"argmax\")");
  require(isDeviceSpec(config.device), "device", "auto, cpu, cuda or cuda:N (N = GPU number)",
          shownJson(config.device));
  requireAtLeast("threads", config.threads, 0);
}

}  // namespace zd
