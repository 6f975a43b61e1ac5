// One entry point for every data source: picks the reader from the path.
#pragma once

#include "core/data/image_set.h"

#include <string>

namespace zd {

// Loads the data set at `path` (today: a MedMNIST-style .npz file), or throws
// DataError naming the path and what is wrong (missing, unsupported kind, malformed).
Dataset loadDataset(const std::string& path);

}  // namespace zd
