#include "core/run/budget_from_run.h"

#include "core/common/error.h"
#include "core/nas/param_count.h"
#include "core/run/event_log.h"
#include "core/run/run_directory.h"
#include "core/train/genotype_sampling.h"

#include <algorithm>
#include <optional>
#include <random>

namespace zd {

BudgetBand budgetFromRun(const BudgetOptions& options, const std::filesystem::path& run_dir, const CountShape& shape,
                         int cells, uint64_t seed) {
  const std::string where = "--budget-from " + run_dir.string();
  const auto events_path = RunDirectory::open(run_dir.string()).eventsPath();
  std::optional<RunStarted> started;
  std::optional<EpochFinished> last;
  for (const auto& event : readEventLog(events_path)) {
    if (const auto* s = std::get_if<RunStarted>(&event)) started = *s;
    if (const auto* e = std::get_if<EpochFinished>(&event)) last = *e;
  }
  if (!started || !last) throw ConfigError(where + ": the run has no finished search epoch to sample from");
  if (started->max_params > 0)
    throw ConfigError(where + ": that search was itself budgeted; bands come from an unconstrained run "
                              "(--budget none) on the same data");
  if (started->classes != shape.classes || started->channels != shape.in_channels)
    throw ConfigError(where + ": that search saw " + std::to_string(started->classes) + " classes and " +
                      std::to_string(started->channels) + " image channel(s), this data has " +
                      std::to_string(shape.classes) + " and " + std::to_string(shape.in_channels));
  const auto& d = last->distributions;
  if (!d.gamma.empty() && d.gamma[0].size() != static_cast<size_t>(cells))
    throw ConfigError(where + ": that search had " + std::to_string(d.gamma[0].size()) +
                      " cells per stage, this one has " + std::to_string(cells) + " (--cells)");
  if (options.samples < 1) throw ConfigError("budget: 'samples' must be >= 1, got " + std::to_string(options.samples));
  std::mt19937_64 rng(seed);
  std::vector<int64_t> counts;
  for (int i = 0; i < options.samples; ++i)
    counts.push_back(exactParams(sampleGenotype(d, cells, rng), shape.in_channels, shape.channels, shape.classes));
  std::sort(counts.begin(), counts.end());
  return bandFromCounts(options, counts, spaceSizeRange(shape, cells));
}

BudgetBand resolveSearchBudget(const SearchOptions& s, const CountShape& shape) {
  return s.budget.from_run.empty()
             ? resolveBudget(s.budget, shape.in_channels, shape.channels, s.network.cells, shape.classes, s.seed)
             : budgetFromRun(s.budget, s.budget.from_run, shape, s.network.cells, s.seed);
}

}  // namespace zd
