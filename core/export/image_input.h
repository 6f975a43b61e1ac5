// A new image prepared exactly as a retrained network saw its training images
// (ModelCard::preprocessingText): decoded and squared by the data loader's own code
// (decodeImageFile, image_decode.h), channels matched to the model, bilinear-resized
// the way resizeImages (batch_augment.h) does it, scaled by 1/255. OpenCV and the
// standard library only (no LibTorch), so `zodarts predict` and the GUI can share it.
#pragma once

#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zd {

// The input a model expects. Plain value type.
struct ModelInputSpec {
  int channels = 1;     // 1: grey (colour converted), 3: RGB (grey replicated)
  int data_size = 28;   // side after the centre-crop (or pad) and area resize
  int input_size = 32;  // side of the network input after the bilinear resize
  bool pad = false;     // square by zero padding instead of centre crop
};

// uint8 plane `src` (side n, row-major) resized to side m, bilinear with
// align_corners = false, rounded half-to-even and clamped to 0..255 — the arithmetic
// of torch's upsample_bilinear2d on float followed by round(). Pure function.
std::vector<uint8_t> bilinearResizePlane(const std::vector<uint8_t>& src, int n, int m);

// The image at `path` as float32 [channels, input_size, input_size] (CHW, row-major)
// in [0, 1]. Throws DataError naming the file and the reason (unreadable, not an
// image, truncated, too large); ConfigError for an invalid spec. Thread-safe.
std::vector<float> prepareImage(const std::filesystem::path& path, const ModelInputSpec& spec);

// Images prepared by prepareImage stacked into one N×C×H×W CV_32F blob (cv::dnn's layout).
cv::Mat imagesToBlob(const std::vector<std::vector<float>>& images, const ModelInputSpec& spec);

}  // namespace zd
