#include "core/bench/data_bench.h"

#include "core/common/error.h"
#include "core/data/dataset_loader.h"

#include <nlohmann/json.hpp>
#ifdef ZODARTS_WITH_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace zd {
namespace fs = std::filesystem;

#ifdef ZODARTS_WITH_OPENCV
namespace {

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Removes a folder when the benchmark ends, however it ends.
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

// Grey PNGs like scans: a smooth gradient per class with noise, so zlib has real work.
void generatePngs(const fs::path& root, const DataBenchOptions& o) {
  cv::RNG rng(12345);
  for (int i = 0; i < o.images; ++i) {
    const int cls = i % o.classes;
    const fs::path dir = root / ("class_" + std::to_string(cls));
    fs::create_directories(dir);
    cv::Mat img(o.source_size, o.source_size, CV_8UC1);
    for (int y = 0; y < img.rows; ++y)
      for (int x = 0; x < img.cols; ++x)
        img.at<uint8_t>(y, x) = cv::saturate_cast<uint8_t>((x + y * (cls + 1)) % 200 + rng.uniform(0, 40));
    if (!cv::imwrite((dir / ("img_" + std::to_string(i) + ".png")).string(), img))
      throw IoError("cannot write benchmark images into " + root.string());
  }
}

uintmax_t folderBytes(const fs::path& dir) {
  uintmax_t bytes = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file(ec)) bytes += e.file_size(ec);
  return bytes;
}

}  // namespace
#endif

nlohmann::json runDataBench(const DataBenchOptions& o) {
#ifndef ZODARTS_WITH_OPENCV
  (void)o;
  throw DataError("the data benchmark needs a build with OpenCV (ZODARTS_WITH_OPENCV)");
#else
  if (o.images < 2 || o.classes < 2 || o.classes > o.images || o.source_size < 1 || o.repeats < 1)
    throw ConfigError("data benchmark: needs images >= classes >= 2, source size >= 1 and repeats >= 1");
  const std::string tag = "zodarts-data-bench-" + std::to_string(::getpid());
  TempDir generated, cache;
  cache.path = fs::temp_directory_path() / (tag + "-cache");
  fs::remove_all(cache.path);
  std::string path = o.path;
  if (path.empty()) {
    generated.path = fs::temp_directory_path() / (tag + "-images");
    fs::remove_all(generated.path);
    generatePngs(generated.path, o);
    path = generated.path.string();
  }

  auto t0 = std::chrono::steady_clock::now();
  const Dataset decoded = loadDataset(path, o.load, nullptr);
  const double decode_s = secondsSince(t0);
  const int64_t n = decoded.train.size() + decoded.val.size() + decoded.test.size();

  t0 = std::chrono::steady_clock::now();
  loadDataset(path, o.load, nullptr, cache.path);
  const double write_s = std::max(0.0, secondsSince(t0) - decode_s);

  double hit_s = 1e300;
  for (int r = 0; r < o.repeats; ++r) {
    LoadReport report;
    t0 = std::chrono::steady_clock::now();
    const Dataset hit = loadDataset(path, o.load, &report, cache.path);
    hit_s = std::min(hit_s, secondsSince(t0));
    if (!report.from_cache || !hit.train.images.equal(decoded.train.images))
      throw DataError(path + ": the cache entry did not give back the decoded set");
  }
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  return {{"images", n},
          {"threads", o.load.threads > 0 ? static_cast<unsigned>(o.load.threads) : hw},
          {"decode", {{"seconds", decode_s}, {"images_per_s", static_cast<double>(n) / decode_s}}},
          {"cache_write_seconds", write_s},
          {"cache_hit", {{"seconds", hit_s}, {"images_per_s", static_cast<double>(n) / hit_s}}},
          {"cache_bytes", folderBytes(cache.path)},
          {"settings",
           {{"path", o.path.empty() ? "generated" : o.path},
            {"generated_images", o.path.empty() ? o.images : 0},
            {"source_size", o.path.empty() ? o.source_size : 0},
            {"size", o.load.size}}}};
#endif
}

}  // namespace zd
