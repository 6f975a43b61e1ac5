// The one search loop of ZO-DARTS++ (ALGORITHM.md §4): epochs of weight steps on
// the weight half with architecture updates on the other half, annealing, the
// phase switch, events for every observer, a checkpoint every epoch (and on
// cancel), and exact resume. It knows nothing of its audience.
#pragma once

#include "core/data/image_set.h"
#include "core/nas/genotype.h"
#include "core/nas/supernet.h"
#include "core/search/budget.h"
#include "core/search/derivation.h"
#include "core/job/job_events.h"
#include "core/search/search_options.h"

#include <torch/types.h>

#include <filesystem>

namespace zd {

// The two disjoint halves of the training data, already resized for the network.
struct SearchData {
  ImageSet weight_half;  // trains the weights w
  ImageSet arch_half;    // trains the architecture A ("validation" half)
  int64_t classes = 0;
};

struct SearchResult {
  Genotype genotype;  // the derived architecture (derivation.genotype)
  int64_t params = 0;
  Derivation derivation;
  bool cancelled = false;
  double seconds = 0;
  int epochs_done = 0;
};

// The supernet a search with `options` builds for `data` on `device`.
SupernetOptions supernetOptionsFor(const SearchOptions& options, const SearchData& data, const torch::Device& device);

// Runs (or, with `resume`, continues from `checkpoint`) a search. Events go to
// `observer` on the calling thread; `stop` is polled between steps. A cancelled
// run writes its checkpoint first. Throws zd::Error on bad input or I/O failure
// (after emitting RunFailed).
SearchResult runSearchLoop(const SearchOptions& options, const SearchData& data, BudgetBand band, torch::Device device,
                           JobObserver& observer, StopToken& stop, const std::filesystem::path& checkpoint,
                           bool resume);

}  // namespace zd
