#include "core/common/count_text.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace zd {

std::optional<double> parseCount(const std::string& text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  std::string number = text.substr(begin, end - begin);
  double unit = 1;
  if (!number.empty() && (number.back() == 'k' || number.back() == 'K')) unit = 1e3;
  else if (!number.empty() && number.back() == 'M') unit = 1e6;
  if (unit != 1) {
    number.pop_back();
    while (!number.empty() && std::isspace(static_cast<unsigned char>(number.back()))) number.pop_back();
  }
  // digits [. digits] [e [+-] digits], or . digits: strtod alone would also take
  // "inf", "0x1p3", a sign or leading spaces.
  std::size_t i = 0, digits = 0;
  auto take_digits = [&] {
    std::size_t n = 0;
    while (i < number.size() && std::isdigit(static_cast<unsigned char>(number[i]))) ++i, ++n;
    return n;
  };
  digits += take_digits();
  if (i < number.size() && number[i] == '.') {
    ++i;
    const std::size_t fraction = take_digits();
    if (fraction == 0) return std::nullopt;  // "1." reads as a typo
    digits += fraction;
  }
  if (digits == 0) return std::nullopt;
  if (i < number.size() && (number[i] == 'e' || number[i] == 'E')) {
    ++i;
    if (i < number.size() && (number[i] == '+' || number[i] == '-')) ++i;
    if (take_digits() == 0) return std::nullopt;
  }
  if (i != number.size()) return std::nullopt;
  const double value = std::strtod(number.c_str(), nullptr) * unit;
  if (!std::isfinite(value)) return std::nullopt;
  return std::round(value);
}

std::string formatCount(double count) {
  const double a = std::fabs(count);
  char buf[48];
  // Three significant digits: budget bands and parameter counts differ in the
  // second digit, more would be noise on a plot axis.
  auto scaled = [&](double unit, const char* suffix) {
    const double v = count / unit;
    const int decimals = std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2;
    std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v, suffix);
    return std::string(buf);
  };
  if (a >= 999.5e3) return scaled(1e6, "M");
  if (a >= 999.5) return scaled(1e3, "k");
  std::snprintf(buf, sizeof buf, "%lld", std::llround(count));
  return buf;
}

std::string exactCount(double count) {
  char buf[48];
  if (count != 0 && std::fmod(count, 1e6) == 0) std::snprintf(buf, sizeof buf, "%.0fM", count / 1e6);
  else if (count != 0 && std::fmod(count, 1e3) == 0) std::snprintf(buf, sizeof buf, "%.0fk", count / 1e3);
  else std::snprintf(buf, sizeof buf, "%.15g", count);
  return buf;
}

}  // namespace zd
