#include "core/data/npz_reader.h"

#include "core/common/error.h"
#include "core/data/medmnist_classes.h"
#include "core/data/npy_format.h"

#include <torch/torch.h>
#include <zip.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <new>
#include <string>

namespace zd {
namespace fs = std::filesystem;

namespace {

// A label this large is a corrupt file, not a real class count, and would make
// the class-name list absurd.
constexpr int64_t kMaxClasses = 10000;
// Colour images are transposed HWC → CHW through a buffer of about this size.
constexpr int64_t kTransposeChunkBytes = int64_t{32} << 20;

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }  // read-only: nothing to write back
};
struct MemberCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;

std::string dims(int64_t h, int64_t w, int64_t c) {
  return std::to_string(h) + "×" + std::to_string(w) + (c == 3 ? " colour" : " grayscale");
}

Archive openArchive(const fs::path& path, const std::string& file) {
  int code = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (z) return Archive(z);
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  const std::string reason = zip_error_strerror(&error);
  zip_error_fini(&error);
  if (code == ZIP_ER_NOZIP)
    throw DataError(file + ": not a .npz file, or an incomplete one (no zip archive directory "
                           "found; was the download interrupted?)");
  if (code == ZIP_ER_NOENT) throw DataError(file + ": no such file");
  throw DataError(file + ": cannot read the .npz file (" + reason + ")");
}

std::string memberList(zip_t* z) {
  std::string names;
  const zip_int64_t n = zip_get_num_entries(z, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(z, static_cast<zip_uint64_t>(i), 0);
    if (!name) continue;
    std::string key = name;
    if (key.size() > 4 && key.compare(key.size() - 4, 4, ".npy") == 0) key.resize(key.size() - 4);
    names += (names.empty() ? "" : ", ") + key;
  }
  return names.empty() ? "nothing" : names;
}

// One array member opened for reading: its header is parsed and its size checked
// against the header, so the payload can be streamed into its destination.
class ArrayMember {
 public:
  ArrayMember(zip_t* z, const std::string& file, const std::string& key) : where_(file + ": key '" + key + "'") {
    const std::string name = key + ".npy";
    const zip_int64_t index = zip_name_locate(z, name.c_str(), 0);
    if (index < 0) throw DataError(where_ + " missing (the file holds: " + memberList(z) + ")");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, static_cast<zip_uint64_t>(index), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
      throw DataError(where_ + ": unreadable (" + zip_strerror(z) + ")");
    file_.reset(zip_fopen_index(z, static_cast<zip_uint64_t>(index), 0));
    if (!file_) throw DataError(where_ + ": unreadable (" + zip_strerror(z) + ")");
    header_ = readNpyHeader([this](char* dst, size_t n) { return read(dst, n); }, where_);
    const uint64_t available = st.size >= header_.data_offset ? st.size - header_.data_offset : 0;
    if (available < header_.payloadBytes()) truncated(available);
    if (available > header_.payloadBytes())
      throw DataError(where_ + ": " + std::to_string(available - header_.payloadBytes()) +
                      " unexpected bytes after the data of shape " + header_.shapeString());
  }

  const NpyHeader& header() const { return header_; }
  const std::string& where() const { return where_; }

  // Reads the next `n` payload bytes into `dst`.
  void readPayload(char* dst, uint64_t n) {
    uint64_t got = 0;
    while (got < n) {
      const size_t k = read(dst + got, static_cast<size_t>(std::min<uint64_t>(n - got, uint64_t{1} << 30)));
      if (k == 0) break;
      got += k;
    }
    payload_read_ += got;
    if (got < n) truncated(payload_read_);
  }

  // Reads past the end of the member: libzip verifies the CRC only there, and a
  // damaged file must not load as silently wrong pixels.
  void finish() {
    char extra = 0;
    if (read(&extra, 1) != 0)
      throw DataError(where_ + ": unexpected bytes after the data of shape " + header_.shapeString());
  }

