// The settings that turn image files (folders, CSV manifests, DICOM) into a Dataset.
#pragma once

#include <cstdint>

namespace zd {

// How image files are turned into a Dataset. Plain value type.
struct ImageLoadOptions {
  int size = 28;       // side of the square output images, in pixels (>= 1)
  bool pad = false;    // false: centre-crop to a square; true: zero-pad to a square
  double train = 0.7;  // split fractions used when the set is not pre-split;
  double val = 0.1;    //   each >= 0, normalised by their sum (> 0)
  double test = 0.2;
  uint64_t seed = 0;                 // seed of the stratified split (same seed → same split)
  int64_t max_pixels = 100'000'000;  // larger images (width·height) are skipped, unread
  int threads = 0;                   // decoding threads; 0 = every hardware thread
  bool all_frames = false;           // multi-frame DICOM: every frame an image (false: the middle one)
};

// Throws ConfigError naming the setting when `options` is out of range.
void checkImageLoadOptions(const ImageLoadOptions& options);

}  // namespace zd
