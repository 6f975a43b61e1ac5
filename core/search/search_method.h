// The named methods of ALGORITHM.md §8, each a setting of the same engine's
// switches (search.method):
//   zo-darts++  zeroth-order estimator, sparsemax, annealing, size search (the paper's)
//   zo-darts+   zeroth-order, sparsemax, annealing, fixed size
//   zo-darts    zeroth-order, softmax, no annealing, fixed size
//   darts-v1    DARTS first order: direct gradient, softmax, no annealing, fixed size
//   darts-v2    DARTS second order: unrolled gradient, softmax, no annealing, fixed size
//   random      no search: an architecture drawn uniformly from the space, inside the
//               budget band when one is set (the control; only the estimator matters)
//   custom      any other combination (an ablation)
// The method is not stored beside the switches (it could disagree with them): a
// config that names one gets its switches as defaults and a switch set against it is
// refused (use custom); config.json names the method its switches make.
#pragma once

#include "core/search/search_options.h"

#include <string>
#include <vector>

namespace zd {

// The switches `method` stands for (custom: leaves `options` as they are).
void applyMethod(Method method, SearchOptions& options);

// The named method whose switches `options` has, or custom.
Method methodOf(const SearchOptions& options);

// The config keys of the switches a method sets.
const std::vector<std::string>& methodSwitchKeys();

// "" when `method`'s switches are those of `options`, else the first disagreement:
// "means search.distribution \"softmax\", got \"sparsemax\"".
std::string methodConflict(Method method, const SearchOptions& options);

}  // namespace zd
