#include "core/data/image_set.h"

#include "core/common/error.h"

#include <torch/torch.h>

namespace zd {

ImageSet ImageSet::select(const torch::Tensor& indices) const {
  return {images.index_select(0, indices), labels.index_select(0, indices)};
}

ImageSet ImageSet::concat(const ImageSet& a, const ImageSet& b) {
  if (a.size() == 0) return b;
  if (b.size() == 0) return a;
  if (a.images.sizes().slice(1) != b.images.sizes().slice(1))
    throw DataError("cannot merge image sets of different image shapes");
  return {torch::cat({a.images, b.images}), torch::cat({a.labels, b.labels})};
}

std::vector<int64_t> ImageSet::classCounts(int64_t classes) const {
  std::vector<int64_t> counts(static_cast<size_t>(classes), 0);
  if (size() == 0) return counts;
  const auto bins = torch::bincount(labels, /*weights=*/{}, /*minlength=*/classes);
  for (int64_t c = 0; c < classes; ++c) counts[static_cast<size_t>(c)] = bins[c].item<int64_t>();
  return counts;
}

}  // namespace zd
