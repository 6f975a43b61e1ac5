// How batches are augmented, in the search (ALGORITHM.md §4) and the retraining
// (§7) alike: a config section of each (search.augment, train.augment).
#pragma once

namespace zd {

// Images are scaled to [0, 1], then:
struct AugmentOptions {
  int resize = 32;       // images are resized to resize x resize (0 = keep)
  bool flip = true;      // random horizontal flip
  int crop_padding = 4;  // random crop of the resized size with this zero padding
};

}  // namespace zd
