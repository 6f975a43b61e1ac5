// An enum setting as a command-line value: the flag takes the enum's config words
// (core/common/enum_names.h), refuses others naming the choices, and --help shows the
// current word, e.g. --precision fp32|bf16 [fp32].
#pragma once

#include "core/common/enum_names.h"

#include <CLI/CLI.hpp>

#include <map>
#include <string>

namespace zd {

template <class E>
CLI::Option* takesEnumWords(CLI::Option* option, E current) {
  std::map<std::string, E> words;
  for (const auto& n : namesOf(E{})) words[n.name] = n.value;
  return option->transform(CLI::CheckedTransformer(words))->default_str(nameOf(current));
}

}  // namespace zd
