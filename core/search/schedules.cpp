#include "core/search/schedules.h"

#include "core/common/error.h"

#include <cmath>
#include <string>

namespace zd {

double temperatureAt(const TemperatureOptions& options, int epoch) {
  if (!options.anneal) return options.t0;  // ZO-DARTS baseline: fixed T
  if (options.every < 1) throw ConfigError("temperature: 'every' must be >= 1, got " + std::to_string(options.every));
  // T is multiplied by `decay` at the start of epochs every, 2·every, …; epoch 0 keeps t0.
  const int steps = epoch > 0 ? epoch / options.every : 0;
  return options.t0 * std::pow(options.decay, steps);
}

double weightLrAt(const WeightOptimOptions& options, int epoch, int epochs) {
  if (epochs < 1) return options.lr;
  const double pi = std::acos(-1.0);
  return options.lr_min + (options.lr - options.lr_min) * (1.0 + std::cos(pi * epoch / epochs)) / 2.0;
}

double budgetLambdaAt(const BudgetOptions& options, double temperature) {
  // λ grows as T falls: the band is enforced hardest once the distributions are sharp.
  return options.lambda0 / temperature;
}

}  // namespace zd
