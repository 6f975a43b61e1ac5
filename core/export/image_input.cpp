#include "core/export/image_input.h"

#include "core/common/error.h"
#include "core/data/image_decode.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace zd {
namespace {

// Source index and weights of output index i along one axis, as torch computes them
// in float for align_corners = false: src = scale·(i + ½) − ½ clamped at 0.
struct Tap {
  int i0 = 0, i1 = 0;
  float w0 = 1, w1 = 0;
};

std::vector<Tap> taps(int n, int m) {
  const float scale = static_cast<float>(n) / static_cast<float>(m);
  std::vector<Tap> t(static_cast<size_t>(m));
  for (int i = 0; i < m; ++i) {
    float real = scale * (static_cast<float>(i) + 0.5f) - 0.5f;
    if (real < 0) real = 0;
    Tap& tap = t[static_cast<size_t>(i)];
    tap.i0 = std::min(static_cast<int>(real), n - 1);
    tap.i1 = tap.i0 + (tap.i0 < n - 1 ? 1 : 0);
    tap.w1 = real - static_cast<float>(tap.i0);
    tap.w0 = 1.0f - tap.w1;
  }
  return t;
}

void checkSpec(const ModelInputSpec& s) {
  if (s.channels != 1 && s.channels != 3)
    throw ConfigError("model input: channels must be 1 or 3, got " + std::to_string(s.channels));
  if (s.data_size < 1 || s.input_size < 1)
    throw ConfigError("model input: sizes must be >= 1, got data size " + std::to_string(s.data_size) +
                      " and input size " + std::to_string(s.input_size));
}

}  // namespace

std::vector<uint8_t> bilinearResizePlane(const std::vector<uint8_t>& src, int n, int m) {
  if (n == m) return src;  // resizeImages leaves a set of the right size untouched
  const std::vector<Tap> t = taps(n, m);
  std::vector<uint8_t> out(static_cast<size_t>(m) * static_cast<size_t>(m));
  auto at = [&](int y, int x) { return static_cast<float>(src[static_cast<size_t>(y) * n + x]); };
  for (int y = 0; y < m; ++y) {
    const Tap& ty = t[static_cast<size_t>(y)];
    for (int x = 0; x < m; ++x) {
      const Tap& tx = t[static_cast<size_t>(x)];
      // Row interpolation first, then the rows, in torch's order of operations.
      float top = at(ty.i0, tx.i0) * tx.w0;
      top += at(ty.i0, tx.i1) * tx.w1;
      float bottom = at(ty.i1, tx.i0) * tx.w0;
      bottom += at(ty.i1, tx.i1) * tx.w1;
      float v = top * ty.w0;
      v += bottom * ty.w1;
      // torch.round rounds half to even, as nearbyint does in the default mode.
      out[static_cast<size_t>(y) * m + x] = static_cast<uint8_t>(std::clamp(std::nearbyint(v), 0.0f, 255.0f));
    }
  }
  return out;
}

std::vector<float> prepareImage(const std::filesystem::path& path, const ModelInputSpec& spec) {
  checkSpec(spec);
  ImageLoadOptions load;
  load.size = spec.data_size;
  load.pad = spec.pad;
  const DecodedImage d = decodeImageFile(path, load);
  if (!d.error.empty()) throw DataError(path.string() + ": " + d.error);
  const int s = spec.data_size;
  const size_t plane = static_cast<size_t>(s) * static_cast<size_t>(s);
  if (d.planes.size() < 3 * plane) throw DataError(path.string() + ": decoded to no image");

  std::vector<std::vector<uint8_t>> planes;
  if (spec.channels == 3) {
    for (int c = 0; c < 3; ++c)
      planes.emplace_back(d.planes.begin() + static_cast<std::ptrdiff_t>(c * plane),
                          d.planes.begin() + static_cast<std::ptrdiff_t>((c + 1) * plane));
  } else if (!d.colour) {
    planes.emplace_back(d.planes.begin(), d.planes.begin() + static_cast<std::ptrdiff_t>(plane));
  } else {  // a colour image for a grey model: ITU-R BT.601 luma (OpenCV's RGB2GRAY)
    std::vector<cv::Mat> rgb;
    for (int c = 0; c < 3; ++c) rgb.emplace_back(s, s, CV_8UC1, const_cast<uint8_t*>(d.planes.data() + c * plane));
    cv::Mat merged, grey;
    cv::merge(rgb, merged);
    cv::cvtColor(merged, grey, cv::COLOR_RGB2GRAY);
    planes.emplace_back(grey.datastart, grey.dataend);
  }

  const int m = spec.input_size;
  std::vector<float> out;
  out.reserve(static_cast<size_t>(spec.channels) * static_cast<size_t>(m) * static_cast<size_t>(m));
  for (const auto& p : planes)
    for (uint8_t v : bilinearResizePlane(p, s, m)) out.push_back(static_cast<float>(v) / 255.0f);
  return out;
}

cv::Mat imagesToBlob(const std::vector<std::vector<float>>& images, const ModelInputSpec& spec) {
  const int sizes[4] = {static_cast<int>(images.size()), spec.channels, spec.input_size, spec.input_size};
  cv::Mat blob(4, sizes, CV_32F);
  const size_t per = static_cast<size_t>(spec.channels) * spec.input_size * spec.input_size;
  for (size_t i = 0; i < images.size(); ++i) {
    if (images[i].size() != per) throw ConfigError("imagesToBlob: image " + std::to_string(i) + " has the wrong size");
    std::copy(images[i].begin(), images[i].end(), blob.ptr<float>() + i * per);
  }
  return blob;
}

}  // namespace zd
