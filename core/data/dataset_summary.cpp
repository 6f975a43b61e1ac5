#include "core/data/dataset_summary.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <unordered_map>
#include <utility>
#include <vector>

namespace zd {

namespace {

constexpr const char* kSplitNames[] = {"train", "val", "test"};

// FNV-1a, 64 bit: a cheap content hash; equal hashes are confirmed byte by byte.
uint64_t fnv1a(const uint8_t* p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

std::string describe(const std::vector<std::string>& files, int split, int64_t index) {
  if (static_cast<int64_t>(files.size()) > index) return files[static_cast<size_t>(index)];
  return std::string(kSplitNames[split]) + "[" + std::to_string(index) + "]";
}

// Pairs of identical images in different splits, and how many there are in all.
std::pair<nlohmann::json, int64_t> crossSplitDuplicates(const Dataset& data, const LoadReport& report) {
  const ImageSet* sets[] = {&data.train, &data.val, &data.test};
  const std::vector<std::string>* files[] = {&report.train_files, &report.val_files, &report.test_files};
  torch::Tensor images[3];
  struct Ref {
    int split;
    int64_t index;
  };
  std::unordered_map<uint64_t, std::vector<Ref>> seen;
  nlohmann::json pairs = nlohmann::json::array();
  int64_t total = 0;
  for (int k = 0; k < 3; ++k) {
    if (sets[k]->size() == 0) continue;
    images[k] = sets[k]->images.to(torch::kCPU).contiguous();
    const size_t bytes = static_cast<size_t>(images[k][0].numel());
    const uint8_t* base = images[k].data_ptr<uint8_t>();
    for (int64_t i = 0; i < sets[k]->size(); ++i) {
      const uint8_t* img = base + static_cast<size_t>(i) * bytes;
      auto& bucket = seen[fnv1a(img, bytes)];
      for (const Ref& r : bucket) {
        if (r.split == k) continue;
        const uint8_t* other = images[r.split].data_ptr<uint8_t>() + static_cast<size_t>(r.index) * bytes;
        if (std::memcmp(img, other, bytes) != 0) continue;
        if (++total <= kMaxDuplicatePairs)
          pairs.push_back({{"a", describe(*files[r.split], r.split, r.index)}, {"b", describe(*files[k], k, i)}});
      }
      bucket.push_back({k, i});
    }
  }
  return {pairs, total};
}

}  // namespace

nlohmann::json summarizeDataset(const Dataset& data, const LoadReport& report) {
  const int64_t classes = data.numClasses();
  const ImageSet* sets[] = {&data.train, &data.val, &data.test};
  nlohmann::json j;
  j["source"] = data.source;
  std::vector<int64_t> per_class(static_cast<size_t>(classes), 0);
  nlohmann::json splits = nlohmann::json::object();
  int64_t images = 0;
  for (int k = 0; k < 3; ++k) {
    const std::vector<int64_t> counts = sets[k]->size() > 0 ? sets[k]->classCounts(classes)
                                                            : std::vector<int64_t>(per_class.size(), 0);
    for (size_t c = 0; c < counts.size() && c < per_class.size(); ++c) per_class[c] += counts[c];
    images += sets[k]->size();
    splits[kSplitNames[k]] = {{"images", sets[k]->size()}, {"per_class", counts}};
  }
  j["images"] = images;
  j["channels"] = data.train.images.defined() ? data.channels() : 0;
  j["image_size"] = data.train.images.defined() ? data.imageSize() : 0;
  nlohmann::json cls = nlohmann::json::array();
  for (size_t c = 0; c < per_class.size(); ++c) cls.push_back({{"name", data.class_names[c]}, {"count", per_class[c]}});
  j["classes"] = cls;
  j["splits"] = splits;
  const auto [lo, hi] = std::minmax_element(per_class.begin(), per_class.end());
  if (per_class.empty() || *lo == 0) j["imbalance_ratio"] = nullptr;
  else j["imbalance_ratio"] = static_cast<double>(*hi) / static_cast<double>(*lo);
  j["formats"] = report.formats;
  nlohmann::json sizes = nlohmann::json::array();
  for (const auto& [w, h] : report.sizes) sizes.push_back({w, h});
  j["sizes_seen"] = sizes;
  j["bit_depths"] = report.bit_depths;
  nlohmann::json skipped = nlohmann::json::array();
  for (const SkippedFile& s : report.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
  j["skipped"] = skipped;
  auto [pairs, total] = crossSplitDuplicates(data, report);
  j["duplicates_across_splits"] = std::move(pairs);
  j["duplicate_pairs"] = total;
  return j;
}

std::string formatSummary(const nlohmann::json& s) {
  std::ostringstream out;
  out << "Data: " << s.value("source", std::string()) << "\n";
  out << "  " << s.value("images", int64_t{0}) << " images, " << s.value("channels", int64_t{0}) << " channel(s), "
      << s.value("image_size", int64_t{0}) << "×" << s.value("image_size", int64_t{0}) << " pixels\n";
  const auto& classes = s.at("classes");
  out << "  " << classes.size() << " classes:";
  for (const auto& c : classes)
    out << " " << c.at("name").get<std::string>() << " (" << c.at("count").get<int64_t>() << ")";
  out << "\n  splits:";
  for (const char* name : kSplitNames) out << " " << name << " " << s.at("splits").at(name).at("images").get<int64_t>();
  out << "\n";
  if (!s.at("imbalance_ratio").is_null()) {
    std::ostringstream ratio;
    ratio.precision(3);
    ratio << s.at("imbalance_ratio").get<double>();
    out << "  imbalance (largest / smallest class): " << ratio.str() << "\n";
  }
  if (!s.at("formats").empty()) {
    out << "  formats:";
    for (const auto& [name, n] : s.at("formats").items()) out << " " << name << " " << n.get<int64_t>();
    out << "\n";
  }
  if (!s.at("bit_depths").empty()) {
    out << "  bit depths:";
    for (const auto& d : s.at("bit_depths")) out << " " << d.get<int>();
    out << "\n";
  }
  if (!s.at("sizes_seen").empty()) out << "  " << s.at("sizes_seen").size() << " distinct stored image size(s)\n";
  const auto& skipped = s.at("skipped");
  if (!skipped.empty()) {
    out << "  skipped " << skipped.size() << ":\n";
    for (const auto& k : skipped)
      out << "    " << k.at("path").get<std::string>() << ": " << k.at("reason").get<std::string>() << "\n";
  }
  const int64_t dups = s.value("duplicate_pairs", int64_t{0});
  if (dups > 0) {
    out << "  WARNING: " << dups << " identical image pair(s) in different splits:\n";
    for (const auto& d : s.at("duplicates_across_splits"))
      out << "    " << d.at("a").get<std::string>() << " = " << d.at("b").get<std::string>() << "\n";
  }
  return out.str();
}

}  // namespace zd
