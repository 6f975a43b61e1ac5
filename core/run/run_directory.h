// One search's folder, runs/<name>/ (ARCHITECTURE.md "Run directory"): where each of
// its files lives, and the config and JSON files written atomically.
#pragma once

#include "core/run/run_config.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>

namespace zd {

// A handle on a run folder. Holds only its path, so copies are cheap and it may be
// shared between threads; each write replaces its file atomically (last one wins).
class RunDirectory {
 public:
  // Makes the folder (and its parents) for a new run, or accepts an existing run
  // folder (one with config.json) to resume; throws IoError for any other existing,
  // non-empty folder, for a file in the way, or when the folder cannot be made.
  static RunDirectory create(const std::filesystem::path& path);

  // Opens an existing run; throws IoError when `path` has no config.json.
  static RunDirectory open(const std::filesystem::path& path);

  // True when `path` is a folder holding a config.json.
  static bool isRunDirectory(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path configPath() const { return path_ / "config.json"; }
  std::filesystem::path eventsPath() const { return path_ / "events.jsonl"; }
  std::filesystem::path checkpointPath() const { return path_ / "checkpoint.pt"; }
  std::filesystem::path genotypePath() const { return path_ / "genotype.json"; }
  std::filesystem::path reportPath() const { return path_ / "report.md"; }
  std::filesystem::path modelPath() const { return path_ / "model.pt"; }
  std::filesystem::path onnxPath() const { return path_ / "model.onnx"; }

  // Writes config.json (every setting, pretty-printed) atomically; throws IoError.
  void writeConfig(const RunConfig& config) const;

  // Reads config.json back; throws IoError when unreadable and ConfigError, naming the
  // file, when it is not valid JSON or holds an invalid setting.
  RunConfig readConfig() const;

  // Writes `j` pretty-printed to the file `name` (a plain file name such as
  // "genotype.json") in the run folder atomically; throws IoError.
  void writeJson(const std::string& name, const nlohmann::json& j) const;

 private:
  explicit RunDirectory(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// A fresh run name from the local time: "run-YYYYMMDD-HHMMSS".
std::string defaultRunName();

}  // namespace zd
