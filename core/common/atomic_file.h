// Atomic file writes: write to a temporary file beside the target, flush, then
// rename over it, so a crash or a full disk never leaves a half-written file.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace zd {

// Writes `contents` to `path` atomically. Throws IoError naming the path on failure;
// the previous file (if any) is then left untouched.
void writeFileAtomically(const std::filesystem::path& path, const std::string& contents);

// Calls `writer(tmp_path)` to produce the file, then renames it over `path`.
// Used for writers that need a path of their own (torch::save). Removes the
// temporary file and throws IoError if the writer throws or the rename fails.
void writeFileAtomically(const std::filesystem::path& path,
                         const std::function<void(const std::filesystem::path&)>& writer);

// Reads a whole file; throws IoError naming the path when it cannot.
std::string readFile(const std::filesystem::path& path);

}  // namespace zd
