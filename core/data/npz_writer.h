// Writing MedMNIST-style .npz files, for the demo-data generator and the tests.
#pragma once

#include "core/data/image_set.h"

#include <filesystem>

namespace zd {

// Writes `data` to `path` in the layout loadMedmnistNpz reads: train/val/test
// _images as uint8 N×H×W (C = 1) or N×H×W×3 (C = 3) and _labels as N×1, uint8 when
// every label fits (at most 256 classes), else int64; deflated, written atomically.
// Throws DataError for images that are not uint8 with 1 or 3 channels, IoError when
// the file cannot be written (the previous file, if any, is then left as it was).
void writeMedmnistNpz(const std::filesystem::path& path, const Dataset& data);

}  // namespace zd
