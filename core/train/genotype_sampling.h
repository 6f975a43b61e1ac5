// The reference's way to pick the retrained architecture (ALGORITHM.md §7): draw it
// from the search's final distributions instead of taking their argmax.
// Thread-safety: pure function; the only state is the caller's rng.
#pragma once

#include "core/nas/genotype.h"
#include "core/job/job_events.h"

#include <random>

namespace zd {

// Per stage: each edge's op drawn from its α distribution (row s·6 + e), a variable
// conv's kernel from its β row (7×7 when β is empty: phase 1), the depth from the
// stage's γ row + 1 (`max_depth` when γ is empty). A stage whose cell output is
// disconnected (StageGenotype::outputConnected) has its edges redrawn, up to
// `max_draws` times; when no draw connects it (e.g. one-hot distributions on a
// disconnected cell) the last draw is kept and `*disconnected` (when given) counts it.
// Throws ConfigError when the distributions have the wrong shape or a row that is
// not a distribution (negative entries, zero sum).
Genotype sampleGenotype(const ArchDistributions& distributions, int max_depth, std::mt19937_64& rng,
                        int max_draws = 1000, int* disconnected = nullptr);

}  // namespace zd
