// The NumPy .npy array format (versions 1.0, 2.0 and 3.0): a strict header
// parser, a header writer and integer decoding. Used by the .npz reader and writer;
// knows nothing of zip files. Every error is a DataError prefixed with `where`
// (e.g. "brain.npz: key 'train_images'"), so the user learns which array is bad.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace zd {

// The element type of an array, as in a NumPy descr such as "<i8" or "|u1".
struct NpyDtype {
  char kind = 'u';          // 'u' unsigned, 'i' signed, 'f' float, 'b' bool
  int size = 1;             // bytes per element
  bool big_endian = false;  // byte order (irrelevant when size == 1)

  // The NumPy descr string, e.g. "|u1", "<i8", ">u2".
  std::string descr() const;
  bool isInteger() const { return kind == 'u' || kind == 'i'; }
};

struct NpyHeader {
  NpyDtype dtype;
  bool fortran_order = false;
  std::vector<int64_t> shape;
  uint64_t data_offset = 0;  // bytes before the payload: magic, version, length, dict

  // Number of elements (product of the shape; 1 for a 0-d array).
  int64_t elementCount() const;
  // Size of the payload in bytes.
  uint64_t payloadBytes() const;
  // The shape written the NumPy way, e.g. "(100, 28, 28)".
  std::string shapeString() const;
};

// Supplies up to `n` bytes into `dst` and returns how many it supplied; fewer than
// `n` only at the end of the data. May throw DataError for unreadable data.
using ByteSource = std::function<size_t(char* dst, size_t n)>;

// Reads exactly the header of an .npy stream from `source` and validates it (magic,
// version, dict with exactly descr/fortran_order/shape, a supported dtype, C order).
NpyHeader readNpyHeader(const ByteSource& source, const std::string& where);

// Encodes the complete header of a C-order array (padded to 64 bytes, version 1.0
// unless the dict needs 2.0), ready to be followed by the payload.
std::string encodeNpyHeader(const NpyDtype& dtype, const std::vector<int64_t>& shape);

// The little-endian NumPy dtype of a tensor type (uint8, int8, int16, int32, int64,
// float32, float64, bool); throws DataError for other types.
NpyDtype npyDtypeOf(torch::ScalarType type);

// Decodes `count` integers of type `dtype` (any size 1/2/4/8, either byte order)
// from `bytes` into an int64 tensor [count]; throws DataError naming `where` for a
// non-integer dtype or an unsigned value beyond int64.
torch::Tensor decodeNpyIntegers(const char* bytes, int64_t count, const NpyDtype& dtype, const std::string& where);

}  // namespace zd
