#include "core/data/npy_format.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <cstring>
#include <limits>
#include <set>

namespace zd {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// NumPy itself refuses headers above 10 kB by default; 1 MB is generous and still
// stops a corrupt length field from asking for gigabytes.
constexpr uint32_t kMaxHeaderBytes = 1u << 20;
// Payloads beyond this are certainly a corrupt shape, and it keeps byte counts
// far from uint64 overflow.
constexpr uint64_t kMaxPayloadBytes = uint64_t{1} << 50;

[[noreturn]] void fail(const std::string& where, const std::string& problem) {
  throw DataError(where + ": " + problem);
}

void readExactly(const ByteSource& source, char* dst, size_t n, const std::string& where) {
  size_t got = 0;
  while (got < n) {
    const size_t k = source(dst + got, n - got);
    if (k == 0) break;
    got += k;
  }
  if (got < n)
    fail(where,
         "truncated .npy header (expected " + std::to_string(n) + " more bytes, found " + std::to_string(got) + ")");
}

uint32_t littleEndian(const unsigned char* p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

bool hostIsBigEndian() {
  const uint16_t probe = 1;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 0;
}

// A strict reader of the Python dict literal NumPy writes, e.g.
// {'descr': '<u1', 'fortran_order': False, 'shape': (100, 28, 28), }
class DictParser {
 public:
  DictParser(const std::string& text, const std::string& where) : s_(text), where_(where) {}

  NpyHeader parse() {
    NpyHeader h;
    std::set<std::string> seen;
    skipSpace();
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') {
        ++i_;
        break;
      }
      const std::string key = parseString();
      if (!seen.insert(key).second) bad("key '" + key + "' appears twice");
      skipSpace();
      expect(':');
      skipSpace();
      if (key == "descr") {
        if (peek() == '[') fail(where_, "structured (record) arrays are not supported");
        h.dtype = parseDtype(parseString());
      } else if (key == "fortran_order") {
        h.fortran_order = parseBool();
      } else if (key == "shape") {
        h.shape = parseShape();
      } else {
        bad("unexpected key '" + key + "'");
      }
      skipSpace();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      skipSpace();
      if (peek() == '}') {
        ++i_;
        break;
      }
      bad("expected ',' or '}'");
    }
    skipSpace();
    if (i_ != s_.size()) bad("text after the closing '}'");
    for (const char* k : {"descr", "fortran_order", "shape"})
      if (!seen.count(k)) bad(std::string("key '") + k + "' missing");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& what) const { fail(where_, "malformed .npy header (" + what + ")"); }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c) {
    if (peek() != c) bad(std::string("expected '") + c + "'");
    ++i_;
  }
  std::string parseString() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') bad("expected a quoted string");
    const size_t end = s_.find(quote, i_ + 1);
    if (end == std::string::npos) bad("unterminated string");
    std::string out = s_.substr(i_ + 1, end - i_ - 1);
    i_ = end + 1;
    return out;
  }
  bool parseBool() {
    if (s_.compare(i_, 4, "True") == 0) {
      i_ += 4;
      return true;
    }
    if (s_.compare(i_, 5, "False") == 0) {
      i_ += 5;
      return false;
    }
    bad("fortran_order must be True or False");
  }
  std::vector<int64_t> parseShape() {
    std::vector<int64_t> shape;
    expect('(');
    while (true) {
      skipSpace();
      if (peek() == ')') {
        ++i_;
        break;
      }
      if (peek() < '0' || peek() > '9') bad("shape must be a tuple of non-negative integers");
      int64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) bad("shape entry too large");
        v = v * 10 + (s_[i_++] - '0');
      }
      if (peek() == 'L') ++i_;  // Python 2 long literal
      shape.push_back(v);
      skipSpace();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      skipSpace();
      if (peek() != ')') bad("expected ',' or ')' in shape");
    }
    return shape;
  }
  NpyDtype parseDtype(const std::string& descr) const {
    NpyDtype d;
    const auto unsupported = [&] {
      fail(where_, "unsupported dtype '" + descr + "' (only plain integer, float and bool arrays are supported)");
    };
    if (descr.size() < 3) unsupported();
    const char order = descr[0];
    if (order != '<' && order != '>' && order != '|' && order != '=') unsupported();
    d.big_endian = order == '>' || (order == '=' && hostIsBigEndian());
    d.kind = descr[1];
    const std::string digits = descr.substr(2);
    if (digits != "1" && digits != "2" && digits != "4" && digits != "8") unsupported();
    d.size = std::stoi(digits);
    const bool ok = ((d.kind == 'u' || d.kind == 'i')) || (d.kind == 'f' && d.size >= 2) ||
                    (d.kind == 'b' && d.size == 1);
    if (!ok) unsupported();
    return d;
  }

  const std::string& s_;
  const std::string& where_;
  size_t i_ = 0;
};

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";  // Python's one-element tuple
  return s + ")";
}

template <typename T>
T loadSwapped(const char* p, bool swap) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, p, sizeof(T));
  if (swap)
    for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
  T v;
  std::memcpy(&v, b, sizeof(T));
  return v;
}

}  // namespace

std::string NpyDtype::descr() const {
  const char order = size == 1 ? '|' : (big_endian ? '>' : '<');
  return std::string(1, order) + kind + std::to_string(size);
}

