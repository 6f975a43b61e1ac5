#include "core/data/image_folder.h"

#include "core/common/error.h"
#include "core/data/dicom_image.h"
#include "core/data/splits.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

namespace zd {
namespace fs = std::filesystem;

namespace {

constexpr int kSplits = 3;  // train, val, test

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool hasImageExtension(const fs::path& p) {
  static const std::set<std::string> kExt = {".png", ".jpg", ".jpeg", ".jpe", ".bmp", ".dib",
                                             ".tif", ".tiff", ".pgm", ".ppm", ".pbm", ".pnm"};
  return kExt.count(lower(p.extension().string())) > 0;
}

// Image files by extension, and DICOM files (".dcm" or the DICM magic, any name).
bool isCandidate(const fs::path& p) { return hasImageExtension(p) || looksLikeDicom(p); }

bool isHidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.empty() || name[0] == '.' || name == "__MACOSX";
}

// ---- Header sniffing: format and stored size from the first bytes, before decoding.

struct Header {
  std::string format;  // empty: not an image we know
  int64_t width = -1, height = -1;  // -1: not found in the header
};

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

void sniffJpeg(const std::string& b, Header& h) {
  size_t pos = 2;
  while (pos + 4 <= b.size() && static_cast<unsigned char>(b[pos]) == 0xFF) {
    while (pos < b.size() && static_cast<unsigned char>(b[pos]) == 0xFF) ++pos;  // fill bytes
    if (pos + 3 > b.size()) return;
    const unsigned m = static_cast<unsigned char>(b[pos++]);
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // no length field
    if (m == 0xD9 || m == 0xDA) return;  // end or scan before any frame header
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof && pos + 7 <= b.size()) {
      h.height = be(b, pos + 3, 2);
      h.width = be(b, pos + 5, 2);
      return;
    }
    pos += be(b, pos, 2);
  }
}

