#include "core/data/image_list.h"

#include "core/common/error.h"
#include "core/data/image_decode.h"
#include "core/data/splits.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <map>
#include <set>
#include <thread>

namespace zd {
namespace {

constexpr int kSplits = 3;  // train, val, test

// Decodes every file on `threads` threads (0 = all hardware threads), each into its own slot.
std::vector<DecodedImage> decodeAll(const std::vector<LabelledFile>& files, const ImageLoadOptions& o) {
  std::vector<DecodedImage> out(files.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < out.size(); i = next++) out[i] = decodeImageFile(files[i].path, o);
  };
  const size_t hw = std::max(1u, std::thread::hardware_concurrency());
  const size_t wanted = o.threads > 0 ? static_cast<size_t>(o.threads) : hw;
  const size_t count = std::min<size_t>(wanted, std::max<size_t>(out.size(), 1));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < count; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return out;
}

// Stratified split of `labels` (all images) into train/val/test index tensors: test
// first, then val out of the rest, each through stratifiedSplitIndices.
std::array<torch::Tensor, kSplits> splitIndices(const torch::Tensor& labels, int64_t classes,
                                                const ImageLoadOptions& o) {
  const double sum = o.train + o.val + o.test;
  torch::Tensor rest = torch::arange(labels.size(0), torch::kInt64);
  torch::Tensor test = torch::empty({0}, torch::kInt64), val = test;
  if (o.test > 0) {
    auto [a, b] = stratifiedSplitIndices(labels, classes, o.test / sum, o.seed);
    rest = a, test = b;
  }
  if (o.val > 0) {
    auto [a, b] = stratifiedSplitIndices(labels.index_select(0, rest), classes, o.val / (o.train + o.val), o.seed + 1);
    val = rest.index_select(0, b);
    rest = rest.index_select(0, a);
  }
  return {rest, val, test};
}

}  // namespace

Dataset loadImageList(const ImageList& list, const ImageLoadOptions& options, LoadReport* report) {
  checkImageLoadOptions(options);
  const std::string& where = list.source;
  LoadReport local;
  LoadReport& rep = report ? *report : local;
  rep = LoadReport();
  rep.skipped = list.skipped;

  std::vector<DecodedImage> decoded = decodeAll(list.files, options);

  // One entry per usable image (a multi-frame DICOM may give several).
  struct Usable {
    size_t file;
    size_t frame;
  };
  std::vector<Usable> good;
  std::map<std::string, int64_t> usable_per_class;
  bool colour = false;
  for (size_t i = 0; i < decoded.size(); ++i) {
    const DecodedImage& d = decoded[i];
    if (!d.error.empty()) {
      rep.skipped.push_back({list.files[i].path.string(), d.error});
      continue;
    }
    for (size_t f = 0; f < d.frames.size(); ++f) good.push_back({i, f});
    usable_per_class[list.files[i].label] += static_cast<int64_t>(d.frames.size());
    ++rep.formats[d.format];
    rep.sizes.insert({d.width, d.height});
    rep.bit_depths.insert(d.depth);
    colour = colour || d.colour;
  }
  std::set<std::string> reported;
  for (const auto& [cls, dir] : list.class_dirs)
    if (!usable_per_class.count(cls) && reported.insert(cls).second)
      rep.skipped.push_back({dir, "class folder holds no usable images — class left out"});

  Dataset data;
  data.source = where;
  for (const auto& [cls, count] : usable_per_class) data.class_names.push_back(cls);
  if (good.empty())
    throw DataError(where +
                    ": no usable images (PNG, JPEG, BMP, TIFF, PGM/PPM, DICOM) in class "
                    "sub-folders" +
                    (rep.skipped.empty() ? "" : "; see the skipped files"));
  if (data.class_names.size() < 2)
    throw DataError(where + ": needs images in at least two class folders, found only '" + data.class_names.front() +
                    "'");

  // Gather the usable images into one [M, C, s, s] tensor, freeing each file's pixels.
  const int64_t s = options.size, c = colour ? 3 : 1, m = static_cast<int64_t>(good.size());
  const size_t image_bytes = static_cast<size_t>(c * s * s);
  const size_t frame_bytes = static_cast<size_t>(3 * s * s);
  torch::Tensor images = torch::empty({m, c, s, s}, torch::kUInt8);
  std::vector<int64_t> labels;
  std::vector<std::string> names;  // file (and frame) behind each image
  labels.reserve(good.size());
  uint8_t* dst = images.data_ptr<uint8_t>();
  for (size_t k = 0; k < good.size(); ++k) {
    DecodedImage& d = decoded[good[k].file];
    const LabelledFile& file = list.files[good[k].file];
    std::memcpy(dst + k * image_bytes, d.planes.data() + good[k].frame * frame_bytes, image_bytes);
    if (good[k].frame + 1 == d.frames.size()) d.planes = std::vector<uint8_t>();
    labels.push_back(std::lower_bound(data.class_names.begin(), data.class_names.end(), file.label) -
                     data.class_names.begin());
    names.push_back(d.frames.size() > 1 ? file.path.string() + "#" + std::to_string(d.frames[good[k].frame])
                                        : file.path.string());
  }
  const ImageSet everything{images, torch::tensor(labels, torch::kInt64)};

  std::array<torch::Tensor, kSplits> parts;
  if (!list.presplit) {
    parts = splitIndices(everything.labels, data.numClasses(), options);
  } else {
    std::array<std::vector<int64_t>, kSplits> idx;
    for (size_t k = 0; k < good.size(); ++k) {
      const int split = list.files[good[k].file].split;
      if (split < 0 || split >= kSplits) throw DataError(where + ": a file of a pre-split set has no split");
      idx[static_cast<size_t>(split)].push_back(static_cast<int64_t>(k));
    }
    if (idx[0].empty()) throw DataError(where + ": the train split holds no usable images");
    for (int k = 0; k < kSplits; ++k) parts[k] = torch::tensor(idx[k], torch::kInt64);
  }
  ImageSet* sets[kSplits] = {&data.train, &data.val, &data.test};
  std::vector<std::string>* files[kSplits] = {&rep.train_files, &rep.val_files, &rep.test_files};
  for (int k = 0; k < kSplits; ++k) {
    *sets[k] = everything.select(parts[k]);
    const auto p = parts[k].contiguous();
    for (int64_t j = 0; j < p.numel(); ++j) files[k]->push_back(names[static_cast<size_t>(p.data_ptr<int64_t>()[j])]);
  }
  return data;
}

}  // namespace zd
