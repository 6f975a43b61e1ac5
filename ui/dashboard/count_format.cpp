#include "ui/dashboard/count_format.h"

#include <cmath>

QString formatCount(double count) {
  const double a = std::fabs(count);
  // Three significant digits: the budget bands and parameter counts differ in the
  // second digit, more would be noise on a plot axis.
  auto scaled = [&](double unit, const char* suffix) {
    const double v = count / unit;
    const int decimals = std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2;
    return QString::number(v, 'f', decimals) + QLatin1String(suffix);
  };
  if (a >= 999.5e3) return scaled(1e6, "M");
  if (a >= 999.5) return scaled(1e3, "k");
  return QString::number(std::llround(count));
}
