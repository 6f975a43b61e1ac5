// The run configuration: one JSON document holding every setting of a run, as
// resolved (defaults filled in). Saved as config.json in the run directory.
#pragma once

#include "core/data/image_load_options.h"
#include "core/search/search_options.h"
#include "core/train/train_options.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace zd {

// Where the images come from and how they are prepared.
struct DataOptions {
  std::string path;            // .npz file (MedMNIST layout), image folder or .csv manifest
  double arch_fraction = 0.5;  // share of train+val that trains the architecture (§4)
  ImageLoadOptions images;     // decoding and splitting of image folders / manifests / DICOM
  bool cache = true;           // keep decoded image sets on disk (dataset_cache.h)
  std::string cache_dir;       // "" = $ZODARTS_CACHE_DIR, $XDG_CACHE_HOME/zodarts or ~/.cache/zodarts
};

struct RunConfig {
  DataOptions data;
  SearchOptions search;
  TrainOptions train;           // retraining the derived network (§7)
  std::string device = "auto";  // auto | cpu | cuda | cuda:N
  int threads = 0;              // LibTorch intra-op threads, 0 = all cores
  // cuDNN tries its convolution algorithms on the first batches and keeps the
  // fastest (CUDA only; the CPU has no cuDNN). Off: cuDNN's heuristic choice.
  bool cudnn_benchmark = true;
  std::string out;  // run directory
};

// Every key with its value (defaults filled in).
nlohmann::json toJson(const RunConfig& config);

// Reads a (possibly partial) config: missing keys keep `base`'s values. Unknown
// keys, wrong types and out-of-range values throw ConfigError naming the key
// ("search.epochs: must be >= 1, got 0").
RunConfig runConfigFromJson(const nlohmann::json& j, const RunConfig& base = RunConfig{});

// Checks ranges and consistency; throws ConfigError naming the key and why.
void validate(const RunConfig& config);

}  // namespace zd
