// Image folders as clinicians keep them: one sub-folder per class (the folder name is
// the class name), images at any depth below it, optionally pre-split into top-level
// train/ val/ test/ folders. Decoded with OpenCV (only built with ZODARTS_WITH_OPENCV).
#pragma once

#include "core/data/image_set.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace zd {

// How an image folder is turned into a Dataset. Plain value type.
struct ImageLoadOptions {
  int size = 28;             // side of the square output images, in pixels (>= 1)
  bool pad = false;          // false: centre-crop to a square; true: zero-pad to a square
  double train = 0.7;        // split fractions used when the folder is not pre-split;
  double val = 0.1;          //   each >= 0, normalised by their sum (> 0)
  double test = 0.2;
  uint64_t seed = 0;         // seed of the stratified split (same seed → same split)
  int64_t max_pixels = 100'000'000;  // larger images (width·height) are skipped, unread
  int threads = 0;           // decoding threads; 0 = every hardware thread
};

// A file or folder that was left out, and why ("truncated PNG (no IEND chunk)").
struct SkippedFile {
  std::string path;
  std::string reason;
};

// What loadImageFolder saw, for the data summary. Plain value type.
struct LoadReport {
  std::vector<SkippedFile> skipped;        // every bad file / empty class folder
  std::map<std::string, int64_t> formats;  // "PNG", "JPEG", "BMP", "TIFF", "PNM", "DICOM"
                                           //   → usable images
  std::set<std::pair<int, int>> sizes;     // (width, height) as stored, before crop/resize
  std::set<int> bit_depths;                // bits per channel sample as stored (8, 16, …)
  // The file behind each image of each split, in the split's order (empty for .npz).
  std::vector<std::string> train_files, val_files, test_files;
};

// Loads every image under `root` into a Dataset of size×size uint8 images, or throws
// DataError naming the folder when fewer than two classes keep at least one usable
// image (ConfigError for invalid options). Bad files never abort the load: each is
// listed in report->skipped (when report is not null) with its reason.
//
// Layout: class folders are the sub-folders of `root` (sorted by name; hidden ones
// ignored), or of root/train, root/val (or valid/validation) and root/test when
// `root` holds train and test folders — those are then the splits. Otherwise the
// images are split stratified and seeded: test first, then val out of the rest
// (splits.h). Channels: 1 when every image is grayscale (a colour image whose
// channels are all equal counts as grayscale), else 3 (RGB; grayscale replicated,
// alpha dropped). Samples of more than 8 bits are scaled to 0..255 by each image's
// own min–max. DICOM files (".dcm", or the DICM magic under any name) give their
// middle frame through decodeDicom (dicom_image.h: modality LUT, the file's window or
// min–max, MONOCHROME1 inverted); builds without ZODARTS_WITH_DICOM skip them with a
// reason. Each image is centre-cropped (or padded) to a square and resized
// with area interpolation. Symbolic links are followed, loops reported and cut.
// Files without an image extension (.png .jpg .jpeg .jpe .bmp .dib .tif .tiff .pgm
// .ppm .pbm .pnm .dcm) or DICM magic are ignored silently. Thread-safe: touches no
// shared state.
Dataset loadImageFolder(const std::filesystem::path& root, const ImageLoadOptions& options,
                        LoadReport* report);

}  // namespace zd
