// Helpers for the search checkpoint: small values in a torch archive, written
// atomically (temp + rename) so an interrupted write never corrupts the last one.
#pragma once

#include <torch/serialize/archive.h>

#include <filesystem>
#include <random>
#include <string>

namespace zd {

void writeInt(torch::serialize::OutputArchive& archive, const std::string& key, int64_t value);
int64_t readInt(torch::serialize::InputArchive& archive, const std::string& key);
void writeDouble(torch::serialize::OutputArchive& archive, const std::string& key, double value);
double readDouble(torch::serialize::InputArchive& archive, const std::string& key);

// The full state of a std::mt19937_64 (its textual form, as bytes).
void writeRng(torch::serialize::OutputArchive& archive, const std::string& key, const std::mt19937_64& rng);
void readRng(torch::serialize::InputArchive& archive, const std::string& key, std::mt19937_64& rng);

// Saves the archive to `path` atomically; throws IoError naming the path.
void saveArchiveAtomically(torch::serialize::OutputArchive& archive, const std::filesystem::path& path);
// Loads an archive; throws IoError naming the path when it is missing or corrupt.
// Tensors come back on `device`, whichever device wrote them: a run searched on a
// GPU resumes on the CPU and the other way round.
void loadArchive(torch::serialize::InputArchive& archive, const std::filesystem::path& path,
                 const torch::Device& device);

}  // namespace zd