void sniffTiff(const std::string& b, Header& h) {
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

void sniffPnm(const std::string& b, Header& h) {
  size_t pos = 2;
  int64_t values[2] = {-1, -1};
  for (int64_t& v : values) {
    while (pos < b.size() && (std::isspace(static_cast<unsigned char>(b[pos])) || b[pos] == '#')) {
      if (b[pos] == '#')
        while (pos < b.size() && b[pos] != '\n') ++pos;  // comment to end of line
      else
        ++pos;
    }
    if (pos >= b.size() || !std::isdigit(static_cast<unsigned char>(b[pos]))) return;
    v = 0;
    while (pos < b.size() && std::isdigit(static_cast<unsigned char>(b[pos])) && v < (1LL << 40))
      v = v * 10 + (b[pos++] - '0');
  }
  h.width = values[0];
  h.height = values[1];
}

Header sniff(const std::string& b) {
  Header h;
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

// A missing end marker means a truncated file (OpenCV would decode JPEG remains as grey).
bool looksTruncated(const std::string& b, const std::string& format) {
  const size_t tail = std::min<size_t>(b.size(), 1024);
  const std::string end = b.substr(b.size() - tail);
  if (format == "PNG") return end.find("IEND") == std::string::npos;
  if (format == "JPEG") return end.find("\xFF\xD9") == std::string::npos;
  return false;
}

// ---- Decoding one file into its slot of the output tensor.

struct Outcome {
  std::string error;  // empty: decoded
  std::string format;
  int width = 0, height = 0, depth = 0;
  bool colour = false;
};

std::string pixelsText(int64_t w, int64_t h) {
  return std::to_string(w) + "×" + std::to_string(h);
}

void writeSquare(const cv::Mat& rgb, const ImageLoadOptions& o, uint8_t* dst, Outcome& out);
Outcome decodeDicomInto(const fs::path& path, const ImageLoadOptions& o, uint8_t* dst);

// Decodes `path` and writes it as RGB planes [3, size, size] at `dst`.
Outcome decodeInto(const fs::path& path, const ImageLoadOptions& o, uint8_t* dst) {
  if (looksLikeDicom(path)) return decodeDicomInto(path, o, dst);
  Outcome out;
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return out.error = "file cannot be read", out;
  if (bytes.empty()) return out.error = "empty file (0 bytes)", out;
  const Header h = sniff(bytes);
  if (h.format.empty())
    return out.error = "not a PNG, JPEG, BMP, TIFF or PGM/PPM image (unrecognised content)", out;
  out.format = h.format;
  const std::string limit = " exceeds the limit of " + std::to_string(o.max_pixels) + " pixels";
  if (h.width == 0 || h.height == 0)
    return out.error = h.format + " header gives an empty image (" + pixelsText(h.width, h.height) + ")", out;
  if (h.width > 0 && h.height > 0 && h.width * h.height > o.max_pixels)
    return out.error = "image of " + pixelsText(h.width, h.height) + limit + " — not decoded", out;
  if (looksTruncated(bytes, h.format))
    return out.error = "truncated " + h.format + " (no end marker)", out;

  const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, bytes.data());
  cv::Mat img = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
  bytes = std::string();  // free the file before the pixel work
  if (img.empty()) return out.error = "corrupt " + h.format + " (OpenCV could not decode it)", out;
  if (static_cast<int64_t>(img.total()) > o.max_pixels)
    return out.error = "image of " + pixelsText(img.cols, img.rows) + limit, out;
  out.width = img.cols;
  out.height = img.rows;
  out.depth = static_cast<int>(8 * img.elemSize1());

  if (img.depth() != CV_8U) {  // e.g. 16 bit: own min–max → 0..255
    double lo = 0, hi = 0;
    cv::minMaxLoc(img.reshape(1), &lo, &hi);
    const double scale = hi > lo ? 255.0 / (hi - lo) : 0.0;
    cv::Mat u8;
    img.convertTo(u8, CV_8U, scale, -lo * scale);
    img = u8;
  }
  cv::Mat rgb;  // grey or RGB
  switch (img.channels()) {
    case 1: rgb = img; break;
    case 2: cv::extractChannel(img, rgb, 0); break;  // grey + alpha
    case 3: cv::cvtColor(img, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(img, rgb, cv::COLOR_BGRA2RGB); break;
    default:
      return out.error = "unsupported channel count " + std::to_string(img.channels()), out;
  }
  writeSquare(rgb, o, dst, out);
  return out;
}

// Centre-crops (or pads) grey or RGB `rgb` to a square, resizes it and writes it as RGB
// planes [3, size, size] at `dst`; notes in `out` whether it holds colour.
void writeSquare(const cv::Mat& rgb, const ImageLoadOptions& o, uint8_t* dst, Outcome& out) {
  cv::Mat square;
  if (o.pad) {
    const int side = std::max(rgb.cols, rgb.rows);
    const int top = (side - rgb.rows) / 2, left = (side - rgb.cols) / 2;
    cv::copyMakeBorder(rgb, square, top, side - rgb.rows - top, left, side - rgb.cols - left,
                       cv::BORDER_CONSTANT, cv::Scalar::all(0));
  } else {
    const int side = std::min(rgb.cols, rgb.rows);
    square = rgb(cv::Rect((rgb.cols - side) / 2, (rgb.rows - side) / 2, side, side));
  }
  cv::Mat small;
  cv::resize(square, small, cv::Size(o.size, o.size), 0, 0, cv::INTER_AREA);

  const size_t plane = static_cast<size_t>(o.size) * static_cast<size_t>(o.size);
  const int c = small.channels();
  for (int y = 0; y < o.size; ++y) {
    const uint8_t* row = small.ptr<uint8_t>(y);
    for (int x = 0; x < o.size; ++x) {
      const size_t at = static_cast<size_t>(y) * static_cast<size_t>(o.size) + static_cast<size_t>(x);
      const uint8_t* px = row + static_cast<ptrdiff_t>(x) * c;
      const uint8_t r = px[0], g = px[c == 3 ? 1 : 0], b = px[c == 3 ? 2 : 0];
      out.colour = out.colour || r != g || r != b;  // equal channels count as grey
      dst[at] = r;
      dst[plane + at] = g;
      dst[2 * plane + at] = b;
    }
  }
}

// Decodes DICOM `path` (its middle frame) through decodeDicom into its slot at `dst`.
Outcome decodeDicomInto(const fs::path& path, const ImageLoadOptions& o, uint8_t* dst) {
  Outcome out;
  out.format = "DICOM";
  try {
    DecodedDicom d = decodeDicom(path, false, o.max_pixels);
    out.width = d.width;
    out.height = d.height;
    out.depth = d.bits_stored;
    const cv::Mat img(d.height, d.width, d.channels == 3 ? CV_8UC3 : CV_8UC1,
                      d.frames.front().data());
    writeSquare(img, o, dst, out);
  } catch (const DataError& e) {
    out.error = e.what();
  }
  return out;
}

// ---- Scanning the folder tree.

struct Job {
  fs::path path;
  std::string class_name;
  int split = -1;  // 0 train, 1 val, 2 test; -1 when the folder is not pre-split
};

struct Scan {
  std::vector<Job> jobs;
  std::vector<std::pair<std::string, fs::path>> class_dirs;  // every class folder seen
  std::set<fs::path> visited;                                // canonical folders read
};

// Sorted entries of `dir`; a folder that cannot be listed is reported.
std::vector<fs::path> listDir(const fs::path& dir, std::vector<SkippedFile>& skipped) {
  std::vector<fs::path> entries;
  std::error_code ec;
  fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) entries.push_back(it->path());
  if (ec) skipped.push_back({dir.string(), "folder cannot be read (" + ec.message() + ")"});
  std::sort(entries.begin(), entries.end());
  return entries;
}

// Adds the image files at any depth below `dir` (links followed, each folder once).
void walk(const fs::path& dir, const std::string& cls, int split, Scan& scan,
          std::vector<SkippedFile>& skipped) {
  std::error_code ec;
  const fs::path canon = fs::canonical(dir, ec);
  if (ec) return skipped.push_back({dir.string(), "folder cannot be read (" + ec.message() + ")"});
  if (!scan.visited.insert(canon).second)
    return skipped.push_back({dir.string(), "link to a folder already read (" + canon.string() +
                                                "), e.g. a link loop — skipped"});
  for (const fs::path& p : listDir(dir, skipped)) {
    if (isHidden(p)) continue;
    const fs::file_status st = fs::status(p, ec);  // follows links
    if (ec) {
      if (isCandidate(p)) skipped.push_back({p.string(), "broken link or unreadable entry"});
    } else if (fs::is_directory(st)) {
      walk(p, cls, split, scan, skipped);
    } else if (isCandidate(p)) {
      if (fs::is_regular_file(st))
        scan.jobs.push_back({p, cls, split});
      else
        skipped.push_back({p.string(), "not a regular file"});
    }
  }
}

// Class folders of `dir` (images lying directly in it are reported: they have no class).
void scanClasses(const fs::path& dir, int split, Scan& scan, std::vector<SkippedFile>& skipped) {
  for (const fs::path& p : listDir(dir, skipped)) {
    std::error_code ec;
    if (isHidden(p)) continue;
    if (fs::is_directory(p, ec)) {
      const std::string cls = p.filename().string();
      scan.class_dirs.push_back({cls, p});
      walk(p, cls, split, scan, skipped);
    } else if (isCandidate(p)) {
      skipped.push_back({p.string(), "image outside a class folder — skipped"});
    }
  }
}

// root/train, root/val (valid, validation), root/test when root holds train and test.
std::vector<std::pair<int, fs::path>> splitFolders(const fs::path& root) {
  std::vector<std::pair<int, fs::path>> found;
  std::vector<SkippedFile> ignored;  // listing errors surface again in the class scan
  for (const fs::path& p : listDir(root, ignored)) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) continue;
    const std::string name = lower(p.filename().string());
    if (name == "train") found.push_back({0, p});
    if (name == "val" || name == "valid" || name == "validation") found.push_back({1, p});
    if (name == "test") found.push_back({2, p});
  }
  int mask = 0;
  for (const auto& f : found) mask |= 1 << f.first;
  if ((mask & 5) != 5) return {};
  return found;
}

