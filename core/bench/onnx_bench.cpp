#include "core/bench/onnx_bench.h"

#include "core/common/error.h"
#include "core/export/onnx_classifier.h"
#include "core/export/onnx_export.h"
#include "core/nas/check_genotype.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <random>

namespace zd {
namespace {

// A temporary file removed when it goes out of scope.
struct TempFile {
  std::filesystem::path path;
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

}  // namespace

nlohmann::json runOnnxBench(const OnnxBenchOptions& o) {
  if (o.runs < 1 || o.warmup < 0) throw ConfigError("bench-onnx: runs must be >= 1 and warmup >= 0");
  if (o.threads > 0) cv::setNumThreads(o.threads);
  torch::manual_seed(o.seed);
  ModelCard card;
  card.genotype = checkGenotype();
  card.network.in_channels = o.in_channels;
  card.network.classes = o.classes;
  card.network.channels = o.channels;
  card.data_size = o.input_size;
  card.input_size = o.input_size;
  for (int c = 0; c < o.classes; ++c) card.class_names.push_back("class" + std::to_string(c));
  DiscreteNetwork net(card.genotype, card.network);
  net->eval();

  std::mt19937_64 rng(o.seed);
  TempFile file{std::filesystem::temp_directory_path() /
                ("zodarts_bench_" + std::to_string(rng() % 1000000000ULL) + ".onnx")};
  const OnnxExportInfo info = exportOnnx(net, card, file.path);
  OnnxClassifier classifier(file.path);

  nlohmann::json j;
  j["settings"] = {{"channels", o.channels},
                   {"classes", o.classes},
                   {"in_channels", o.in_channels},
                   {"input_size", o.input_size},
                   {"runs", o.runs},
                   {"warmup", o.warmup},
                   {"opencv_threads", cv::getNumThreads()},
                   {"opencv_version", CV_VERSION},
                   {"genotype", "ALGORITHM.md section 5 check genotype (depths 1, 2, 3)"}};
  j["model"] = {{"params", info.parameters}, {"nodes", info.nodes}, {"bytes", info.bytes}};
  for (int b : o.batches) {
    if (b < 1) throw ConfigError("bench-onnx: batch sizes must be >= 1, got " + std::to_string(b));
    const int sizes[4] = {b, o.in_channels, o.input_size, o.input_size};
    cv::Mat blob(4, sizes, CV_32F);
    cv::randu(blob, 0.0, 1.0);
    for (int i = 0; i < o.warmup; ++i) classifier.logits(blob);
    std::vector<double> ms;
    for (int i = 0; i < o.runs; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      classifier.logits(blob);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    j["batch_" + std::to_string(b)] = {{"batch", b},
                                       {"ms_per_batch", median},
                                       {"min_ms_per_batch", ms.front()},
                                       {"ms_per_image", median / b},
                                       {"images_per_s", 1000.0 * b / median}};
  }
  return j;
}

}  // namespace zd