int64_t NpyHeader::elementCount() const {
  int64_t n = 1;
  for (const int64_t d : shape) n *= d;
  return n;
}

uint64_t NpyHeader::payloadBytes() const {
  return static_cast<uint64_t>(elementCount()) * static_cast<uint64_t>(dtype.size);
}

std::string NpyHeader::shapeString() const { return shapeText(shape); }

NpyHeader readNpyHeader(const ByteSource& source, const std::string& where) {
  unsigned char prefix[12];
  readExactly(source, reinterpret_cast<char*>(prefix), 8, where);
  if (std::memcmp(prefix, kMagic, kMagicSize) != 0) fail(where, "not a NumPy .npy array (bad magic)");
  const int major = prefix[6], minor = prefix[7];
  if (minor != 0 || major < 1 || major > 3)
    fail(where, ".npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                    " is not supported (1.0, 2.0, 3.0 are)");
  // Version 1.0 has a 2-byte header length, 2.0 and 3.0 (UTF-8 dict) a 4-byte one.
  const int length_bytes = major == 1 ? 2 : 4;
  readExactly(source, reinterpret_cast<char*>(prefix) + 8, static_cast<size_t>(length_bytes), where);
  const uint32_t header_len = littleEndian(prefix + 8, length_bytes);
  if (header_len > kMaxHeaderBytes)
    fail(where, "malformed .npy header (declares " + std::to_string(header_len) + " header bytes)");
  std::string dict(header_len, '\0');
  readExactly(source, dict.data(), header_len, where);

  NpyHeader h = DictParser(dict, where).parse();
  h.data_offset = 8 + static_cast<uint64_t>(length_bytes) + header_len;
  if (h.fortran_order)
    fail(where, "arrays in Fortran order are not supported (save them with "
                "numpy.ascontiguousarray first)");
  // Overflow-safe check of the payload size before anyone multiplies it out.
  uint64_t bytes = static_cast<uint64_t>(h.dtype.size);
  for (const int64_t d : h.shape) {
    if (d != 0 && bytes > kMaxPayloadBytes / static_cast<uint64_t>(d))
      fail(where, "shape " + h.shapeString() + " is implausibly large");
    bytes *= static_cast<uint64_t>(d);
  }
  return h;
}

std::string encodeNpyHeader(const NpyDtype& dtype, const std::vector<int64_t>& shape) {
  const std::string dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " + shapeText(shape) +
                           ", }";
  // NumPy pads with spaces and ends with '\n' so that the payload starts on a
  // 64-byte boundary (aligned memory mapping).
  auto padded = [&](size_t prefix) {
    const size_t unpadded = prefix + dict.size() + 1;
    return dict + std::string((64 - unpadded % 64) % 64, ' ') + "\n";
  };
  std::string text = padded(10);
  int major = 1;
  if (text.size() > 65535) {
    text = padded(12);
    major = 2;
  }
  std::string out(kMagic, kMagicSize);
  out += static_cast<char>(major);
  out += '\0';
  const uint32_t len = static_cast<uint32_t>(text.size());
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i) out += static_cast<char>((len >> (8 * i)) & 0xff);
  return out + text;
}

NpyDtype npyDtypeOf(torch::ScalarType type) {
  switch (type) {
    case torch::kUInt8: return {'u', 1, false};
    case torch::kInt8: return {'i', 1, false};
    case torch::kInt16: return {'i', 2, false};
    case torch::kInt32: return {'i', 4, false};
    case torch::kInt64: return {'i', 8, false};
    case torch::kFloat32: return {'f', 4, false};
    case torch::kFloat64: return {'f', 8, false};
    case torch::kBool: return {'b', 1, false};
    default: throw DataError(std::string("tensors of type ") + c10::toString(type) + " cannot be written as .npy");
  }
}

torch::Tensor decodeNpyIntegers(const char* bytes, int64_t count, const NpyDtype& dtype, const std::string& where) {
  if (!dtype.isInteger()) fail(where, "wrong dtype '" + dtype.descr() + "' (integer labels expected)");
  auto out = torch::empty({count}, torch::kInt64);
  int64_t* dst = out.data_ptr<int64_t>();
  const bool swap = dtype.size > 1 && dtype.big_endian != hostIsBigEndian();
  const bool is_signed = dtype.kind == 'i';
  for (int64_t i = 0; i < count; ++i) {
    const char* p = bytes + i * dtype.size;
    switch (dtype.size) {
      case 1:
        dst[i] = is_signed ? int64_t{loadSwapped<int8_t>(p, false)} : int64_t{loadSwapped<uint8_t>(p, false)};
        break;
      case 2:
        dst[i] = is_signed ? int64_t{loadSwapped<int16_t>(p, swap)} : int64_t{loadSwapped<uint16_t>(p, swap)};
        break;
      case 4:
        dst[i] = is_signed ? int64_t{loadSwapped<int32_t>(p, swap)} : int64_t{loadSwapped<uint32_t>(p, swap)};
        break;
      default:
        if (is_signed) {
          dst[i] = loadSwapped<int64_t>(p, swap);
        } else {
          const uint64_t v = loadSwapped<uint64_t>(p, swap);
          if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            fail(where, "label " + std::to_string(v) + " at index " + std::to_string(i) + " is too large");
          dst[i] = static_cast<int64_t>(v);
        }
    }
  }
  return out;
}

}  // namespace zd
