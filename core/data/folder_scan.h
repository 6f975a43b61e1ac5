// Finding the labelled image files of a folder tree: class folders, pre-split
// train/val/test folders, links and loops. Reads directory entries only, no pixels.
#pragma once

#include "core/data/image_list.h"

#include <filesystem>

namespace zd {

// True for files that may hold an image: an image extension (.png .jpg .jpeg .jpe
// .bmp .dib .tif .tiff .pgm .ppm .pbm .pnm, any case), ".dcm" or the DICM magic.
bool isImageCandidate(const std::filesystem::path& path);

// The labelled files under `root`: class folders are the sub-folders of `root`
// (sorted by name; hidden ones ignored), or of root/train, root/val (or valid,
// validation) and root/test when `root` holds train and test folders — those are then
// the splits. Files at any depth below a class folder belong to it; links are
// followed, loops and unreadable folders listed in `skipped`. Throws DataError naming
// `root` when it is no folder, or when it holds image files but no class folder (a
// plain DICOM series or a folder of unlabelled images). Thread-safe.
ImageList scanImageFolder(const std::filesystem::path& root);

}  // namespace zd
