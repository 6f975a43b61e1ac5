#include "core/data/dataset_cache.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <nlohmann/json.hpp>
#include <opencv2/core/version.hpp>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <cstring>
#include <optional>
#include <sstream>

namespace zd {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Bumped whenever the decoding or the entry layout changes, so old entries miss.
constexpr const char* kFormat = "zodarts-decoded-set-2";

// 64-bit FNV-1a, twice with different offsets for a 128-bit digest (not cryptographic:
// the cache only has to tell a user's own files apart, and each entry is verified).
struct Digest {
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  void add(const std::string& s) {
    for (const unsigned char c : s) {
      a = (a ^ c) * 0x100000001b3ULL;
      b = (b ^ c) * 0x100000001b3ULL + 1;
    }
    a = (a ^ 0xff) * 0x100000001b3ULL;  // field separator: "ab","c" ≠ "a","bc"
    b = (b ^ 0xfe) * 0x100000001b3ULL + 1;
  }
  std::string hex() const {
    char out[33];
    std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b));
    return out;
  }
};

// A fast checksum of a tensor's bytes, 8 at a time, so a damaged entry is noticed.
uint64_t checksum(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  const auto* p = static_cast<const unsigned char*>(c.data_ptr());
  const size_t n = static_cast<size_t>(c.numel()) * c.element_size();
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 29;
  }
  for (; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

json reportToJson(const LoadReport& r) {
  json j;
  j["skipped"] = json::array();
  for (const auto& s : r.skipped) j["skipped"].push_back(json::array({s.path, s.reason}));
  j["formats"] = r.formats;
  j["sizes"] = json::array();
  for (const auto& [w, h] : r.sizes) j["sizes"].push_back(json::array({w, h}));
  j["bit_depths"] = r.bit_depths;
  j["train_files"] = r.train_files;
  j["val_files"] = r.val_files;
  j["test_files"] = r.test_files;
  return j;
}

LoadReport reportFromJson(const json& j) {
  LoadReport r;
  for (const auto& s : j.at("skipped")) r.skipped.push_back({s.at(0).get<std::string>(), s.at(1).get<std::string>()});
  r.formats = j.at("formats").get<std::map<std::string, int64_t>>();
  for (const auto& s : j.at("sizes")) r.sizes.insert({s.at(0).get<int>(), s.at(1).get<int>()});
  r.bit_depths = j.at("bit_depths").get<std::set<int>>();
  r.train_files = j.at("train_files").get<std::vector<std::string>>();
  r.val_files = j.at("val_files").get<std::vector<std::string>>();
  r.test_files = j.at("test_files").get<std::vector<std::string>>();
  return r;
}

torch::Tensor bytesTensor(const std::string& s) {
  torch::Tensor t = torch::empty({static_cast<int64_t>(s.size())}, torch::kUInt8);
  if (!s.empty()) std::memcpy(t.data_ptr<uint8_t>(), s.data(), s.size());
  return t;
}

std::string checksumText(const Dataset& d) {
  uint64_t h = 0;
  for (const ImageSet* s : {&d.train, &d.val, &d.test}) h = h * 31 + checksum(s->images) * 7 + checksum(s->labels);
  return std::to_string(h);
}

// Writes the entry: [meta JSON bytes, train images, labels, val …, test …].
void store(const fs::path& file, const std::string& key, const Dataset& d, const LoadReport& r) {
  json meta{{"format", kFormat},         {"key", key},
            {"source", d.source},        {"classes", d.class_names},
            {"report", reportToJson(r)}, {"checksum", checksumText(d)}};
  std::vector<torch::Tensor> tensors{bytesTensor(meta.dump())};
  for (const ImageSet* s : {&d.train, &d.val, &d.test}) {
    tensors.push_back(s->images.contiguous());
    tensors.push_back(s->labels.contiguous());
  }
  fs::create_directories(file.parent_path());
  writeFileAtomically(file, [&](const fs::path& tmp) { torch::save(tensors, tmp.string()); });
}

// The entry at `file` when it exists and is whole and consistent, else nullopt.
std::optional<Dataset> fetch(const fs::path& file, const std::string& key, const ImageLoadOptions& o,
                             LoadReport& report) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  try {
    std::vector<torch::Tensor> t;
    torch::load(t, file.string());
    if (t.size() != 7 || t[0].scalar_type() != torch::kUInt8 || t[0].dim() != 1) return std::nullopt;
    const json meta = json::parse(std::string(reinterpret_cast<const char*>(t[0].data_ptr<uint8_t>()),
                                              static_cast<size_t>(t[0].numel())));
    if (meta.at("format") != kFormat || meta.at("key") != key) return std::nullopt;
    Dataset d;
    d.source = meta.at("source").get<std::string>();
    d.class_names = meta.at("classes").get<std::vector<std::string>>();
    LoadReport r = reportFromJson(meta.at("report"));
    ImageSet* sets[3] = {&d.train, &d.val, &d.test};
    const size_t files[3] = {r.train_files.size(), r.val_files.size(), r.test_files.size()};
    const int64_t channels = t[1].dim() == 4 ? t[1].size(1) : -1;
    for (int k = 0; k < 3; ++k) {
      const torch::Tensor& img = t[static_cast<size_t>(1 + 2 * k)];
      const torch::Tensor& lab = t[static_cast<size_t>(2 + 2 * k)];
      const bool shaped = img.scalar_type() == torch::kUInt8 && img.dim() == 4 && img.size(1) == channels &&
                          (channels == 1 || channels == 3) && img.size(2) == o.size && img.size(3) == o.size &&
                          lab.scalar_type() == torch::kInt64 && lab.dim() == 1 && lab.size(0) == img.size(0) &&
                          static_cast<size_t>(img.size(0)) == files[k];
      if (!shaped) return std::nullopt;
      if (lab.numel() > 0 &&
          (lab.min().item<int64_t>() < 0 || lab.max().item<int64_t>() >= static_cast<int64_t>(d.class_names.size())))
        return std::nullopt;
      *sets[k] = ImageSet{img, lab};
    }
    if (d.class_names.size() < 2 || d.train.size() == 0 || meta.at("checksum") != checksumText(d)) return std::nullopt;
    report = std::move(r);
    report.from_cache = true;
    return d;
  } catch (const std::exception&) {  // c10::Error, json errors: a damaged entry
    return std::nullopt;
  }
}

}  // namespace

