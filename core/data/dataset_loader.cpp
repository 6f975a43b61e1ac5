#include "core/data/dataset_loader.h"

#include "core/common/ascii_lower.h"
#include "core/common/error.h"
#include "core/data/csv_manifest.h"
#include "core/data/dicom_image.h"
#include "core/data/folder_scan.h"
#include "core/data/npz_reader.h"
#ifdef ZODARTS_WITH_OPENCV
#include "core/data/dataset_cache.h"
#endif

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace zd {
namespace fs = std::filesystem;

namespace {

bool hasNpzExtension(const fs::path& path) { return asciiLower(path.extension().string()) == ".npz"; }

const char* const kLayoutHint =
    "classification needs labelled images: one sub-folder per class (FOLDER/CLASS/…), a CSV "
    "manifest (path,label) or a MedMNIST-style .npz";

}  // namespace

fs::path defaultCacheDir() {
  if (const char* dir = std::getenv("ZODARTS_CACHE_DIR"); dir && *dir) return fs::path(dir);
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "zodarts";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "zodarts";
  return {};
}

fs::path cacheDirFor(bool enabled, const std::string& dir) {
  if (!enabled) return {};
  return dir.empty() ? defaultCacheDir() : fs::path(dir);
}

Dataset loadDataset(const std::string& path) { return loadDataset(path, ImageLoadOptions(), nullptr); }

Dataset loadDataset(const std::string& path, const ImageLoadOptions& options, LoadReport* report,
                    const fs::path& cache_dir) {
  const fs::path p(path);
  std::error_code ec;
  const fs::file_status status = fs::status(p, ec);
  if (ec && status.type() != fs::file_type::not_found)
    throw DataError(path + ": cannot be read (" + ec.message() + ")");
  if (!fs::exists(status)) throw DataError(path + ": no such file or folder");
  if (report) *report = LoadReport();
  const bool file = fs::is_regular_file(status);
  if (file && hasNpzExtension(p)) return loadMedmnistNpz(p);
  if (file && looksLikeDicom(p))
    throw DataError(path + ": a single DICOM file is not a data set (it carries no class); " + kLayoutHint);
  if (file && isImageCandidate(p))
    throw DataError(path + ": a single image is not a data set (it carries no class); " + kLayoutHint);
  if (!(file && isCsvManifest(p)) && !fs::is_directory(status))
    throw DataError(path + ": unsupported kind of file; " + kLayoutHint);
#ifdef ZODARTS_WITH_OPENCV
  checkImageLoadOptions(options);
  const ImageList list = file ? readCsvManifest(p) : scanImageFolder(p);
  return loadImageListCached(list, options, report, cache_dir);
#else
  (void)options;
  (void)cache_dir;
  throw DataError(path + ": image folders and CSV manifests need a build with OpenCV (ZODARTS_WITH_OPENCV)");
#endif
}

}  // namespace zd
