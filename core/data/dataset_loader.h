// One entry point for every data source: picks the reader from the path.
#pragma once

#include "core/data/image_folder.h"
#include "core/data/image_set.h"

#include <string>

namespace zd {

// Loads the data set at `path` (a MedMNIST-style .npz file or an image folder), or throws
// DataError naming the path and what is wrong (missing, unsupported kind, malformed).
// A folder is read as an image folder with default ImageLoadOptions (image_folder.h).
Dataset loadDataset(const std::string& path);

// As above, with the options used for an image folder; fills `report` (when not null)
// with what an image folder held and skipped (for a .npz it is left empty). A folder
// throws DataError in a build without OpenCV (ZODARTS_WITH_OPENCV off).
Dataset loadDataset(const std::string& path, const ImageLoadOptions& options, LoadReport* report);

}  // namespace zd
