// The official class names of the MedMNIST v2 data sets (medmnist's INFO table),
// which their .npz files do not carry: a file is recognised by its name (pathmnist.npz,
// dermamnist_64.npz, …) together with its shape (class count and channels), so a
// user's own file that merely shares a name keeps its generic names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zd {

// The names for a file whose stem (lower-cased) is a MedMNIST set's name, alone or
// followed by "_<size>" (the MedMNIST+ 64/128/224 files), when its labels have that
// set's class count and its images that set's channels; nullopt otherwise.
// ChestMNIST is multi-label and has no entry.
std::optional<std::vector<std::string>> medmnistClassNames(const std::string& file_stem, int64_t classes,
                                                           int64_t channels);

}  // namespace zd
