// One image file (PNG, JPEG, BMP, TIFF, PGM/PPM or DICOM) decoded into the engine's
// square uint8 form: the per-file step of every loader, reusable for prediction.
// Built with ZODARTS_WITH_OPENCV only (DICOM additionally needs ZODARTS_WITH_DICOM).
#pragma once

#include "core/data/image_load_options.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zd {

// A decoded file: its images as RGB planes, or why it cannot be used. Plain value type.
struct DecodedImage {
  std::string error;          // empty: decoded; else the reason ("truncated PNG (no end marker)")
  std::string format;         // "PNG", "JPEG", "BMP", "TIFF", "PNM", "DICOM" (when recognised)
  int width = 0, height = 0;  // as stored, before crop and resize
  int depth = 0;              // bits per sample as stored (8, 16, DICOM BitsStored)
  bool colour = false;        // some pixel has unequal R, G, B (else grey, replicated)
  std::vector<int> frames;    // DICOM frame (0-based) behind each image; {0} for other files
  // frames.size() images, each 3 planes (R, G, B) of size×size, row-major.
  std::vector<uint8_t> planes;
};

// Decodes `path` into options.size² RGB planes: samples above 8 bits scaled to 0..255
// by the image's own min–max (DICOM: its window, decodeDicom), alpha dropped, grey
// replicated, centre-cropped (or zero-padded when options.pad) to a square, then
// resized with area interpolation (cv::INTER_AREA). DICOM gives its middle
// frame, or every frame when options.all_frames. Never throws for bad files: empty,
// unreadable, truncated, corrupt, unrecognised or over options.max_pixels files come
// back with `error` set and no planes. Thread-safe.
DecodedImage decodeImageFile(const std::filesystem::path& path, const ImageLoadOptions& options);

}  // namespace zd
