#include "core/data/image_sniff.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace zd {
namespace {

uint32_t be(const std::string& b, size_t at, int n) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}
uint32_t le(const std::string& b, size_t at, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

void sniffJpeg(const std::string& b, ImageHeader& h) {
  size_t pos = 2;
  while (pos + 4 <= b.size() && static_cast<unsigned char>(b[pos]) == 0xFF) {
    while (pos < b.size() && static_cast<unsigned char>(b[pos]) == 0xFF) ++pos;  // fill bytes
    if (pos + 3 > b.size()) return;
    const unsigned m = static_cast<unsigned char>(b[pos++]);
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // no length field
    if (m == 0xD9 || m == 0xDA) return;                                // end or scan before any frame header
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof && pos + 7 <= b.size()) {
      h.height = be(b, pos + 3, 2);
      h.width = be(b, pos + 5, 2);
      return;
    }
    pos += be(b, pos, 2);
  }
}

void sniffTiff(const std::string& b, ImageHeader& h) {
  const bool little = b[0] == 'I';
  auto u = [&](size_t at, int n) { return little ? le(b, at, n) : be(b, at, n); };
  const size_t ifd = u(4, 4);
  if (ifd + 2 > b.size()) return;
  const uint32_t entries = u(ifd, 2);
  for (uint32_t i = 0; i < entries; ++i) {
    const size_t e = ifd + 2 + 12 * static_cast<size_t>(i);
    if (e + 12 > b.size()) return;
    const uint32_t tag = u(e, 2), type = u(e + 2, 2);
    if (type != 3 && type != 4) continue;  // SHORT or LONG
    const int64_t value = type == 3 ? u(e + 8, 2) : u(e + 8, 4);
    if (tag == 256) h.width = value;
    if (tag == 257) h.height = value;
  }
}

void sniffPnm(const std::string& b, ImageHeader& h) {
  size_t pos = 2;
  int64_t values[2] = {-1, -1};
  for (int64_t& v : values) {
    while (pos < b.size() && (std::isspace(static_cast<unsigned char>(b[pos])) || b[pos] == '#')) {
      if (b[pos] == '#')
        while (pos < b.size() && b[pos] != '\n') ++pos;  // comment to end of line
      else ++pos;
    }
    if (pos >= b.size() || !std::isdigit(static_cast<unsigned char>(b[pos]))) return;
    v = 0;
    while (pos < b.size() && std::isdigit(static_cast<unsigned char>(b[pos])) && v < (1LL << 40))
      v = v * 10 + (b[pos++] - '0');
  }
  h.width = values[0];
  h.height = values[1];
}

}  // namespace

ImageHeader sniffImageHeader(const std::string& b) {
  ImageHeader h;
  if (b.size() >= 24 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
    h.format = "PNG";
    if (b.compare(12, 4, "IHDR") == 0) h.width = be(b, 16, 4), h.height = be(b, 20, 4);
  } else if (b.size() >= 4 && b.compare(0, 3, "\xFF\xD8\xFF") == 0) {
    h.format = "JPEG";
    sniffJpeg(b, h);
  } else if (b.size() >= 26 && b.compare(0, 2, "BM") == 0) {
    h.format = "BMP";
    if (le(b, 14, 4) == 12) {
      h.width = le(b, 18, 2), h.height = le(b, 20, 2);
    } else {
      h.width = std::abs(static_cast<int64_t>(static_cast<int32_t>(le(b, 18, 4))));
      h.height = std::abs(static_cast<int64_t>(static_cast<int32_t>(le(b, 22, 4))));
    }
  } else if (b.size() >= 8 && (b.compare(0, 4, "II*\0", 4) == 0 || b.compare(0, 4, "MM\0*", 4) == 0)) {
    h.format = "TIFF";
    sniffTiff(b, h);
  } else if (b.size() >= 8 && (b.compare(0, 4, "II+\0", 4) == 0 || b.compare(0, 4, "MM\0+", 4) == 0)) {
    h.format = "TIFF";  // BigTIFF: size checked after decoding
  } else if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') {
    h.format = "PNM";
    sniffPnm(b, h);
  }
  return h;
}

bool looksTruncated(const std::string& b, const std::string& format) {
  const size_t tail = std::min<size_t>(b.size(), 1024);
  const std::string end = b.substr(b.size() - tail);
  if (format == "PNG") return end.find("IEND") == std::string::npos;
  if (format == "JPEG") return end.find("\xFF\xD9") == std::string::npos;
  return false;
}

}  // namespace zd
