// One entry point for every data source: picks the reader from the path.
#pragma once

#include "core/data/image_load_options.h"
#include "core/data/image_set.h"
#include "core/data/load_report.h"

#include <filesystem>
#include <string>

namespace zd {

// Loads the data set at `path` (a MedMNIST-style .npz file or an image folder), or throws
// DataError naming the path and what is wrong (missing, unsupported kind, malformed).
// A folder is read as an image folder with default ImageLoadOptions (image_folder.h).
Dataset loadDataset(const std::string& path);

// As above, with the options used for image files; fills `report` (when not null)
// with what was held and skipped (for a .npz it is left empty). The kind is detected
// from the path: a ".npz" file, a ".csv" manifest (csv_manifest.h) or a folder
// (image_folder.h); a single image or DICOM file, or a folder of images without class
// sub-folders, throws DataError saying how to lay them out. Folders and manifests are
// cached in `cache_dir` (dataset_cache.h) unless it is empty. Image files throw
// DataError in a build without OpenCV (ZODARTS_WITH_OPENCV off).
Dataset loadDataset(const std::string& path, const ImageLoadOptions& options, LoadReport* report,
                    const std::filesystem::path& cache_dir = {});

// The default cache folder: $ZODARTS_CACHE_DIR, else $XDG_CACHE_HOME/zodarts, else
// $HOME/.cache/zodarts; empty when none of these variables is set.
std::filesystem::path defaultCacheDir();

// The cache folder a run uses: none when `enabled` is false, else `dir`, or
// defaultCacheDir() when `dir` is empty.
std::filesystem::path cacheDirFor(bool enabled, const std::string& dir);

}  // namespace zd
