// Deriving the final architecture of a search (ALGORITHM.md §6): the paper's
// argmax and, when a budget band is set, the most probable connected architecture
// inside the band, with what the second changed from the first.
// Thread-safety: pure functions.
#pragma once

#include "core/nas/genotype.h"
#include "core/nas/most_probable.h"
#include "core/search/architecture.h"
#include "core/search/budget.h"

#include <string>
#include <vector>

namespace zd {

struct Derivation {
  Genotype argmax;  // the paper's per-choice argmax of the logits
  int64_t argmax_params = 0;
  Genotype genotype;  // the architecture delivered (retrained, exported)
  int64_t params = 0;
  std::string method;                // "argmax" or "in-band"
  std::vector<std::string> changes;  // from argmax to genotype (describeChanges)
  // Why the delivered architecture is not what `method` promises, e.g. "no
  // architecture of phase 1's space lies in the band" (empty when it is).
  std::string note;
};

// The log-probabilities mostProbableArchitecture maximises: log-softmax of each
// row of α, β, γ divided by T, in double; β and γ only in phase 2.
ChoiceScores choiceScores(const Architecture& arch, double temperature, bool phase2);

// Derives under `mode` (search.derive: auto | band | argmax). With a band, the
// most probable connected architecture inside it; without, the argmax, with any
// stage cut off from its input replaced by its most probable connected cell.
Derivation deriveArchitecture(const Architecture& arch, double temperature, bool phase2, const CountShape& shape,
                              const BudgetBand& band, DeriveMode mode);

// Refuses a band that no connected architecture of the space reaches: throws
// ConfigError naming the smallest and largest possible sizes. `phase2`: the space
// the search ends in (kernels and depths searched).
void requireReachableBand(const BudgetBand& band, const CountShape& shape, int max_depth, bool phase2);

// Whether a search with these options reaches phase 2 (kernels and depths searched).
bool reachesPhase2(const SearchOptions& options);

// The inclusive window of exact counts a band allows.
ParamWindow windowOf(const BudgetBand& band);

}  // namespace zd
