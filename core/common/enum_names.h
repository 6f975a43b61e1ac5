// Settings that take one of a few words ("zo" or "darts1") are enums in the engine,
// parsed once where a config is read. Each enum lists its words next to its values
// in a `namesOf(E)` function found by argument-dependent lookup:
//   enum class Precision { Fp32, Bf16 };
//   constexpr std::array<EnumName<Precision>, 2> namesOf(Precision) {
//     return {{{Precision::Fp32, "fp32"}, {Precision::Bf16, "bf16"}}};
//   }
// and these templates give its name, parse its words and list them for messages.
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace zd {

template <class E>
struct EnumName {
  E value;
  const char* name;
};

template <class E>
const char* nameOf(E value) {
  for (const auto& n : namesOf(E{}))
    if (n.value == value) return n.name;
  return "?";
}

template <class E>
std::optional<E> enumFromName(const std::string& name) {
  for (const auto& n : namesOf(E{}))
    if (name == n.name) return n.value;
  return std::nullopt;
}

template <class E>
std::vector<std::string> enumNames() {
  std::vector<std::string> out;
  for (const auto& n : namesOf(E{})) out.push_back(n.name);
  return out;
}

// "\"zo\" or \"darts1\"", "\"auto\", \"on\" or \"off\"".
template <class E>
std::string enumChoices() {
  const auto names = enumNames<E>();
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text += "\"" + names[i] + "\"";
  }
  return text;
}

}  // namespace zd
