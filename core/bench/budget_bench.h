// `zodarts bench budget`: does a budgeted search end inside its band? Short
// searches over data sets × presets × seeds × variants of the architecture step
// (the perturbed copy's momentum, the penalty's gradient, a cap on the count's
// change, Adam's reset at the switch), each reporting whether the paper's argmax
// lands in the band, the in-band derivation's size, the architecture-half
// accuracy at the end, the supernet's accuracy restricted to the argmax and to
// the in-band architecture (the repair's cost), and how far single updates move
// the expected count. A benchmark that prints figures, not a test.
#pragma once

#include "core/run/run_config.h"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>
#include <vector>

namespace zd {

struct BudgetBenchOptions {
  std::vector<std::string> data;  // .npz files or image folders
  std::vector<std::string> presets{"small", "medium", "large"};
  std::vector<std::string> variants{"reference", "momentum", "penalty", "both"};
  int seeds = 3;             // seeds 0 .. seeds-1
  int64_t max_images = 600;  // per search half, a seeded subset (0 = all)
  RunConfig base;            // every other setting of the searches
};

// The variants by name: what each sets on top of `base` (reference = the paper's
// code: fresh momentum, projected penalty; both = this project's defaults).
std::vector<std::string> budgetBenchVariants();

// Runs every combination; `progress` gets one line per finished search. Returns
// {"runs": [...], "summary": {variant: {...}}, "settings": {...}}.
nlohmann::json runBudgetBench(const BudgetBenchOptions& options,
                              const std::function<void(const std::string&)>& progress = {});

}  // namespace zd
