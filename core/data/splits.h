// Seeded stratified splits, e.g. of train+val into the search's weight half and
// architecture half (ALGORITHM.md §4).
#pragma once

#include "core/data/image_set.h"

#include <cstdint>
#include <utility>

namespace zd {

// Index form of stratifiedSplit: ascending int64 indices into `labels` of the first
// and the second part, without copying any image.
std::pair<torch::Tensor, torch::Tensor> stratifiedSplitIndices(const torch::Tensor& labels, int64_t classes,
                                                               double second_fraction, uint64_t seed);

// Splits `set` in two, class by class: each class's images are shuffled with
// std::mt19937_64(seed) (identical on every machine), the first round(n_c·(1−f)) go
// to the first part, the rest to the second; a class with ≥ 2 images always has at
// least one in each part. Throws ConfigError unless 0 ≤ f ≤ 1 and DataError for a
// label outside [0, classes).
std::pair<ImageSet, ImageSet> stratifiedSplit(const ImageSet& set, int64_t classes, double second_fraction,
                                              uint64_t seed);

}  // namespace zd