std::string cacheKey(const ImageList& list, const ImageLoadOptions& o) {
  Digest d;
  d.add(kFormat);
  d.add(CV_VERSION);
  std::error_code ec;
  const fs::path source = fs::weakly_canonical(list.source, ec);
  d.add(ec ? list.source : source.string());
  std::ostringstream settings;
  settings.precision(17);
  settings << o.size << ' ' << o.pad << ' ' << o.train << ' ' << o.val << ' ' << o.test << ' ' << o.seed << ' '
           << o.max_pixels << ' ' << o.all_frames << ' ' << list.presplit;
  d.add(settings.str());
  for (const auto& f : list.files) {
    d.add(f.path.string());
    d.add(f.label);
    d.add(std::to_string(f.split));
    const auto size = fs::file_size(f.path, ec);
    d.add(ec ? "?" : std::to_string(size));
    const auto time = fs::last_write_time(f.path, ec);
    d.add(ec ? "?" : std::to_string(time.time_since_epoch().count()));
  }
  for (const auto& [name, dir] : list.class_dirs) d.add(name + "\n" + dir);
  for (const auto& s : list.skipped) d.add(s.path + "\n" + s.reason);
  return d.hex();
}

Dataset loadImageListCached(const ImageList& list, const ImageLoadOptions& options, LoadReport* report,
                            const fs::path& dir) {
  if (dir.empty()) return loadImageList(list, options, report);
  checkImageLoadOptions(options);
  LoadReport local;
  LoadReport& rep = report ? *report : local;
  const std::string key = cacheKey(list, options);
  const fs::path file = dir / (key + ".pt");
  if (auto hit = fetch(file, key, options, rep)) return std::move(*hit);
  Dataset d = loadImageList(list, options, &rep);
  try {
    store(file, key, d, rep);
  } catch (const std::exception&) {
    // A read-only or full disk: the data set is still right, only the next load is slower.
  }
  return d;
}

}  // namespace zd
