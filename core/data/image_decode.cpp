#include "core/data/image_decode.h"

#include "core/common/error.h"
#include "core/data/dicom_image.h"
#include "core/data/image_sniff.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace zd {
namespace fs = std::filesystem;

namespace {

std::string pixelsText(int64_t w, int64_t h) { return std::to_string(w) + "×" + std::to_string(h); }

// Centre-crops (or pads) grey or RGB `rgb` to a square, resizes it and appends it as
// RGB planes [3, size, size] to out.planes; notes in `out` whether it holds colour.
void appendSquare(const cv::Mat& rgb, const ImageLoadOptions& o, DecodedImage& out) {
  cv::Mat square;
  if (o.pad) {
    const int side = std::max(rgb.cols, rgb.rows);
    const int top = (side - rgb.rows) / 2, left = (side - rgb.cols) / 2;
    cv::copyMakeBorder(rgb, square, top, side - rgb.rows - top, left, side - rgb.cols - left, cv::BORDER_CONSTANT,
                       cv::Scalar::all(0));
  } else {
    const int side = std::min(rgb.cols, rgb.rows);
    square = rgb(cv::Rect((rgb.cols - side) / 2, (rgb.rows - side) / 2, side, side));
  }
  cv::Mat small;
  // Area averaging shrinks without aliasing (OpenCV enlarges bilinearly under it).
  cv::resize(square, small, cv::Size(o.size, o.size), 0, 0, cv::INTER_AREA);

  const size_t plane = static_cast<size_t>(o.size) * static_cast<size_t>(o.size);
  const size_t start = out.planes.size();
  out.planes.resize(start + 3 * plane);
  uint8_t* dst = out.planes.data() + start;
  const int c = small.channels();
  for (int y = 0; y < o.size; ++y) {
    const uint8_t* row = small.ptr<uint8_t>(y);
    for (int x = 0; x < o.size; ++x) {
      const size_t at = static_cast<size_t>(y) * static_cast<size_t>(o.size) + static_cast<size_t>(x);
      const uint8_t* px = row + static_cast<ptrdiff_t>(x) * c;
      const uint8_t r = px[0], g = px[c == 3 ? 1 : 0], b = px[c == 3 ? 2 : 0];
      out.colour = out.colour || r != g || r != b;  // equal channels count as grey
      dst[at] = r;
      dst[plane + at] = g;
      dst[2 * plane + at] = b;
    }
  }
}

// DICOM `path` (its middle frame, or every frame) through decodeDicom.
DecodedImage decodeDicomFile(const fs::path& path, const ImageLoadOptions& o) {
  DecodedImage out;
  out.format = "DICOM";
  try {
    DecodedDicom d = decodeDicom(path, o.all_frames, o.max_pixels);
    out.width = d.width;
    out.height = d.height;
    out.depth = d.bits_stored;
    for (size_t f = 0; f < d.frames.size(); ++f) {
      const cv::Mat img(d.height, d.width, d.channels == 3 ? CV_8UC3 : CV_8UC1, d.frames[f].data());
      appendSquare(img, o, out);
      out.frames.push_back(f < d.frame_numbers.size() ? d.frame_numbers[f] : static_cast<int>(f));
    }
    if (out.frames.empty()) out.error = "DICOM file holds no frames";
  } catch (const DataError& e) {
    out.error = e.what();
  }
  return out;
}

DecodedImage decodeRaster(const fs::path& path, const ImageLoadOptions& o) {
  DecodedImage out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out.error = "file cannot be opened", out;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return out.error = "file cannot be read", out;
  if (bytes.empty()) return out.error = "empty file (0 bytes)", out;
  const ImageHeader h = sniffImageHeader(bytes);
  if (h.format.empty()) return out.error = "not a PNG, JPEG, BMP, TIFF or PGM/PPM image (unrecognised content)", out;
  out.format = h.format;
  const std::string limit = " exceeds the limit of " + std::to_string(o.max_pixels) + " pixels";
  if (h.width == 0 || h.height == 0)
    return out.error = h.format + " header gives an empty image (" + pixelsText(h.width, h.height) + ")", out;
  if (h.width > 0 && h.height > 0 && h.width * h.height > o.max_pixels)
    return out.error = "image of " + pixelsText(h.width, h.height) + limit + " — not decoded", out;
  if (looksTruncated(bytes, h.format)) return out.error = "truncated " + h.format + " (no end marker)", out;

  const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, bytes.data());
  cv::Mat img = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
  bytes = std::string();  // free the file before the pixel work
  if (img.empty()) return out.error = "corrupt " + h.format + " (OpenCV could not decode it)", out;
  if (static_cast<int64_t>(img.total()) > o.max_pixels)
    return out.error = "image of " + pixelsText(img.cols, img.rows) + limit, out;
  out.width = img.cols;
  out.height = img.rows;
  out.depth = static_cast<int>(8 * img.elemSize1());

  if (img.depth() != CV_8U) {  // e.g. 16 bit: own min–max → 0..255
    double lo = 0, hi = 0;
    cv::minMaxLoc(img.reshape(1), &lo, &hi);
    const double scale = hi > lo ? 255.0 / (hi - lo) : 0.0;
    cv::Mat u8;
    img.convertTo(u8, CV_8U, scale, -lo * scale);
    img = u8;
  }
  cv::Mat rgb;  // grey or RGB
  switch (img.channels()) {
    case 1: rgb = img; break;
    case 2: cv::extractChannel(img, rgb, 0); break;  // grey + alpha
    case 3: cv::cvtColor(img, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(img, rgb, cv::COLOR_BGRA2RGB); break;
    default: return out.error = "unsupported channel count " + std::to_string(img.channels()), out;
  }
  appendSquare(rgb, o, out);
  out.frames = {0};
  return out;
}

}  // namespace

DecodedImage decodeImageFile(const fs::path& path, const ImageLoadOptions& options) {
  DecodedImage out;
  try {
    out = looksLikeDicom(path) ? decodeDicomFile(path, options) : decodeRaster(path, options);
  } catch (const cv::Exception& e) {
    out.error = "could not be decoded (" + e.err + ")";
  } catch (const std::exception& e) {
    out.error = std::string("could not be decoded (") + e.what() + ")";
  }
  if (!out.error.empty()) {
    out.planes.clear();
    out.frames.clear();
  }
  return out;
}

}  // namespace zd
