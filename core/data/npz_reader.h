// Reading MedMNIST-style .npz files (numpy.savez / savez_compressed): the arrays
// train_images, train_labels, val_images, val_labels, test_images, test_labels.
#pragma once

#include "core/data/image_set.h"

#include <filesystem>

namespace zd {

// Loads a MedMNIST-style .npz into a Dataset, or throws DataError naming the file,
// the key and the problem.
//
// Images: uint8, N×H×W (grayscale, C = 1) or N×H×W×3 (colour, C = 3), square, the
// same size in every split; they are stored as N×C×H×W. Labels: integers, N or N×1,
// non-negative. Classes = largest label + 1, named "class 0", "class 1", … (the
// files carry no names). val may be empty; train and test may not. Members may be
// stored or deflated. Each image array is read straight into its final tensor
// (colour through a small transposing buffer), so peak memory is about the size of
// the data set itself.
Dataset loadMedmnistNpz(const std::filesystem::path& path);

}  // namespace zd
