#include "core/common/atomic_file.h"

#include "core/common/error.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace zd {
namespace fs = std::filesystem;

namespace {

fs::path temporaryPathFor(const fs::path& path) {
  // Same directory, so the final rename never crosses file systems.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return path.parent_path() / ("." + path.filename().string() + ".tmp" + std::to_string(rng() % 1000000000ULL));
}

// fsync so the rename publishes complete data even after a power loss.
void syncFile(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void publish(const fs::path& tmp, const fs::path& path) {
  syncFile(tmp);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw IoError("cannot write " + path.string() + ": " + ec.message());
  }
}

}  // namespace

void writeFileAtomically(const fs::path& path, const std::string& contents) {
  writeFileAtomically(path, [&contents](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError("cannot create " + tmp.string() + ": " + std::strerror(errno));
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) throw IoError("cannot write " + tmp.string() + " (disk full?)");
  });
}

void writeFileAtomically(const fs::path& path, const std::function<void(const fs::path&)>& writer) {
  if (!path.parent_path().empty() && !fs::is_directory(path.parent_path()))
    throw IoError("cannot write " + path.string() + ": folder " + path.parent_path().string() + " does not exist");
  const fs::path tmp = temporaryPathFor(path);
  try {
    writer(tmp);
  } catch (const IoError&) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw IoError("cannot write " + path.string() + ": " + e.what());
  }
  publish(tmp, path);
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path.string() + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw IoError("cannot read " + path.string());
  return ss.str();
}

}  // namespace zd
