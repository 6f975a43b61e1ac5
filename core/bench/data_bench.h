// `zodarts inspect-data --bench`: images per second of decoding an image folder (or
// CSV manifest) and of reopening it from the decoded-set cache.
#pragma once

#include "core/data/image_load_options.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace zd {

struct DataBenchOptions {
  std::string path;       // image folder or .csv manifest to time; "" = generate PNGs
  int images = 3000;      // PNGs generated when `path` is empty
  int source_size = 256;  // side of the generated (grey, 8-bit) PNGs
  int classes = 4;        // class folders of the generated set
  int repeats = 3;        // cache hits timed; the fastest is reported
  ImageLoadOptions load;  // decoding settings (size, threads, …)
};

// Loads the set without cache (decode), then into an empty temporary cache (decode +
// write), then `repeats` times from it (hit), and returns {"images", "threads",
// "decode": {"seconds", "images_per_s"}, "cache_write_seconds", "cache_hit":
// {"seconds", "images_per_s"}, "cache_bytes", "settings": {...}}. Generated files and
// the temporary cache are removed afterwards. Throws DataError in a build without
// OpenCV or when the set cannot be loaded.
nlohmann::json runDataBench(const DataBenchOptions& options);

}  // namespace zd
