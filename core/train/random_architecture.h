// The random-architecture control of a study (issue 13's `random` method; Li and
// Talwalkar 2019): an architecture drawn uniformly from the search space, retrained
// the same way as a searched one, so that a search can be shown to beat chance at
// the same size. Thread-safety: pure function; the only state is the caller's rng.
#pragma once

#include "core/nas/genotype.h"
#include "core/nas/most_probable.h"

#include <optional>
#include <random>

namespace zd {

// Each edge's op uniform over the ops, a variable conv's kernel uniform over the
// kernels and each stage's depth uniform over 1..max_depth; a stage whose output is
// cut off from its input is redrawn (as sampleGenotype does). With a `window`, the
// whole architecture is redrawn until its exact size (exactParams at `shape`) lies
// in it. Throws ConfigError naming the window and the space's range when
// `max_draws` draws all miss it.
Genotype randomArchitecture(const CountShape& shape, int max_depth, const std::optional<ParamWindow>& window,
                            std::mt19937_64& rng, int max_draws = 100000);

}  // namespace zd
