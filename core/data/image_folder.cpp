#include "core/data/image_folder.h"

#include "core/data/folder_scan.h"
#include "core/data/image_list.h"

namespace zd {

Dataset loadImageFolder(const std::filesystem::path& root, const ImageLoadOptions& options, LoadReport* report) {
  checkImageLoadOptions(options);
  if (report) *report = LoadReport();
  return loadImageList(scanImageFolder(root), options, report);
}

}  // namespace zd
