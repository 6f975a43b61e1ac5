// Per-epoch schedules of the search: the sparsemax temperature T (ALGORITHM.md §2),
// the cosine-annealed weight learning rate (§4) and the budget weight λ (§5).
// Thread-safety: pure functions.
#pragma once

#include "core/search/search_options.h"

namespace zd {

// T at `epoch` (>= 0): t0 · decay^floor(epoch / every), or t0 when !anneal.
// Throws ConfigError when annealing with every < 1.
double temperatureAt(const TemperatureOptions& options, int epoch);

// Weight lr at `epoch` of `epochs`, as PyTorch's CosineAnnealingLR(T_max = epochs,
// eta_min = lr_min) stepped once per epoch; lr when epochs < 1.
double weightLrAt(const WeightOptimOptions& options, int epoch, int epochs);

// Budget penalty weight λ = lambda0 / T at temperature T (> 0).
double budgetLambdaAt(const BudgetOptions& options, double temperature);

}  // namespace zd
