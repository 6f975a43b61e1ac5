// The words a budget is written in on the command line and in a study plan: none,
// small, medium, large (the presets of ALGORITHM.md §5), or MIN:MAX parameter counts
// with optional k/M suffixes (200k:1.5M) for a custom band.
#pragma once

#include "core/search/search_options.h"

#include <string>

namespace zd {

// What is wrong with `word` ("" when nothing), applying it to `budget` when it is
// right (a preset clears min/max: its band is computed from the space before the run).
std::string applyBudgetWord(const std::string& word, BudgetOptions& budget);

// The word `budget` is written in: the preset's name, or MIN:MAX for a custom band.
std::string budgetWord(const BudgetOptions& budget);

}  // namespace zd
