#include "core/run/run_config.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>

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

json::json_pointer pointerOf(const std::string& key) {
  std::string p = "/" + key;
  std::replace(p.begin(), p.end(), '.', '/');
  return json::json_pointer(p);
}

// A value as the user would type it, cut short so a huge value cannot flood a message.
std::string shown(const json& v) {
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  constexpr std::size_t kMax = 60;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

[[noreturn]] void wrongType(const std::string& key, const char* expected, const json& v) {
  throw ConfigError("config key '" + key + "': expected " + expected + ", got " + shown(v));
}

json toJsonValue(Distribution d) { return d == Distribution::Softmax ? "softmax" : "sparsemax"; }
json toJsonValue(const TrainOptions& t) { return toJson(t); }
template <class T>
json toJsonValue(const T& v) { return v; }

// Readers: one per field type, each accepting exactly the JSON types that mean it.
void read(const std::string& key, const json& v, std::string& out) {
  if (!v.is_string()) wrongType(key, "a string", v);
  out = v.get<std::string>();
}

void read(const std::string& key, const json& v, bool& out) {
  if (!v.is_boolean()) wrongType(key, "true or false", v);
  out = v.get<bool>();
}

void read(const std::string& key, const json& v, double& out) {
  if (!v.is_number()) wrongType(key, "a number", v);
  out = v.get<double>();
}

// Integers also accept a whole float ("epochs": 10.0), as hand-edited files have them.
template <class Int>
void readInteger(const std::string& key, const json& v, Int& out, const char* expected) {
  double whole = 0;
  if (v.is_number_unsigned()) {
    const auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<Int>::max())) wrongType(key, expected, v);
    out = static_cast<Int>(u);
    return;
  }
  if (v.is_number_integer()) {
    const auto i = v.get<int64_t>();
    constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<Int>::max());
    if (i < static_cast<int64_t>(std::numeric_limits<Int>::min()) ||
        (i > 0 && static_cast<uint64_t>(i) > kMax))
      wrongType(key, expected, v);
    out = static_cast<Int>(i);
    return;
  }
  if (v.is_number_float() && std::modf(v.get<double>(), &whole) == 0.0 &&
      whole >= static_cast<double>(std::numeric_limits<Int>::min()) &&
      // max + 1 is a power of two, exact as a double, unlike uint64's max itself.
      whole < static_cast<double>(std::numeric_limits<Int>::max()) + 1.0) {
    out = static_cast<Int>(whole);
    return;
  }
  wrongType(key, expected, v);
}

void read(const std::string& key, const json& v, int& out) {
  readInteger(key, v, out, "an integer");
}

void read(const std::string& key, const json& v, uint64_t& out) {
  readInteger(key, v, out, "a non-negative integer");
}

void read(const std::string& key, const json& v, int64_t& out) {
  readInteger(key, v, out, "an integer");
}

// The train section reads itself (partial objects keep `out`'s values) and names
// its keys "train.<key>" in messages.
void read(const std::string& key, const json& v, TrainOptions& out) {
  out = trainOptionsFromJson(v, out, key);
}

