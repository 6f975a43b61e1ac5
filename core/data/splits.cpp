#include "core/data/splits.h"

#include "core/common/error.h"
#include "core/data/portable_random.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace zd {

namespace {

torch::Tensor toIndexTensor(std::vector<int64_t>& indices) {
  std::sort(indices.begin(), indices.end());  // keep the original order within each part
  return torch::tensor(indices, torch::kInt64);
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> stratifiedSplitIndices(const torch::Tensor& labels, int64_t classes,
                                                               double second_fraction, uint64_t seed) {
  if (!(second_fraction >= 0.0 && second_fraction <= 1.0))
    throw ConfigError("split fraction must be between 0 and 1, got " + std::to_string(second_fraction));
  if (classes < 1) throw ConfigError("a split needs at least one class, got " + std::to_string(classes));
  const torch::Tensor l = labels.to(torch::kCPU, torch::kInt64).contiguous();
  const int64_t* lab = l.data_ptr<int64_t>();

  std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(classes));
  for (int64_t i = 0; i < l.numel(); ++i) {
    if (lab[i] < 0 || lab[i] >= classes)
      throw DataError("label " + std::to_string(lab[i]) + " at index " + std::to_string(i) + " is outside [0, " +
                      std::to_string(classes) + ")");
    by_class[static_cast<size_t>(lab[i])].push_back(i);
  }

  std::mt19937_64 rng(seed);
  std::vector<int64_t> first, second;
  for (auto& members : by_class) {
    portableShuffle(members, rng);
    const auto n = static_cast<int64_t>(members.size());
    auto n_first = static_cast<int64_t>(std::llround(static_cast<double>(n) * (1.0 - second_fraction)));
    if (n >= 2) n_first = std::clamp<int64_t>(n_first, 1, n - 1);  // both parts see every class
    first.insert(first.end(), members.begin(), members.begin() + n_first);
    second.insert(second.end(), members.begin() + n_first, members.end());
  }
  return {toIndexTensor(first), toIndexTensor(second)};
}

std::pair<ImageSet, ImageSet> stratifiedSplit(const ImageSet& set, int64_t classes, double second_fraction,
                                              uint64_t seed) {
  if (set.size() == 0) {
    stratifiedSplitIndices(torch::empty({0}, torch::kInt64), classes, second_fraction,
                           seed);  // validates
    return {set, set};
  }
  const auto [first, second] = stratifiedSplitIndices(set.labels, classes, second_fraction, seed);
  const auto device = set.labels.device();
  return {set.select(first.to(device)), set.select(second.to(device))};
}

}  // namespace zd
