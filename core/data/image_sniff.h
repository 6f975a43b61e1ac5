// Recognising image files from their first bytes, before any decoding: the format,
// the stored size (to refuse huge images unread) and a missing end marker.
#pragma once

#include <cstdint>
#include <string>

namespace zd {

// What the first bytes of a file say. Plain value type.
struct ImageHeader {
  std::string format;               // "PNG", "JPEG", "BMP", "TIFF", "PNM"; empty: unknown
  int64_t width = -1, height = -1;  // -1: not found in the header
};

// The format and stored size that `bytes` (a whole file, or at least its first few
// kilobytes) announce. Never throws; unknown content gives an empty format.
ImageHeader sniffImageHeader(const std::string& bytes);

// True when whole file `bytes` of `format` lacks its end marker (PNG IEND, JPEG EOI)
// in its last kilobyte: a truncated file, which OpenCV would partly decode as grey.
bool looksTruncated(const std::string& bytes, const std::string& format);

}  // namespace zd
