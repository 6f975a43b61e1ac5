#include "core/data/folder_scan.h"

#include "core/common/ascii_lower.h"
#include "core/common/error.h"
#include "core/data/dicom_image.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace zd {
namespace fs = std::filesystem;

namespace {

bool isHidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.empty() || name[0] == '.' || name == "__MACOSX";
}

struct Scan {
  ImageList list;
  std::set<fs::path> visited;              // canonical folders read
  int loose_images = 0, loose_dicoms = 0;  // candidates lying outside any class folder
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
void walk(const fs::path& dir, const std::string& cls, int split, Scan& scan) {
  auto& skipped = scan.list.skipped;
  std::error_code ec;
  const fs::path canon = fs::canonical(dir, ec);
  if (ec) return skipped.push_back({dir.string(), "folder cannot be read (" + ec.message() + ")"});
  if (!scan.visited.insert(canon).second)
    return skipped.push_back({dir.string(),
                              "link to a folder already read (" + canon.string() + "), e.g. a link loop — skipped"});
  for (const fs::path& p : listDir(dir, skipped)) {
    if (isHidden(p)) continue;
    const fs::file_status st = fs::status(p, ec);  // follows links
    if (ec) {
      if (isImageCandidate(p)) skipped.push_back({p.string(), "broken link or unreadable entry"});
    } else if (fs::is_directory(st)) {
      walk(p, cls, split, scan);
    } else if (isImageCandidate(p)) {
      if (fs::is_regular_file(st)) scan.list.files.push_back({p, cls, split});
      else skipped.push_back({p.string(), "not a regular file"});
    }
  }
}

// Class folders of `dir` (images lying directly in it are reported: they have no class).
void scanClasses(const fs::path& dir, int split, Scan& scan) {
  for (const fs::path& p : listDir(dir, scan.list.skipped)) {
    std::error_code ec;
    if (isHidden(p)) continue;
    if (fs::is_directory(p, ec)) {
      const std::string cls = p.filename().string();
      scan.list.class_dirs.push_back({cls, p.string()});
      walk(p, cls, split, scan);
    } else if (isImageCandidate(p)) {
      scan.list.skipped.push_back({p.string(), "image outside a class folder — skipped"});
      ++(looksLikeDicom(p) ? scan.loose_dicoms : scan.loose_images);
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
    const std::string name = asciiLower(p.filename().string());
    if (name == "train") found.push_back({0, p});
    if (name == "val" || name == "valid" || name == "validation") found.push_back({1, p});
    if (name == "test") found.push_back({2, p});
  }
  int mask = 0;
  for (const auto& f : found) mask |= 1 << f.first;
  if ((mask & 5) != 5) return {};
  return found;
}

}  // namespace

bool isImageCandidate(const fs::path& p) {
  static const std::set<std::string> kExt = {".png", ".jpg",  ".jpeg", ".jpe", ".bmp", ".dib",
                                             ".tif", ".tiff", ".pgm",  ".ppm", ".pbm", ".pnm"};
  return kExt.count(asciiLower(p.extension().string())) > 0 || looksLikeDicom(p);
}

ImageList scanImageFolder(const fs::path& root) {
  const std::string where = root.string();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw DataError(where + ": no such folder");
  Scan scan;
  scan.list.source = where;
  scan.visited.insert(fs::canonical(root, ec));
  const auto splits = splitFolders(root);
  scan.list.presplit = !splits.empty();
  for (const auto& [split, dir] : splits) scan.visited.insert(fs::canonical(dir, ec));
  if (splits.empty()) scanClasses(root, -1, scan);
  for (const auto& [split, dir] : splits) scanClasses(dir, split, scan);

  // Images but no class folder: a DICOM series or a flat export, which carries no labels.
  const int loose = scan.loose_images + scan.loose_dicoms;
  if (scan.list.class_dirs.empty() && loose > 0) {
    const std::string what = scan.loose_images == 0 ? std::to_string(loose) + " DICOM file(s) (a series?)"
                                                    : std::to_string(loose) + " image file(s)";
    throw DataError(where + ": no usable images in class sub-folders — it holds " + what +
                    " directly, which carry no class; classification needs one sub-folder per "
                    "class (" +
                    where + "/CLASS/…) or a CSV manifest (path,label)");
  }
  return std::move(scan.list);
}

}  // namespace zd
