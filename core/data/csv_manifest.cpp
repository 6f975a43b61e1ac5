#include "core/data/csv_manifest.h"

#include "core/common/ascii_lower.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/data/csv_table.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace zd {
namespace fs = std::filesystem;

namespace {

// 0 train, 1 val, 2 test; -1 when `name` is none of them.
int splitOf(const std::string& name) {
  const std::string n = asciiLower(name);
  if (n == "train" || n == "training") return 0;
  if (n == "val" || n == "valid" || n == "validation") return 1;
  if (n == "test" || n == "testing") return 2;
  return -1;
}

// Column positions of path, label and split (-1: no split column).
struct Columns {
  int path = 0, label = 1, split = -1;
  size_t count = 2;  // fields a row needs (without a header: exactly this many)
  bool header = false;
};

Columns columnsOf(const CsvRecord& first, const std::string& where) {
  Columns c;
  int path = -1, label = -1, split = -1;
  for (size_t i = 0; i < first.fields.size(); ++i) {
    const std::string name = asciiLower(first.fields[i]);
    if (name == "path" && path < 0) path = static_cast<int>(i);
    if (name == "label" && label < 0) label = static_cast<int>(i);
    if (name == "split" && split < 0) split = static_cast<int>(i);
  }
  if (path >= 0 || label >= 0) {
    if (path < 0 || label < 0)
      throw DataError(where + ": the header row needs both a 'path' and a 'label' column, got '" +
                      first.fields.front() + (first.fields.size() > 1 ? "," + first.fields[1] : "") + "…'");
    c.header = true;
    c.path = path;
    c.label = label;
    c.split = split;
    c.count = static_cast<size_t>(std::max({path, label, split}) + 1);
    return c;
  }
  // No header: path,label or path,label,split, by the first row's width.
  if (first.fields.size() == 3) c.split = 2, c.count = 3;
  return c;
}

}  // namespace

bool isCsvManifest(const fs::path& path) { return asciiLower(path.extension().string()) == ".csv"; }

ImageList readCsvManifest(const fs::path& csv) {
  const std::string where = csv.string();
  std::string text;
  try {
    text = readFile(csv);
  } catch (const IoError&) {
    throw DataError(where + ": the manifest cannot be read");
  }
  const std::vector<CsvRecord> records = parseCsv(text, where);
  if (records.empty()) throw DataError(where + ": the manifest holds no rows (expected path,label)");
  const Columns cols = columnsOf(records.front(), where);

  ImageList list;
  list.source = where;
  list.presplit = cols.split >= 0;
  const fs::path base = csv.parent_path();
  std::map<fs::path, int> seen;  // canonical file → line it was first listed on
  for (size_t r = cols.header ? 1 : 0; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    const std::string line = "line " + std::to_string(rec.line) + ": ";
    const std::string row_name = where + ":" + std::to_string(rec.line);
    auto skip = [&](const std::string& path, const std::string& reason) {
      list.skipped.push_back({path.empty() ? row_name : path, line + reason});
    };
    const auto& f = rec.fields;
    if (f.size() < cols.count || (!cols.header && f.size() > cols.count)) {
      skip("", "expected " + std::to_string(cols.count) + " fields (path,label" + (cols.split >= 0 ? ",split" : "") +
                   "), got " + std::to_string(f.size()) +
                   (f.size() > cols.count ? " — quote paths that hold commas" : ""));
      continue;
    }
    const std::string& rel = f[static_cast<size_t>(cols.path)];
    const std::string& label = f[static_cast<size_t>(cols.label)];
    if (rel.empty()) {
      skip("", "empty path");
      continue;
    }
    const fs::path file = fs::path(rel).is_absolute() ? fs::path(rel) : base / rel;
    if (label.empty()) {
      skip(file.string(), "empty label");
      continue;
    }
    int split = -1;
    if (cols.split >= 0) {
      const std::string& s = f[static_cast<size_t>(cols.split)];
      split = splitOf(s);
      if (split < 0) {
        skip(file.string(), s.empty() ? "empty split (expected train, val or test)"
                                      : "unknown split '" + s + "' (expected train, val or test)");
        continue;
      }
    }
    std::error_code ec;
    const fs::file_status st = fs::status(file, ec);
    if (!fs::exists(st)) {
      skip(file.string(), "file not found");
      continue;
    }
    if (fs::is_directory(st)) {
      skip(file.string(), "is a folder, not an image file");
      continue;
    }
    if (!fs::is_regular_file(st)) {
      skip(file.string(), "not a regular file");
      continue;
    }
    const fs::path canon = fs::canonical(file, ec);
    const auto [it, fresh] = seen.insert({ec ? file : canon, rec.line});
    if (!fresh) {
      skip(file.string(), "the same file as line " + std::to_string(it->second) + " — listed once");
      continue;
    }
    list.files.push_back({file, label, split});
  }
  return list;
}

}  // namespace zd
