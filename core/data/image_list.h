// A list of labelled image files — what a folder scan or a CSV manifest yields — and
// its loading into a Dataset: parallel decoding, channel mode, classes and splits.
#pragma once

#include "core/data/image_load_options.h"
#include "core/data/image_set.h"
#include "core/data/load_report.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace zd {

// One image file with its class and, when the source is pre-split, its split.
struct LabelledFile {
  std::filesystem::path path;
  std::string label;  // class name
  int split = -1;     // 0 train, 1 val, 2 test; -1 when the source is not pre-split
};

// Labelled files and what was found wrong while listing them. Plain value type.
struct ImageList {
  std::string source;               // the folder or manifest, for messages and Dataset::source
  std::vector<LabelledFile> files;  // in a fixed order (sorted paths, manifest rows)
  // Every class folder seen (name, path), so that one without usable images is reported.
  std::vector<std::pair<std::string, std::string>> class_dirs;
  std::vector<SkippedFile> skipped;  // unreadable folders, link loops, bad manifest rows
  bool presplit = false;             // true: every file has its split (0, 1 or 2)
};

// Decodes every file of `list` in parallel (decodeImageFile, image_decode.h) into a
// Dataset of options.size² uint8 images. Classes are the labels that keep at least one
// usable image, sorted; channels are 1 when every image is grey, else 3. Without
// pre-split the images are split stratified and seeded: test first, then val out of
// the rest (splits.h). Bad files never abort: each is listed in report->skipped with
// its reason, after list.skipped. Throws DataError naming list.source when no usable
// image, only one class, or (pre-split) no train image remains; ConfigError for
// invalid options. Thread-safe: touches no shared state.
Dataset loadImageList(const ImageList& list, const ImageLoadOptions& options, LoadReport* report);

}  // namespace zd
