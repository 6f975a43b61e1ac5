// Image preparation for training: a one-off resize of a whole set, and per-batch
// augmentation done as whole-batch tensor ops (ALGORITHM.md §4: resize 28→32,
// random horizontal flip, random crop 32 with padding 4, scaled to [0, 1]).
// Pure functions; the only state is the caller's rng (saved in checkpoints).
#pragma once

#include "core/data/image_set.h"
#include "core/data/augment_options.h"

#include <torch/types.h>

#include <random>

namespace zd {

// Every image resized to size×size, rounded back to uint8, a bounded chunk at a time:
// shrinking by area averaging (torch interpolate mode "area"), enlarging bilinearly
// (align_corners = false); `set` itself when already that size. Labels are shared.
// Throws ConfigError for size < 1.
ImageSet resizeImages(const ImageSet& set, int size);

// Augments a uint8 batch [B, C, H, W] into float32 [B, C, H, W] in [0, 1] on the
// same device. For each image in turn it draws from `rng` only: a flip (p = 0.5) if
// options.flip, then crop offsets dy, dx uniform in [0, 2·pad], pad =
// options.crop_padding; the output is the H×W window at (dy, dx) of the image
// zero-padded by pad on every side, mirrored left–right when flipped (torchvision's
// RandomCrop(size, padding) + RandomHorizontalFlip). options.resize is not applied
// here: resize the set once with resizeImages. Throws DataError for a tensor that is
// not uint8 [B, C, H, W], ConfigError for a negative padding.
torch::Tensor augmentBatch(const torch::Tensor& images_u8, const AugmentOptions& options, std::mt19937_64& rng);

// A uint8 batch as float32 in [0, 1] on the same device, unaugmented (evaluation).
torch::Tensor toFloatImages(const torch::Tensor& images_u8);

}  // namespace zd