void checkOptions(const ImageLoadOptions& o) {
  if (o.size < 1) throw ConfigError("image size must be >= 1, got " + std::to_string(o.size));
  if (o.max_pixels < 1)
    throw ConfigError("max_pixels must be >= 1, got " + std::to_string(o.max_pixels));
  if (o.threads < 0) throw ConfigError("threads must be >= 0, got " + std::to_string(o.threads));
  if (!(o.train > 0 && o.val >= 0 && o.test >= 0))
    throw ConfigError("split fractions need train > 0 and val, test >= 0, got " +
                      std::to_string(o.train) + "/" + std::to_string(o.val) + "/" +
                      std::to_string(o.test));
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
    auto [a, b] = stratifiedSplitIndices(labels.index_select(0, rest), classes,
                                         o.val / (o.train + o.val), o.seed + 1);
    val = rest.index_select(0, b);
    rest = rest.index_select(0, a);
  }
  return {rest, val, test};
}

}  // namespace

Dataset loadImageFolder(const fs::path& root, const ImageLoadOptions& options, LoadReport* report) {
  checkOptions(options);
  const std::string where = root.string();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw DataError(where + ": no such folder");

  LoadReport local;
  LoadReport& rep = report ? *report : local;
  rep = LoadReport();
  Scan scan;
  scan.visited.insert(fs::canonical(root, ec));
  const auto splits = splitFolders(root);
  for (const auto& [split, dir] : splits) scan.visited.insert(fs::canonical(dir, ec));
  if (splits.empty()) scanClasses(root, -1, scan, rep.skipped);
  for (const auto& [split, dir] : splits) scanClasses(dir, split, scan, rep.skipped);

  const auto n = static_cast<int64_t>(scan.jobs.size());
  const int64_t s = options.size;
  torch::Tensor all = torch::empty({std::max<int64_t>(n, 1), 3, s, s}, torch::kUInt8);
  std::vector<Outcome> outcomes(scan.jobs.size());
  {  // decode in parallel, each file into its own slot
    std::atomic<size_t> next{0};
    uint8_t* base = all.data_ptr<uint8_t>();
    auto work = [&] {
      for (size_t i = next++; i < outcomes.size(); i = next++) {
        try {
          outcomes[i] = decodeInto(scan.jobs[i].path, options, base + i * 3 * s * s);
        } catch (const cv::Exception& e) {
          outcomes[i].error = "could not be decoded (" + e.err + ")";
        } catch (const std::exception& e) {
          outcomes[i].error = std::string("could not be decoded (") + e.what() + ")";
        }
      }
    };
    const size_t hw = std::max(1u, std::thread::hardware_concurrency());
    const size_t wanted = options.threads > 0 ? static_cast<size_t>(options.threads) : hw;
    const size_t count = std::min<size_t>(wanted,
                                        std::max<size_t>(outcomes.size(), 1));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < count; ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
  }

  std::vector<int64_t> good;
  std::map<std::string, int64_t> usable_per_class;
  bool colour = false;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const Outcome& o = outcomes[i];
    if (!o.error.empty()) {
      rep.skipped.push_back({scan.jobs[i].path.string(), o.error});
      continue;
    }
    good.push_back(static_cast<int64_t>(i));
    ++usable_per_class[scan.jobs[i].class_name];
    ++rep.formats[o.format];
    rep.sizes.insert({o.width, o.height});
    rep.bit_depths.insert(o.depth);
    colour = colour || o.colour;
  }
  std::set<std::string> reported;
  for (const auto& [cls, dir] : scan.class_dirs)
    if (!usable_per_class.count(cls) && reported.insert(cls).second)
      rep.skipped.push_back({dir.string(), "class folder holds no usable images — class left out"});

  Dataset data;
  data.source = where;
  for (const auto& [cls, count] : usable_per_class) data.class_names.push_back(cls);
  if (good.empty())
    throw DataError(where + ": no usable images (PNG, JPEG, BMP, TIFF, PGM/PPM, DICOM) in class "
                            "sub-folders" + (rep.skipped.empty() ? "" : "; see the skipped files"));
  if (data.class_names.size() < 2)
    throw DataError(where + ": needs images in at least two class folders, found only '" +
                    data.class_names.front() + "'");

  const torch::Tensor good_t = torch::tensor(good, torch::kInt64);
  torch::Tensor images = colour ? all : all.narrow(1, 0, 1);
  images = static_cast<int64_t>(good.size()) == n && colour ? images : images.index_select(0, good_t);
  all = torch::Tensor();
  std::vector<int64_t> labels;
  for (const int64_t i : good) {
    const auto& name = scan.jobs[static_cast<size_t>(i)].class_name;
    labels.push_back(std::lower_bound(data.class_names.begin(), data.class_names.end(), name) -
                     data.class_names.begin());
  }
  const ImageSet everything{images, torch::tensor(labels, torch::kInt64)};

  std::array<torch::Tensor, kSplits> parts;
  if (splits.empty()) {
    parts = splitIndices(everything.labels, data.numClasses(), options);
  } else {
    std::array<std::vector<int64_t>, kSplits> idx;
    for (size_t k = 0; k < good.size(); ++k)
      idx[static_cast<size_t>(scan.jobs[static_cast<size_t>(good[k])].split)].push_back(
          static_cast<int64_t>(k));
    if (idx[0].empty()) throw DataError(where + ": the train folder holds no usable images");
    for (int k = 0; k < kSplits; ++k) parts[k] = torch::tensor(idx[k], torch::kInt64);
  }
  ImageSet* sets[kSplits] = {&data.train, &data.val, &data.test};
  std::vector<std::string>* files[kSplits] = {&rep.train_files, &rep.val_files, &rep.test_files};
  for (int k = 0; k < kSplits; ++k) {
    *sets[k] = everything.select(parts[k]);
    const auto p = parts[k].contiguous();
    for (int64_t j = 0; j < p.numel(); ++j)
      files[k]->push_back(
          scan.jobs[static_cast<size_t>(good[static_cast<size_t>(p.data_ptr<int64_t>()[j])])]
              .path.string());
  }
  return data;
}

}  // namespace zd
