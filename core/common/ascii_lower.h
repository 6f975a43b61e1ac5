// Case folding for file extensions and column names, which are ASCII: a locale-free
// tolower per byte (UTF-8 bytes above 127 are left as they are).
#pragma once
#include <algorithm>
#include <cctype>
#include <string>

namespace zd {

// `s` with ASCII letters in lower case.
inline std::string asciiLower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return c < 128 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c); });
  return s;
}

}  // namespace zd
