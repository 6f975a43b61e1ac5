#include "core/data/batch_augment.h"

#include "core/common/cuda_device.h"
#include "core/common/error.h"
#include "core/data/portable_random.h"

#include <torch/torch.h>

#include <algorithm>
#include <vector>

namespace zd {

namespace F = torch::nn::functional;

namespace {

// Resizing works in float32; this bounds the float copy of one chunk.
constexpr int64_t kResizeChunkBytes = int64_t{64} << 20;

void requireUint8Batch(const torch::Tensor& images, const char* what) {
  if (!images.defined() || images.dim() != 4 || images.scalar_type() != torch::kUInt8)
    throw DataError(std::string(what) + ": expected a uint8 image batch [B, C, H, W]");
}

}  // namespace

ImageSet resizeImages(const ImageSet& set, int size) {
  if (size < 1) throw ConfigError("image size must be at least 1, got " + std::to_string(size));
  if (set.size() == 0 || (set.height() == size && set.width() == size)) return set;
  requireUint8Batch(set.images, "resizeImages");
  const int64_t n = set.size(), c = set.channels();
  auto out = torch::empty({n, c, size, size}, set.images.options());
  const int64_t floats_per_image = c * std::max<int64_t>(set.height() * set.width(), int64_t{size} * size);
  const int64_t chunk = std::max<int64_t>(1, kResizeChunkBytes / (floats_per_image * 4));
  // Shrinking averages each output pixel's source area (torch's "area" mode, adaptive
  // average pooling): bilinear would sample only 4 source pixels and alias (224 → 32).
  // Enlarging stays bilinear, as the search's reference resizes 28 → 32.
  const bool shrink = set.height() >= size && set.width() >= size;
  auto options = F::InterpolateFuncOptions().size(std::vector<int64_t>{size, size});
  if (shrink) options.mode(torch::kArea);
  else options.mode(torch::kBilinear).align_corners(false);
  for (int64_t start = 0; start < n; start += chunk) {
    const int64_t k = std::min(chunk, n - start);
    auto resized = F::interpolate(set.images.narrow(0, start, k).to(torch::kFloat32), options);
    // Round (not truncate) so a constant image keeps its value.
    out.narrow(0, start, k).copy_(resized.round_().clamp_(0, 255));
  }
  return {out, set.labels};
}

torch::Tensor augmentBatch(const torch::Tensor& images_u8, const AugmentOptions& options, std::mt19937_64& rng) {
  requireUint8Batch(images_u8, "augmentBatch");
  const int64_t pad = options.crop_padding;
  if (pad < 0) throw ConfigError("crop padding must be >= 0, got " + std::to_string(pad));
  if (!options.flip && pad == 0) return toFloatImages(images_u8);
  const int64_t b = images_u8.size(0), c = images_u8.size(1), h = images_u8.size(2), w = images_u8.size(3);

  // Per image: source row dy + i and column dx + j (or dx + w−1−j when mirrored) of
  // the padded image, drawn in a fixed order so a saved rng state replays exactly.
  auto rows = torch::empty({b, h}, torch::kInt64);
  auto cols = torch::empty({b, w}, torch::kInt64);
  int64_t* r = rows.data_ptr<int64_t>();
  int64_t* q = cols.data_ptr<int64_t>();
  const auto span = static_cast<uint64_t>(2 * pad + 1);
  for (int64_t n = 0; n < b; ++n) {
    const bool flip = options.flip && coinFlip(rng);
    const auto dy = static_cast<int64_t>(uniformBelow(rng, span));
    const auto dx = static_cast<int64_t>(uniformBelow(rng, span));
    for (int64_t i = 0; i < h; ++i) r[n * h + i] = dy + i;
    for (int64_t j = 0; j < w; ++j) q[n * w + j] = dx + (flip ? w - 1 - j : j);
  }
  const auto device = images_u8.device();
  // Sent without waiting (pinned), so that augmenting on a GPU does not stall it.
  rows = toDeviceAsync(rows, device);
  cols = toDeviceAsync(cols, device);

  // Pad once for the whole batch, then two gathers pick every image's window.
  auto padded = pad > 0 ? F::pad(images_u8, F::PadFuncOptions({pad, pad, pad, pad}).mode(torch::kConstant).value(0))
                        : images_u8;
  auto picked_rows = padded.gather(2, rows.view({b, 1, h, 1}).expand({b, c, h, w + 2 * pad}));
  auto window = picked_rows.gather(3, cols.view({b, 1, 1, w}).expand({b, c, h, w}));
  return toFloatImages(window);
}

torch::Tensor toFloatImages(const torch::Tensor& images_u8) {
  requireUint8Batch(images_u8, "toFloatImages");
  return images_u8.to(torch::kFloat32).div_(255.0);
}

}  // namespace zd
