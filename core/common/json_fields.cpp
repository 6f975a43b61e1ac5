#include "core/common/json_fields.h"

#include "core/common/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

namespace zd {

using nlohmann::json;

JsonPlace::JsonPlace(Kind kind, std::string what, std::string path)
    : kind_(kind), what_(std::move(what)), path_(std::move(path)) {}

JsonPlace JsonPlace::operator/(const std::string& name) const {
  return JsonPlace(kind_, what_, path_.empty() ? name : path_ + "." + name);
}

std::string JsonPlace::describe() const { return what_ + " '" + path_ + "'"; }

void JsonPlace::fail(const std::string& problem) const {
  const std::string message = describe() + ": " + problem;
  if (kind_ == Kind::Setting) throw ConfigError(message);
  throw DataError(message);
}

void JsonPlace::wrongType(const std::string& expected, const json& v) const {
  fail("expected " + expected + ", got " + shownJson(v));
}

std::string shownJson(const json& v) {
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  constexpr std::size_t kMax = 60;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

json::json_pointer jsonPointer(const std::string& dotted_key) {
  std::string p = "/" + dotted_key;
  std::replace(p.begin(), p.end(), '.', '/');
  return json::json_pointer(p);
}

const json& jsonMember(const JsonPlace& at, const json& object, const std::string& key) {
  const auto it = object.find(key);
  if (it == object.end()) (at / key).fail("missing");
  return *it;
}

namespace {

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

// One reader for every integer type: whole floats accepted, the range checked
// before converting (a float beyond the type's range would be undefined behaviour).
template <class Int>
void readInteger(const JsonPlace& at, const json& v, Int& out) {
  const std::string expected = std::is_signed_v<Int> ? "an integer" : "a non-negative integer";
  double whole = 0;
  if (!v.is_number() || (v.is_number_float() && std::modf(v.get<double>(), &whole) != 0.0)) at.wrongType(expected, v);
  const long double x = v.is_number_unsigned()  ? static_cast<long double>(v.get<uint64_t>())
                        : v.is_number_integer() ? static_cast<long double>(v.get<int64_t>())
                                                : static_cast<long double>(whole);
  if (x < 0 && !std::is_signed_v<Int>) at.wrongType(expected, v);
  if (!(x >= static_cast<long double>(std::numeric_limits<Int>::min()) &&
        x <= static_cast<long double>(std::numeric_limits<Int>::max())))
    at.wrongType(expected + " up to " + std::to_string(std::numeric_limits<Int>::max()), v);
  out = v.is_number_unsigned()  ? static_cast<Int>(v.get<uint64_t>())
        : v.is_number_integer() ? static_cast<Int>(v.get<int64_t>())
                                : static_cast<Int>(whole);
}

template <class T>
void readArray(const JsonPlace& at, const json& v, std::vector<T>& out, const char* expected) {
  if (!v.is_array()) at.wrongType(expected, v);
  out.assign(v.size(), T{});
  for (std::size_t i = 0; i < v.size(); ++i) readJson(at, v[i], out[i]);
}

}  // namespace

std::string closestKey(const std::string& unknown, const std::set<std::string>& known) {
  const std::string tail = lastPart(unknown);
  const std::size_t allowed = std::max<std::size_t>(2, tail.size() / 3);
  std::string best;
  std::size_t best_score = allowed + 1;
  for (const auto& candidate : known) {
    const std::size_t score = std::min(editDistance(unknown, candidate), editDistance(tail, lastPart(candidate)) + 1);
    if (score < best_score) {
      best_score = score;
      best = candidate;
    }
  }
  return best;
}

void readJson(const JsonPlace& at, const json& v, std::string& out) {
  if (!v.is_string()) at.wrongType("a string", v);
  out = v.get<std::string>();
}

void readJson(const JsonPlace& at, const json& v, bool& out) {
  if (!v.is_boolean()) at.wrongType("true or false", v);
  out = v.get<bool>();
}

void readJson(const JsonPlace& at, const json& v, double& out) {
  if (v.is_null() && at.kind() == JsonPlace::Kind::Record) out = std::numeric_limits<double>::quiet_NaN();
  else if (v.is_number()) out = v.get<double>();
  else at.wrongType("a number", v);
}

void readJson(const JsonPlace& at, const json& v, int& out) { readInteger(at, v, out); }
void readJson(const JsonPlace& at, const json& v, int64_t& out) { readInteger(at, v, out); }
void readJson(const JsonPlace& at, const json& v, uint64_t& out) { readInteger(at, v, out); }

void readJson(const JsonPlace& at, const json& v, std::vector<int>& out) {
  readArray(at, v, out, "an array of integers");
}
void readJson(const JsonPlace& at, const json& v, std::vector<double>& out) {
  readArray(at, v, out, "an array of numbers");
}
void readJson(const JsonPlace& at, const json& v, std::vector<std::string>& out) {
  readArray(at, v, out, "an array of strings");
}
void readJson(const JsonPlace& at, const json& v, std::vector<std::vector<double>>& out) {
  readArray(at, v, out, "an array of rows (arrays of numbers)");
}

KeyedObjectReader::KeyedObjectReader(std::string prefix, JsonPlace::Kind kind, std::string what)
    : prefix_(std::move(prefix)), kind_(kind), what_(std::move(what)) {}

void KeyedObjectReader::add(const std::string& key, Read read) {
  readers_[key] = std::move(read);
  known_.insert(key);
  // Every dotted prefix is a group that must be an object.
  for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1)) {
    groups_.insert(key.substr(0, dot));
    known_.insert(key.substr(0, dot));
  }
}

JsonPlace KeyedObjectReader::placeOf(const std::string& key) const {
  return JsonPlace(kind_, what_, prefix_.empty() ? key : key.empty() ? prefix_ : prefix_ + "." + key);
}

void KeyedObjectReader::read(const json& object) const {
  if (!object.is_object()) placeOf("").wrongType("an object", object);
  readLevel(object, "");
}

void KeyedObjectReader::readLevel(const json& object, const std::string& path) const {
  for (const auto& [name, value] : object.items()) {
    const std::string key = path.empty() ? name : path + "." + name;
    if (const auto reader = readers_.find(key); reader != readers_.end()) {
      reader->second(placeOf(key), value);
    } else if (groups_.count(key)) {
      if (!value.is_object()) placeOf(key).wrongType("an object", value);
      readLevel(value, key);
    } else {
      const std::string suggestion = closestKey(key, known_);
      placeOf(key).fail(suggestion.empty() ? "unknown"
                                           : "unknown (did you mean '" + placeOf(suggestion).path() + "'?)");
    }
  }
}

}  // namespace zd
