// What loading image files saw: skipped files with their reasons, formats, sizes and
// the file behind each image, for the data summary and the decoded-set cache.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace zd {

// A file, folder or manifest row that was left out, and why ("truncated PNG (no end marker)").
struct SkippedFile {
  std::string path;
  std::string reason;
};

// What a loader saw, for the data summary. Plain value type.
struct LoadReport {
  std::vector<SkippedFile> skipped;        // every bad file / empty class folder / bad row
  std::map<std::string, int64_t> formats;  // "PNG", "JPEG", "BMP", "TIFF", "PNM", "DICOM"
                                           //   → usable images
  std::set<std::pair<int, int>> sizes;     // (width, height) as stored, before crop/resize
  std::set<int> bit_depths;                // bits per channel sample as stored (8, 16, …)
  // The file behind each image of each split, in the split's order (empty for .npz).
  // A DICOM frame taken with ImageLoadOptions::all_frames reads "file.dcm#frame".
  std::vector<std::string> train_files, val_files, test_files;
  bool from_cache = false;  // true: read from the decoded-set cache
};

}  // namespace zd
