// Tiny labelled data for engine tests: 3 classes of 16×16 grayscale images that
// differ in where a bright bar sits, and a small genotype to retrain on them.
#pragma once

#include "core/data/image_set.h"
#include "core/nas/genotype.h"

#include <torch/torch.h>

inline zd::ImageSet barImages(int64_t per_class, uint64_t seed) {
  torch::manual_seed(seed);
  const int64_t n = 3 * per_class;
  auto images = torch::randint(0, 60, {n, 1, 16, 16}, torch::kFloat);
  auto labels = torch::arange(n, torch::kLong) % 3;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = labels[i].item<int64_t>();
    images[i][0].narrow(0, 1 + 5 * c, 4).narrow(1, 3, 10) += 150;
  }
  return {images.clamp(0, 255).to(torch::kUInt8), labels};
}

// The same one-cell stage three times (conv 3×3, skip, conv 1×1, pool, conv 5×5).
inline zd::Genotype barGenotype() {
  zd::Genotype g;
  const auto cell = zd::StageGenotype::fromString(
      "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_5x5~2|", 1);
  g.stages = {cell, cell, cell};
  return g;
}
