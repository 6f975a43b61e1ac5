// A whole search run as the CLI and the GUI start it: load and split the data,
// resolve the budget band, prepare the run directory (config.json, events.jsonl,
// checkpoint.pt, genotype.json) and run the search loop, or resume it.
#pragma once

#include "core/data/load_report.h"
#include "core/run/run_config.h"
#include "core/job/job_events.h"
#include "core/search/search_loop.h"

#include <filesystem>
#include <functional>
#include <string>

namespace zd {

struct SearchRunOutcome {
  SearchResult result;
  std::filesystem::path run_dir;
};

// Runs the search `config` describes into config.out (a new run directory), or
// with `resume` continues the run in config.out from its checkpoint. Events go to
// `observer` (and to the run's events.jsonl) on the calling thread. `status`, when
// given, receives one-line messages about preparation ("loaded 2,940 images …").
// Throws zd::Error with a message naming the file or setting at fault.
SearchRunOutcome runSearch(const RunConfig& config, JobObserver& observer, StopToken& stop, bool resume,
                           const std::function<void(const std::string&)>& status = {});

// The run's data set as config.data describes it (the one loader of search, train
// and evaluate, so all three see the same splits: config.data.images, through the
// decoded-set cache unless config.data.cache is false); fills `report` when given.
// Throws DataError naming the path.
Dataset loadRunDataset(const RunConfig& config, LoadReport* report = nullptr);

// The two search halves of a data set (train + val merged, split stratified by
// data.arch_fraction with the search seed) resized for the network (§4).
SearchData prepareSearchData(const Dataset& dataset, const RunConfig& config);

}  // namespace zd
