// Reading settings and records from JSON with one behaviour everywhere: typed reads
// whose errors say where the value sits, dotted keys as JSON pointers, and objects of
// known keys whose unknown ones are refused with the nearest known key suggested.
// Used by the run config, the training options, the event log, the genotype, the
// model card and the GUI's config fields.
#pragma once

#include "core/common/enum_names.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace zd {

// Where a value sits, for messages, and which error a bad one raises: settings a
// person wrote raise ConfigError, records the program wrote raise DataError. A
// record's number may be null, standing for NaN (JSON has none); a setting's may not.
class JsonPlace {
 public:
  enum class Kind { Setting, Record };
  // `what` names the document and the kind of key ("config key", "event
  // 'epoch_finished', field", "model card key"); `path` the key, dotted.
  JsonPlace(Kind kind, std::string what, std::string path);
  static JsonPlace setting(std::string key) { return {Kind::Setting, "config key", std::move(key)}; }

  JsonPlace operator/(const std::string& name) const;  // a key inside this one
  Kind kind() const { return kind_; }
  const std::string& path() const { return path_; }
  std::string describe() const;  // "config key 'search.epochs'"

  // Throws "<describe()>: <problem>" as ConfigError or DataError.
  [[noreturn]] void fail(const std::string& problem) const;
  // Throws "<describe()>: expected <expected>, got <v as written>".
  [[noreturn]] void wrongType(const std::string& expected, const nlohmann::json& v) const;

 private:
  Kind kind_;
  std::string what_;
  std::string path_;
};

// A value as it was written, cut to 60 characters so a huge one cannot flood a message.
std::string shownJson(const nlohmann::json& v);
// "search.weights.lr" → /search/weights/lr.
nlohmann::json::json_pointer jsonPointer(const std::string& dotted_key);
// v[key], or `at / key` fails with "is missing".
const nlohmann::json& jsonMember(const JsonPlace& at, const nlohmann::json& object, const std::string& key);
// The known key closest to a mistyped one ("" when none is close): a near spelling of
// the whole key ("search.epohcs") or the right name at the wrong nesting ("epochs").
std::string closestKey(const std::string& unknown, const std::set<std::string>& known);

// Typed reads, each accepting exactly the JSON types that mean its C++ type. Integers
// also accept a whole float (10.0), as hand-edited files have them.
void readJson(const JsonPlace& at, const nlohmann::json& v, std::string& out);
void readJson(const JsonPlace& at, const nlohmann::json& v, bool& out);
void readJson(const JsonPlace& at, const nlohmann::json& v, double& out);
void readJson(const JsonPlace& at, const nlohmann::json& v, int& out);
void readJson(const JsonPlace& at, const nlohmann::json& v, int64_t& out);
void readJson(const JsonPlace& at, const nlohmann::json& v, uint64_t& out);
void readJson(const JsonPlace& at, const nlohmann::json& v, std::vector<int>& out);
void readJson(const JsonPlace& at, const nlohmann::json& v, std::vector<double>& out);
void readJson(const JsonPlace& at, const nlohmann::json& v, std::vector<std::string>& out);
void readJson(const JsonPlace& at, const nlohmann::json& v, std::vector<std::vector<double>>& out);
// An enum setting by one of its names (enum_names.h).
template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
void readJson(const JsonPlace& at, const nlohmann::json& v, E& out) {
  const auto value = v.is_string() ? enumFromName<E>(v.get<std::string>()) : std::nullopt;
  if (!value) at.wrongType(enumChoices<E>(), v);
  out = *value;
}

// An object of dotted keys read into fields: a (partial) object sets the keys it has
// and leaves the rest; a dotted prefix of a key is a group that must be an object;
// any other key is refused as unknown, naming the closest known one.
class KeyedObjectReader {
 public:
  using Read = std::function<void(const JsonPlace& at, const nlohmann::json& v)>;
  // Messages name keys `prefix`.key with `kind` (the config's train section: "train").
  explicit KeyedObjectReader(std::string prefix = "", JsonPlace::Kind kind = JsonPlace::Kind::Setting,
                             std::string what = "config key");

  void add(const std::string& key, Read read);
  template <class T>
  void field(const std::string& key, T& out) {
    add(key, [&out](const JsonPlace& at, const nlohmann::json& v) { readJson(at, v, out); });
  }
  // Reads `object` (which must be an object).
  void read(const nlohmann::json& object) const;

 private:
  void readLevel(const nlohmann::json& object, const std::string& path) const;
  JsonPlace placeOf(const std::string& key) const;

  std::string prefix_;
  JsonPlace::Kind kind_;
  std::string what_;
  std::map<std::string, Read> readers_;
  std::set<std::string> groups_;
  std::set<std::string> known_;  // keys and groups, for suggestions
};

}  // namespace zd
