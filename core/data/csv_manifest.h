// CSV manifests: a list of `path,label[,split]` rows naming image files relative to
// the manifest — the third way in, next to image folders and .npz files.
#pragma once

#include "core/data/image_list.h"

#include <filesystem>

namespace zd {

// True when `path` names a CSV manifest: a ".csv" extension, any case.
bool isCsvManifest(const std::filesystem::path& path);

// The labelled files of manifest `csv`. Columns are path, label and an optional split
// (train, val/valid/validation, test; any case), in that order, or in any order when
// the first row is a header naming them ("path", "label", "split"; other columns are
// ignored). Relative paths are relative to the manifest's folder. A split column makes
// the list pre-split. Bad rows never abort: a missing file, a folder, an empty path or
// label, an unknown or empty split, a wrong field count or a repeated file is listed
// in `skipped` with "line N: reason". Throws DataError naming `csv` when it cannot be
// read, is malformed CSV (an unclosed quote), has a header without path and label
// columns, or holds no rows. Thread-safe.
ImageList readCsvManifest(const std::filesystem::path& csv);

}  // namespace zd
