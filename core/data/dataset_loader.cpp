#include "core/data/dataset_loader.h"

#include "core/common/error.h"
#include "core/data/npz_reader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace zd {
namespace fs = std::filesystem;

namespace {

bool hasNpzExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".npz";
}

}  // namespace

Dataset loadDataset(const std::string& path) { return loadDataset(path, ImageLoadOptions(), nullptr); }

Dataset loadDataset(const std::string& path, const ImageLoadOptions& options, LoadReport* report) {
  const fs::path p(path);
  std::error_code ec;
  const fs::file_status status = fs::status(p, ec);
  if (ec && status.type() != fs::file_type::not_found)
    throw DataError(path + ": cannot be read (" + ec.message() + ")");
  if (!fs::exists(status)) throw DataError(path + ": no such file or folder");
  if (report) *report = LoadReport();
  if (fs::is_regular_file(status) && hasNpzExtension(p)) return loadMedmnistNpz(p);
  if (fs::is_directory(status)) {
#ifdef ZODARTS_WITH_OPENCV
    return loadImageFolder(p, options, report);
#else
    (void)options;
    throw DataError(path + ": image folders need a build with OpenCV (ZODARTS_WITH_OPENCV)");
#endif
  }
  throw DataError(path + ": unsupported kind of file; use a MedMNIST-style .npz or an image folder");
}

}  // namespace zd