 private:
  size_t read(char* dst, size_t n) {
    const zip_int64_t k = zip_fread(file_.get(), dst, n);
    if (k < 0) throw DataError(where_ + ": unreadable, the file is damaged (" + zip_file_strerror(file_.get()) + ")");
    return static_cast<size_t>(k);
  }
  [[noreturn]] void truncated(uint64_t found) const {
    throw DataError(where_ + ": truncated data (expected " + std::to_string(header_.payloadBytes()) + " bytes, found " +
                    std::to_string(found) + ")");
  }

  std::string where_;
  std::unique_ptr<zip_file_t, MemberCloser> file_;
  NpyHeader header_;
  uint64_t payload_read_ = 0;
};

torch::Tensor readLabels(zip_t* z, const std::string& file, const std::string& split) {
  ArrayMember m(z, file, split + "_labels");
  const NpyHeader& h = m.header();
  const auto& s = h.shape;
  if (s.size() == 2 && s[1] > 1)
    throw DataError(m.where() + ": labels of shape " + h.shapeString() +
                    " have several columns; multi-label data (such as ChestMNIST) is not "
                    "supported, one class per image is needed");
  if (!(s.size() == 1 || (s.size() == 2 && s[1] == 1)))
    throw DataError(m.where() + ": wrong ndim, labels must be N or N×1, found shape " + h.shapeString());
  if (!h.dtype.isInteger())
    throw DataError(m.where() + ": wrong dtype '" + h.dtype.descr() + "' (integer labels expected)");
  std::string bytes(h.payloadBytes(), '\0');
  m.readPayload(bytes.data(), bytes.size());
  m.finish();
  torch::Tensor labels = decodeNpyIntegers(bytes.data(), s[0], h.dtype, m.where());
  if (labels.numel() > 0) {
    const int64_t lowest = labels.min().item<int64_t>();
    if (lowest < 0) {
      const int64_t at = labels.argmin().item<int64_t>();
      throw DataError(m.where() + ": negative label " + std::to_string(lowest) + " at index " + std::to_string(at));
    }
    const int64_t highest = labels.max().item<int64_t>();
    if (highest >= kMaxClasses)
      throw DataError(m.where() + ": label " + std::to_string(highest) + " is implausibly large (at most " +
                      std::to_string(kMaxClasses) + " classes are supported)");
  }
  return labels;
}

torch::Tensor readImages(zip_t* z, const std::string& file, const std::string& split, int64_t count) {
  ArrayMember m(z, file, split + "_images");
  const NpyHeader& h = m.header();
  const auto& s = h.shape;
  if (!(s.size() == 3 || (s.size() == 4 && (s[3] == 1 || s[3] == 3))))
    throw DataError(m.where() +
                    ": wrong ndim, images must be N×H×W (grayscale) or N×H×W×3 (colour), "
                    "found shape " +
                    h.shapeString());
  if (h.dtype.kind != 'u' || h.dtype.size != 1)
    throw DataError(m.where() + ": wrong dtype '" + h.dtype.descr() + "' (uint8 images expected)");
  if (s[0] != count)
    throw DataError(m.where() + ": count mismatch, " + std::to_string(s[0]) + " images but " + std::to_string(count) +
                    " labels in '" + split + "_labels'");
  if (s[1] != s[2] || s[1] == 0)
    throw DataError(m.where() + ": images are " + std::to_string(s[1]) + "×" + std::to_string(s[2]) +
                    "; only square, non-empty images are supported");
  const int64_t n = s[0], side = s[1], c = s.size() == 4 ? s[3] : 1;

  torch::Tensor images;
  try {
    images = torch::empty({n, c, side, side}, torch::kUInt8);
  } catch (const std::exception&) {
    throw DataError(m.where() + ": not enough memory for " + std::to_string(n) + " images of " + dims(side, side, c) +
                    " (" + std::to_string(h.payloadBytes() >> 20) + " MB)");
  }
  if (c == 1) {
    // N×H×W and N×1×H×W have the same bytes: read straight into the tensor.
    m.readPayload(reinterpret_cast<char*>(images.data_ptr<uint8_t>()), h.payloadBytes());
    m.finish();
    return images;
  }
  // N×H×W×3 → N×3×H×W one chunk at a time, so only a small buffer is extra.
  const int64_t per_image = side * side * c;
  const int64_t chunk = std::max<int64_t>(1, kTransposeChunkBytes / per_image);
  auto buffer = torch::empty({std::min(chunk, std::max<int64_t>(n, 1)), side, side, c}, torch::kUInt8);
  for (int64_t start = 0; start < n; start += chunk) {
    const int64_t k = std::min(chunk, n - start);
    auto part = buffer.narrow(0, 0, k);
    m.readPayload(reinterpret_cast<char*>(part.data_ptr<uint8_t>()), static_cast<uint64_t>(k * per_image));
    images.narrow(0, start, k).copy_(part.permute({0, 3, 1, 2}));
  }
  m.finish();
  return images;
}

