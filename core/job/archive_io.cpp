#include "core/job/archive_io.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <torch/torch.h>

#include <sstream>

namespace zd {

void writeInt(torch::serialize::OutputArchive& archive, const std::string& key, int64_t value) {
  archive.write(key, torch::tensor(value, torch::kLong));
}

int64_t readInt(torch::serialize::InputArchive& archive, const std::string& key) {
  torch::Tensor t;
  archive.read(key, t);
  return t.item<int64_t>();
}

void writeDouble(torch::serialize::OutputArchive& archive, const std::string& key, double value) {
  archive.write(key, torch::tensor(value, torch::kDouble));
}

double readDouble(torch::serialize::InputArchive& archive, const std::string& key) {
  torch::Tensor t;
  archive.read(key, t);
  return t.item<double>();
}

void writeRng(torch::serialize::OutputArchive& archive, const std::string& key, const std::mt19937_64& rng) {
  std::ostringstream out;
  out << rng;
  const std::string s = out.str();
  archive.write(key,
                torch::from_blob(const_cast<char*>(s.data()), {static_cast<int64_t>(s.size())}, torch::kUInt8).clone());
}

void readRng(torch::serialize::InputArchive& archive, const std::string& key, std::mt19937_64& rng) {
  torch::Tensor t;
  archive.read(key, t);
  t = t.to(torch::kCPU).contiguous();
  std::istringstream in(std::string(reinterpret_cast<const char*>(t.data_ptr<uint8_t>()),
                                    static_cast<size_t>(t.numel())));
  in >> rng;
  if (!in) throw IoError("checkpoint: corrupt random-generator state '" + key + "'");
}

void saveArchiveAtomically(torch::serialize::OutputArchive& archive, const std::filesystem::path& path) {
  writeFileAtomically(path, [&archive](const std::filesystem::path& tmp) { archive.save_to(tmp.string()); });
}

void loadArchive(torch::serialize::InputArchive& archive, const std::filesystem::path& path,
                 const torch::Device& device) {
  if (!std::filesystem::exists(path)) throw IoError(path.string() + ": no checkpoint to resume from");
  try {
    archive.load_from(path.string(), device);
  } catch (const c10::Error& e) {
    throw IoError(path.string() + ": unreadable checkpoint (" + std::string(e.what_without_backtrace()) + ")");
  }
}

}  // namespace zd
