// Reading a whole JSON file with one message form for every file the project reads:
// "<path>: not valid JSON (<parser's reason>)". A file a person writes (settings, a
// plan, a genotype) raises ConfigError; one the program wrote (a record) DataError.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

namespace zd {

enum class JsonFileKind { Settings, Record };

// Throws IoError when the file cannot be read (naming it), ConfigError or DataError
// (by `kind`) when it is not valid JSON.
nlohmann::json readJsonFile(const std::filesystem::path& path, JsonFileKind kind = JsonFileKind::Settings);

}  // namespace zd
