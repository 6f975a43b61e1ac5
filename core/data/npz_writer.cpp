#include "core/data/npz_writer.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/data/npy_format.h"

#include <torch/torch.h>
#include <zip.h>

#include <algorithm>
#include <vector>

namespace zd {
namespace fs = std::filesystem;

namespace {

// A fixed modification time (2020-01-01 UTC) for every member, so regenerating a
// file from the same data gives the same bytes (the demo data live in git).
constexpr time_t kMemberTime = 1577836800;

// One array of the archive: its header and its C-order payload, both kept alive
// until zip_close, which is when libzip actually reads them.
struct Member {
  std::string name;
  std::string header;
  torch::Tensor payload;
  std::vector<zip_buffer_fragment_t> fragments;
};

Member arrayMember(const std::string& key, const torch::Tensor& array, const std::vector<int64_t>& shape) {
  Member m;
  m.name = key + ".npy";
  m.header = encodeNpyHeader(npyDtypeOf(array.scalar_type()), shape);
  m.payload = array.contiguous();
  return m;
}

void addSplit(std::vector<Member>& members, const std::string& split, const ImageSet& set, const ImageSet& train,
              torch::ScalarType label_type, const std::string& file) {
  // An undefined (empty) split is written as 0 images of the train split's size.
  torch::Tensor images = set.images.defined()     ? set.images.cpu()
                         : train.images.defined() ? train.images.narrow(0, 0, 0).cpu()
                                                  : torch::empty({0, 1, 1, 1}, torch::kUInt8);
  torch::Tensor labels = set.labels.defined() ? set.labels.cpu() : torch::empty({0}, torch::kInt64);
  if (images.dim() != 4 || images.scalar_type() != torch::kUInt8 || (images.size(1) != 1 && images.size(1) != 3))
    throw DataError(file + ": the " + split + " images must be uint8 N×C×H×W with C = 1 or 3");
  if (labels.numel() != images.size(0))
    throw DataError(file + ": the " + split + " split has " + std::to_string(images.size(0)) + " images but " +
                    std::to_string(labels.numel()) + " labels");
  const int64_t n = images.size(0), h = images.size(2), w = images.size(3);
  if (images.size(1) == 1) members.push_back(arrayMember(split + "_images", images, {n, h, w}));
  else  // MedMNIST stores colour channels last
    members.push_back(arrayMember(split + "_images", images.permute({0, 2, 3, 1}), {n, h, w, 3}));
  members.push_back(arrayMember(split + "_labels", labels.reshape({n, 1}).to(label_type), {n, 1}));
}

void writeZip(const fs::path& tmp, std::vector<Member>& members) {
  int code = 0;
  zip_t* z = zip_open(tmp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (!z) throw IoError("cannot create " + tmp.string() + " (libzip error " + std::to_string(code) + ")");
  const auto failWith = [&](const std::string& what) {
    const std::string reason = zip_strerror(z);
    zip_discard(z);
    throw IoError(what + ": " + reason);
  };
  for (Member& m : members) {
    // Fragments point into `m`, so they are made only now that `members` no longer moves.
    m.fragments = {{reinterpret_cast<zip_uint8_t*>(m.header.data()), m.header.size()}};
    const auto bytes = static_cast<zip_uint64_t>(m.payload.numel() * m.payload.element_size());
    if (bytes > 0)  // an empty fragment is of no use to libzip
      m.fragments.push_back({static_cast<zip_uint8_t*>(m.payload.data_ptr()), bytes});
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* src = zip_source_buffer_fragment_create(m.fragments.data(), m.fragments.size(),
                                                          /*freep=*/0, &error);
    zip_error_fini(&error);
    if (!src) failWith("cannot add " + m.name);
    const zip_int64_t index = zip_file_add(z, m.name.c_str(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(src);
      failWith("cannot add " + m.name);
    }
    const auto i = static_cast<zip_uint64_t>(index);
    if (zip_set_file_compression(z, i, ZIP_CM_DEFLATE, /*level=*/0) != 0 ||
        zip_file_set_mtime(z, i, kMemberTime, 0) != 0)
      failWith("cannot add " + m.name);
  }
  if (zip_close(z) != 0) failWith("cannot write " + tmp.string());
}

}  // namespace

void writeMedmnistNpz(const fs::path& path, const Dataset& data) {
  const std::string file = path.string();
  int64_t classes = data.numClasses();
  for (const ImageSet* s : {&data.train, &data.val, &data.test}) {
    if (s->size() == 0) continue;
    if (s->labels.min().item<int64_t>() < 0) throw DataError(file + ": negative labels cannot be written");
    classes = std::max(classes, s->labels.max().item<int64_t>() + 1);
  }
  // uint8 labels as MedMNIST has them, when every label fits.
  const auto label_type = classes <= 256 ? torch::kUInt8 : torch::kInt64;

  std::vector<Member> members;
  addSplit(members, "train", data.train, data.train, label_type, file);
  addSplit(members, "val", data.val, data.train, label_type, file);
  addSplit(members, "test", data.test, data.train, label_type, file);
  writeFileAtomically(path, [&members](const fs::path& tmp) { writeZip(tmp, members); });
}

}  // namespace zd
