// Parameter counts as people write and read them ("135000", "200k", "1.5M", "2e5").
// One parser and two formatters, for the CLI's flags and output and the GUI's fields
// and plots, so that a count typed or shown anywhere means the same.
#pragma once

#include <optional>
#include <string>

namespace zd {

// A count: a non-negative decimal number (optional fraction and exponent) with an
// optional k/K (thousand) or M (million) suffix, spaces around allowed; rounded to a
// whole count. nullopt when malformed. Lower-case m is refused: it reads as "milli"
// as easily as "million".
std::optional<double> parseCount(const std::string& text);

// Three significant digits with a k/M suffix ("950", "12.3k", "807k", "4.91M");
// negative counts keep their sign. For reading, not for re-entering.
std::string formatCount(double count);

// With a k/M suffix only where that loses nothing ("200k", "3M", "1500k", "123456"),
// so that parseCount(exactCount(v)) == v for every whole v.
std::string exactCount(double count);

}  // namespace zd
