// Checking an exported model against the network it came from: the same images go
// through LibTorch (the retrained network, eval mode) and through OpenCV's DNN module
// (the .onnx file), and the logits are compared. What `zodarts export` prints and the
// GUI's Results page shows after every export, so a user knows the file they ship
// computes what was evaluated.
#pragma once

#include "core/train/trained_model.h"

#include <opencv2/core/mat.hpp>
#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace zd {

// Outcome of one comparison. Plain value type.
struct OnnxVerification {
  int64_t images = 0;       // images compared
  double max_abs_diff = 0;  // largest |logit(ONNX) − logit(LibTorch)| over all images and classes
  int64_t same_class = 0;   // images whose predicted class (argmax) agrees
  double tolerance = 1e-3;  // max_abs_diff allowed for passed()
  std::string images_from;  // where the images came from ("test split of …")

  bool passed() const { return images > 0 && max_abs_diff <= tolerance; }
  // "verified on 64 test images …: max |Δ logit| 2.4e-06, 64/64 same class — OK"
  std::string summary() const;
};

// A float N×C×H×W tensor (any device, any layout) as cv::dnn's input blob: the same
// numbers, contiguous, float32.
cv::Mat tensorToBlob(const torch::Tensor& images);

// Runs `images_u8` (uint8 [N, C, H, W] at the network's input size) through
// `network` on `device` (left in eval mode, on the CPU) and through the ONNX model
// in `onnx_file` (OpenCV DNN, CPU): an export from a GPU-trained run is checked
// against the GPU's own logits.
// Throws DataError naming the file when OpenCV cannot load it or its input does not
// fit the images.
OnnxVerification verifyOnnxModel(DiscreteNetwork& network, const std::filesystem::path& onnx_file,
                                 const torch::Tensor& images_u8, double tolerance = 1e-3,
                                 const torch::Device& device = torch::kCPU);

// verifyOnnxModel on up to `max_images` images of the run's data: the test split
// (the validation split when there is none), loaded as the run's config.json says and
// resized to the model's input size. Throws zd::Error naming the file or key at fault.
OnnxVerification verifyRunExport(const std::filesystem::path& run_dir, const TrainedModel& model,
                                 const std::filesystem::path& onnx_file, int64_t max_images = 64,
                                 const torch::Device& device = torch::kCPU);

}  // namespace zd
