#include "core/run/export_verify.h"

#include "core/common/error.h"
#include "core/data/batch_augment.h"
#include "core/export/onnx_classifier.h"
#include "core/run/run_directory.h"
#include "core/run/run_search.h"
#include "core/train/inference.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace zd {
namespace fs = std::filesystem;

cv::Mat tensorToBlob(const torch::Tensor& images) {
  // OpenCV's blob layout is torch's contiguous N×C×H×W float32.
  const torch::Tensor x = images.to(torch::kCPU, torch::kFloat32).contiguous();
  std::vector<int> sizes(x.sizes().begin(), x.sizes().end());
  cv::Mat blob(static_cast<int>(sizes.size()), sizes.data(), CV_32F);
  std::memcpy(blob.ptr<float>(), x.data_ptr<float>(), static_cast<size_t>(x.nbytes()));
  return blob;
}

std::string OnnxVerification::summary() const {
  char line[256];
  std::snprintf(line, sizeof line, "max |Δ logit| %.2g over %lld image(s) (tolerance %.0e), %lld/%lld same class — %s",
                max_abs_diff, static_cast<long long>(images), tolerance, static_cast<long long>(same_class),
                static_cast<long long>(images), passed() ? "OK" : "MISMATCH");
  return images_from.empty() ? std::string(line) : images_from + ": " + line;
}

OnnxVerification verifyOnnxModel(DiscreteNetwork& network, const fs::path& onnx_file, const torch::Tensor& images_u8,
                                 double tolerance, const torch::Device& device) {
  if (images_u8.dim() != 4 || images_u8.size(0) == 0)
    throw DataError(onnx_file.string() + ": no images to verify the export on");
  OnnxClassifier onnx(onnx_file);
  network->to(device);
  const torch::Tensor expected = predictLogits(network, images_u8, 64, device);
  network->to(torch::kCPU);
  const std::vector<std::vector<float>> got = onnx.logits(tensorToBlob(images_u8.to(torch::kFloat32).div_(255.0)));
  if (static_cast<int64_t>(got.size()) != expected.size(0))
    throw DataError(onnx_file.string() + ": OpenCV returned " + std::to_string(got.size()) + " rows for " +
                    std::to_string(expected.size(0)) + " images");

  OnnxVerification out;
  out.images = expected.size(0);
  out.tolerance = tolerance;
  const auto e = expected.accessor<float, 2>();
  for (int64_t i = 0; i < out.images; ++i) {
    if (static_cast<int64_t>(got[i].size()) != expected.size(1))
      throw DataError(onnx_file.string() + ": the model has " + std::to_string(got[i].size()) +
                      " outputs, the network " + std::to_string(expected.size(1)));
    int64_t best_e = 0, best_g = 0;
    for (int64_t k = 0; k < expected.size(1); ++k) {
      const double d = std::fabs(static_cast<double>(got[i][k]) - e[i][k]);
      // NaN compares false everywhere: count it as an infinite difference.
      out.max_abs_diff = std::isnan(d) ? INFINITY : std::max(out.max_abs_diff, d);
      if (e[i][k] > e[i][best_e]) best_e = k;
      if (got[i][k] > got[i][best_g]) best_g = k;
    }
    out.same_class += best_e == best_g;
  }
  return out;
}

OnnxVerification verifyRunExport(const fs::path& run_dir, const TrainedModel& model, const fs::path& onnx_file,
                                 int64_t max_images, const torch::Device& device) {
  const RunConfig config = RunDirectory::open(run_dir).readConfig();
  const Dataset data = loadRunDataset(config);
  const bool use_test = data.test.size() > 0;
  const ImageSet& split = use_test ? data.test : data.val;
  if (split.size() == 0) throw DataError(config.data.path + ": no test or validation images to verify the export on");
  if (split.channels() != model.card.network.in_channels || split.height() != model.card.data_size)
    throw DataError(config.data.path + ": its images (" + std::to_string(split.channels()) + " channel(s), " +
                    std::to_string(split.height()) + " px) do not fit the model (" +
                    std::to_string(model.card.network.in_channels) + ", " + std::to_string(model.card.data_size) +
                    " px)");
  const int64_t n = std::min<int64_t>(max_images, split.size());
  ImageSet sample = split.select(torch::arange(n));
  if (model.card.input_size != sample.height()) sample = resizeImages(sample, model.card.input_size);
  DiscreteNetwork network = model.network;  // a holder: shares the module
  OnnxVerification out = verifyOnnxModel(network, onnx_file, sample.images, 1e-3, device);
  out.images_from = std::string(use_test ? "test" : "validation") + " images of " + config.data.path;
  return out;
}

}  // namespace zd
