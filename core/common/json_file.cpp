#include "core/common/json_file.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

namespace zd {

nlohmann::json readJsonFile(const std::filesystem::path& path, JsonFileKind kind) {
  const std::string text = readFile(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const std::string message = path.string() + ": not valid JSON (" + e.what() + ")";
    if (kind == JsonFileKind::Record) throw DataError(message);
    throw ConfigError(message);
  }
}

}  // namespace zd
