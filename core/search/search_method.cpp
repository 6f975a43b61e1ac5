#include "core/search/search_method.h"

#include <nlohmann/json.hpp>

namespace zd {

void applyMethod(Method method, SearchOptions& o) {
  if (method == Method::Custom) return;
  if (method == Method::Random) {  // draws, does not search: the other switches do nothing
    o.arch.estimator = Estimator::Random;
    return;
  }
  const bool zo = method == Method::ZoDartsPP || method == Method::ZoDartsPlus || method == Method::ZoDarts;
  o.arch.estimator = zo ? Estimator::Zo : method == Method::DartsV1 ? Estimator::Darts1 : Estimator::Darts2;
  const bool sparse = method == Method::ZoDartsPP || method == Method::ZoDartsPlus;
  o.distribution = sparse ? Distribution::Sparsemax : Distribution::Softmax;
  o.temperature.anneal = sparse;
  o.size_search = method == Method::ZoDartsPP;
}

namespace {

struct Switch {
  const char* key;
  std::string (*show)(const SearchOptions&);
};

template <class E>
std::string quoted(E value) {
  return nlohmann::json(nameOf(value)).dump();
}
std::string boolean(bool b) { return b ? "true" : "false"; }

const std::vector<Switch>& switches() {
  static const std::vector<Switch> kSwitches = {
      {"search.arch.estimator", [](const SearchOptions& o) { return quoted(o.arch.estimator); }},
      {"search.distribution", [](const SearchOptions& o) { return quoted(o.distribution); }},
      {"search.temperature.anneal", [](const SearchOptions& o) { return boolean(o.temperature.anneal); }},
      {"search.size_search", [](const SearchOptions& o) { return boolean(o.size_search); }},
  };
  return kSwitches;
}

}  // namespace

const std::vector<std::string>& methodSwitchKeys() {
  static const std::vector<std::string> kKeys = [] {
    std::vector<std::string> keys;
    for (const auto& s : switches()) keys.push_back(s.key);
    return keys;
  }();
  return kKeys;
}

std::string methodConflict(Method method, const SearchOptions& options) {
  if (method == Method::Custom) return "";
  SearchOptions expected = options;
  applyMethod(method, expected);
  for (const auto& s : switches()) {
    if (method == Method::Random && std::string(s.key) != "search.arch.estimator") continue;
    if (s.show(expected) != s.show(options))
      return std::string("means ") + s.key + " " + s.show(expected) + ", got " + s.show(options);
  }
  return "";
}

Method methodOf(const SearchOptions& options) {
  for (const auto& named : namesOf(Method{})) {
    if (named.value == Method::Custom) continue;
    if (methodConflict(named.value, options).empty()) return named.value;
  }
  return Method::Custom;
}

}  // namespace zd
