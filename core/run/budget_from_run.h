// Preset bands the reference's way (ALGORITHM.md §5): percentiles of the sizes of
// architectures sampled from the final distributions of an earlier unconstrained
// run on the same data (`zodarts search --budget medium --budget-from RUN_DIR`).
#pragma once

#include "core/nas/most_probable.h"
#include "core/search/budget.h"

#include <filesystem>

namespace zd {

// The band of options.preset (small, medium or large) from options.samples
// architectures drawn (std::mt19937_64(seed)) from the distributions of the last
// finished epoch in run_dir/events.jsonl, counted at `shape` with `cells` cells
// per stage. Throws ConfigError naming the run and the problem when it has no
// finished epoch, was itself budgeted, or was searched on data with other classes
// or channels, or at another N.
BudgetBand budgetFromRun(const BudgetOptions& options, const std::filesystem::path& run_dir, const CountShape& shape,
                         int cells, uint64_t seed);

// The band a search with `options` gets on data of `shape`: from options.budget
// (resolveBudget), or from budget.from_run when set (budgetFromRun); seeded with
// options.seed. The one place the CLI, the engine and the studio's wizard take it from.
BudgetBand resolveSearchBudget(const SearchOptions& options, const CountShape& shape);

}  // namespace zd