ImageSet readSplit(zip_t* z, const std::string& file, const std::string& split) {
  ImageSet set;
  set.labels = readLabels(z, file, split);
  set.images = readImages(z, file, split, set.labels.size(0));
  return set;
}

void requireNonEmpty(const ImageSet& set, const std::string& file, const std::string& split) {
  if (set.size() == 0)
    throw DataError(file + ": key '" + split + "_images': the " + split +
                    " split is empty (it must hold at least one image)");
}

void requireSameShape(const ImageSet& set, const ImageSet& train, const std::string& file, const std::string& split) {
  if (set.size() == 0) return;  // an empty split's image size does not matter
  if (set.images.sizes().slice(1) != train.images.sizes().slice(1))
    throw DataError(file + ": key '" + split + "_images': images are " +
                    dims(set.height(), set.width(), set.channels()) + " but the train split's are " +
                    dims(train.height(), train.width(), train.channels()) +
                    "; all splits must have the same image size and channels");
}

// MedMNIST files carry no class names. A names file beside the data — NAME.classes.txt
// or classes.txt, one name per line in label order — supplies them when its line
// count matches; else a known MedMNIST file (by name and shape) gets its official
// names; otherwise the classes are "class 0", "class 1", ...
std::vector<std::string> classNames(const std::filesystem::path& path, int64_t classes, int64_t channels) {
  for (const auto& candidate :
       {path.parent_path() / (path.stem().string() + ".classes.txt"), path.parent_path() / "classes.txt"}) {
    std::ifstream in(candidate);
    if (!in) continue;
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) names.push_back(line);
    }
    if (static_cast<int64_t>(names.size()) == classes) return names;
  }
  if (auto known = medmnistClassNames(path.stem().string(), classes, channels)) return *known;
  std::vector<std::string> names;
  for (int64_t c = 0; c < classes; ++c) names.push_back("class " + std::to_string(c));
  return names;
}

}  // namespace

Dataset loadMedmnistNpz(const fs::path& path) {
  const std::string file = path.string();
  try {
    Archive archive = openArchive(path, file);
    Dataset data;
    data.source = file;
    data.train = readSplit(archive.get(), file, "train");
    requireNonEmpty(data.train, file, "train");
    data.val = readSplit(archive.get(), file, "val");
    data.test = readSplit(archive.get(), file, "test");
    requireNonEmpty(data.test, file, "test");
    requireSameShape(data.val, data.train, file, "val");
    requireSameShape(data.test, data.train, file, "test");
    if (data.val.size() == 0)  // keep the empty split's shape consistent for callers
      data.val.images = torch::empty({0, data.train.channels(), data.train.height(), data.train.width()},
                                     torch::kUInt8);

    int64_t classes = 0;
    for (const ImageSet* s : {&data.train, &data.val, &data.test})
      if (s->size() > 0) classes = std::max(classes, s->labels.max().item<int64_t>() + 1);
    data.class_names = classNames(path, classes, data.train.channels());
    return data;
  } catch (const DataError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw DataError(file + ": not enough memory to load this data set");
  } catch (const std::exception& e) {
    // LibTorch or libzip surprises still reach the user as a message, never a crash.
    throw DataError(file + ": cannot load (" + e.what() + ")");
  }
}

}  // namespace zd
