// `zodarts bench-onnx`: inference latency of an exported model in OpenCV's DNN module
// (the deployment path of `zodarts predict`) at a few batch sizes, on the discrete
// network of ALGORITHM.md §5's check genotype with random weights and BatchNorm
// statistics, exported exactly as `zodarts export` does.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <vector>

namespace zd {

struct OnnxBenchOptions {
  int channels = 16;  // C (the paper's)
  int classes = 2;
  int in_channels = 1;
  int input_size = 32;              // side of the network input (§7: 28 resized to 32)
  std::vector<int> batches{1, 64};  // batch sizes timed
  int runs = 20;                    // timed forward passes per batch size (median reported)
  int warmup = 3;                   // untimed passes first
  int threads = 0;                  // OpenCV threads (0 = OpenCV's default: every core)
  uint64_t seed = 0;
};

// Returns {"settings": {...}, "model": {"params", "nodes", "bytes"}, "batch_<b>":
// {"ms_per_batch" (median), "ms_per_image", "images_per_s", "min_ms_per_batch"}, …}.
// Throws zd::Error when the export or OpenCV fails.
nlohmann::json runOnnxBench(const OnnxBenchOptions& options);

}  // namespace zd