void read(const std::string& key, const json& v, Distribution& out) {
  if (v == "sparsemax") out = Distribution::Sparsemax;
  else if (v == "softmax") out = Distribution::Softmax;
  else wrongType(key, "\"sparsemax\" or \"softmax\"", v);
}

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string lastPart(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

// The known key closest to a mistyped one: either a near spelling of the whole key
// ("search.epohcs") or the right name at the wrong nesting ("epochs" at the top level).
std::string suggestionFor(const std::string& unknown, const std::set<std::string>& known) {
  const std::string tail = lastPart(unknown);
  const std::size_t allowed = std::max<std::size_t>(2, tail.size() / 3);
  std::string best;
  std::size_t best_score = allowed + 1;
  for (const auto& candidate : known) {
    const std::size_t score = std::min(editDistance(unknown, candidate),
                                       editDistance(tail, lastPart(candidate)) + 1);
    if (score < best_score) {
      best_score = score;
      best = candidate;
    }
  }
  return best;
}

// Reads the settings of a (partial) document into a config, key by key.
class Reader {
 public:
  explicit Reader(RunConfig& config) {
    forEachSetting(config, [this](const char* key, auto& field) {
      setters_[key] = [key, &field](const json& v) { read(key, v, field); };
      known_.insert(key);
      // Every dotted prefix is a group that must be an object.
      std::string k = key;
      for (auto dot = k.find('.'); dot != std::string::npos; dot = k.find('.', dot + 1)) {
        groups_.insert(k.substr(0, dot));
        known_.insert(k.substr(0, dot));
      }
    });
  }

  void readObject(const json& object, const std::string& prefix) {
    for (const auto& [name, value] : object.items()) {
      const std::string key = prefix.empty() ? name : prefix + "." + name;
      if (const auto setter = setters_.find(key); setter != setters_.end()) {
        setter->second(value);
      } else if (groups_.count(key)) {
        if (!value.is_object()) wrongType(key, "an object", value);
        readObject(value, key);
      } else {
        std::string message = "config key '" + key + "' is unknown";
        const std::string suggestion = suggestionFor(key, known_);
        if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
        throw ConfigError(message);
      }
    }
  }

 private:
  std::map<std::string, std::function<void(const json&)>> setters_;
  std::set<std::string> groups_;
  std::set<std::string> known_;
};

// --- validation -------------------------------------------------------------------

// A number as JSON writes it: shortest form that reads back the same ("0.0003", "1e-05").
template <class T>
std::string num(T v) { return json(v).dump(); }

// Comparisons are written so that NaN fails them.
void require(bool ok, const std::string& key, const std::string& requirement,
             const std::string& got) {
  if (!ok) throw ConfigError("config key '" + key + "': must be " + requirement + ", got " + got);
}

void requireAtLeast(const std::string& key, int64_t v, int64_t min) {
  require(v >= min, key, "at least " + num(min), num(v));
}
void requirePositive(const std::string& key, double v) {
  require(v > 0, key, "greater than 0", num(v));
}
void requireNonNegative(const std::string& key, double v) {
  require(v >= 0, key, "0 or more", num(v));
}
void requireFraction(const std::string& key, double v) {  // [0, 1)
  require(v >= 0 && v < 1, key, "at least 0 and below 1", num(v));
}

bool isDeviceSpec(const std::string& d) {
  if (d == "auto" || d == "cpu" || d == "cuda") return true;
  const std::string prefix = "cuda:";
  if (d.size() <= prefix.size() || d.compare(0, prefix.size(), prefix) != 0) return false;
  return std::all_of(d.begin() + prefix.size(), d.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; });
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
          "between 0 and search.epochs (" + num(s.epochs) +
              "; equal to search.epochs means phase 2 never starts)",
          num(s.switch_epoch));
  requireAtLeast("search.network.channels", s.network.channels, 1);
  require(s.network.cells >= 1 && s.network.cells <= 8, "search.network.cells",
          "between 1 and 8", num(s.network.cells));
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
  require(a.estimator == "zo" || a.estimator == "darts1", "search.arch.estimator",
          "zo (zeroth order, ZO-DARTS++) or darts1 (DARTS first order)",
          shown(a.estimator));
  require(a.perturbed_momentum == "copy" || a.perturbed_momentum == "fresh", "search.arch.perturbed_momentum",
          "copy (the network's momentum) or fresh (the reference's)", shown(a.perturbed_momentum));
  require(a.penalty_gradient == "full" || a.penalty_gradient == "projected", "search.arch.penalty_gradient",
          "full or projected (the reference's)", shown(a.penalty_gradient));
  require(a.penalty_path == "sparsemax" || a.penalty_path == "softmax", "search.arch.penalty_path",
          "sparsemax (exact) or softmax (never vanishes)", shown(a.penalty_path));
  require(a.direct_gradient == "projected" || a.direct_gradient == "full", "search.arch.direct_gradient",
          "projected (on u, as in the paper) or full", shown(a.direct_gradient));
  require(a.max_count_step >= 0, "search.arch.max_count_step",
          "0 (no cap) or a positive share of the band's width", num(a.max_count_step));
  require(s.derive == "auto" || s.derive == "band" || s.derive == "argmax", "search.derive",
          "auto (in-band when a budget is set), band or argmax", shown(s.derive));
  require(s.derive != "band" || s.budget.preset != "none", "search.derive",
          "auto or argmax without a budget ('band' derives inside the budget band: set one with --budget)",
          shown(s.derive));

  require(s.memory_format == "auto" || s.memory_format == "channels_last" || s.memory_format == "contiguous",
          "search.memory_format", "auto, channels_last or contiguous", shown(s.memory_format));
  require(s.parallel_copies == "auto" || s.parallel_copies == "on" || s.parallel_copies == "off",
          "search.parallel_copies", "auto, on or off", shown(s.parallel_copies));
  require(s.precision == "fp32" || s.precision == "bf16", "search.precision", "fp32 or bf16", shown(s.precision));

  const auto& b = s.budget;
  static const std::set<std::string> kPresets = {"none", "small", "medium", "large", "custom"};
  require(kPresets.count(b.preset) > 0, "search.budget.preset",
          "one of none, small, medium, large, custom",
          shown(b.preset));
  requireNonNegative("search.budget.min_params", b.min_params);
  requireNonNegative("search.budget.max_params", b.max_params);
  if (b.preset == "custom")
    require(b.min_params < b.max_params, "search.budget.min_params",
            "below search.budget.max_params (" + num(b.max_params) + ") for a custom budget",
            num(b.min_params));
  requireNonNegative("search.budget.lambda0", b.lambda0);
  requirePositive("search.budget.scale", b.scale);
  requireAtLeast("search.budget.samples", b.samples, 10);
  require(b.from_run.empty() || b.preset == "small" || b.preset == "medium" || b.preset == "large",
          "search.budget.from_run", "used with a preset band (small, medium or large; --budget)", shown(b.preset));
  requirePercentiles("small", b.small_lo, b.small_hi);
  requirePercentiles("medium", b.medium_lo, b.medium_hi);
  requirePercentiles("large", b.large_lo, b.large_hi);

  // Smaller images cannot pass the two stride-2 reductions meaningfully.
  require(s.augment.resize == 0 || s.augment.resize >= 8, "search.augment.resize",
          "0 (keep the size) or at least 8", num(s.augment.resize));
  requireAtLeast("search.augment.crop_padding", s.augment.crop_padding, 0);
}

}  // namespace

json toJson(const RunConfig& config) {
  json j = json::object();
  forEachSetting(config, [&j](const char* key, const auto& field) {
    j[pointerOf(key)] = toJsonValue(field);
  });
  return j;
}

RunConfig runConfigFromJson(const json& j, const RunConfig& base) {
  if (!j.is_object())
    throw ConfigError("the configuration must be a JSON object ({...}), got " + shown(j));
  RunConfig config = base;
  Reader(config).readObject(j, "");
  validate(config);
  return config;
}

void validate(const RunConfig& config) {
  if (config.data.path.empty())
    throw ConfigError("data.path is empty: give the data set with --data PATH");
  require(config.data.arch_fraction > 0 && config.data.arch_fraction < 1, "data.arch_fraction",
          "between 0 and 1 (exclusive)", num(config.data.arch_fraction));
  validateData(config.data);
  validateSearch(config.search);
  validate(config.train, "train");
  require(isDeviceSpec(config.device), "device", "auto, cpu, cuda or cuda:N (N = GPU number)",
          shown(config.device));
  requireAtLeast("threads", config.threads, 0);
}

}  // namespace zd
