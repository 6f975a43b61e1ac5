#include "core/run/run_directory.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <nlohmann/json.hpp>

#include <ctime>

namespace zd {
namespace fs = std::filesystem;

namespace {

std::string pretty(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

RunDirectory RunDirectory::create(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (!fs::is_directory(path, ec))
      throw IoError(path.string() + " exists and is not a folder: choose another run folder");
    // Refusing protects whatever the user keeps there from being mixed with (or
    // overwritten by) a run's files.
    const bool empty = fs::is_empty(path, ec);
    if (ec) throw IoError("cannot read the folder " + path.string() + ": " + ec.message());
    if (!empty && !isRunDirectory(path))
      throw IoError(path.string() + " already holds other files and is not a run folder (no config.json): "
                                    "choose a new or empty run folder");
    return RunDirectory(path);
  }
  fs::create_directories(path, ec);
  if (ec) throw IoError("cannot create the run folder " + path.string() + ": " + ec.message());
  return RunDirectory(path);
}

RunDirectory RunDirectory::open(const fs::path& path) {
  if (!isRunDirectory(path)) throw IoError(path.string() + " is not a run directory (no config.json)");
  return RunDirectory(path);
}

bool RunDirectory::isRunDirectory(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) && fs::is_regular_file(path / "config.json", ec);
}

void RunDirectory::writeConfig(const RunConfig& config) const {
  writeFileAtomically(configPath(), pretty(toJson(config)));
}

RunConfig RunDirectory::readConfig() const {
  const std::string text = readFile(configPath());
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigError(configPath().string() + ": not valid JSON (error near byte " + std::to_string(e.byte) + ")");
  }
  try {
    return runConfigFromJson(j);
  } catch (const ConfigError& e) {
    throw ConfigError(configPath().string() + ": " + e.what());
  }
}

void RunDirectory::writeJson(const std::string& name, const nlohmann::json& j) const {
  // Only plain names: the run's files stay inside its folder.
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
    throw IoError("cannot write '" + name + "' in " + path_.string() +
                  ": expected a plain file name such as genotype.json");
  writeFileAtomically(path_ / name, pretty(j));
}

std::string defaultRunName() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);  // the thread-safe form of localtime
  char text[32];
  std::strftime(text, sizeof text, "run-%Y%m%d-%H%M%S", &local);
  return text;
}

}  // namespace zd
