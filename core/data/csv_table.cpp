#include "core/data/csv_table.h"

#include "core/common/error.h"

namespace zd {
namespace {

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool blank(const CsvRecord& r) {
  for (const auto& f : r.fields)
    if (!f.empty()) return false;
  return true;
}

}  // namespace

std::vector<CsvRecord> parseCsv(const std::string& input, const std::string& source) {
  std::vector<CsvRecord> records;
  size_t i = input.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  int line = 1;
  CsvRecord record{line, {}};
  std::string field;
  bool quoted = false;  // the current field was quoted (kept as is, not trimmed)
  auto endField = [&] {
    record.fields.push_back(quoted ? field : trimmed(field));
    field.clear();
    quoted = false;
  };
  auto endRecord = [&] {
    endField();
    if (!blank(record)) records.push_back(std::move(record));
    record = CsvRecord{line, {}};
  };
  while (i < input.size()) {
    const char c = input[i];
    if (c == '"' && trimmed(field).empty() && !quoted) {
      // A quoted field: read to the closing quote.
      const int start = line;
      field.clear();
      quoted = true;
      ++i;
      for (;;) {
        if (i >= input.size())
          throw DataError(source + ": line " + std::to_string(start) + ": a quoted field is never closed (missing \")");
        if (input[i] == '"') {
          if (i + 1 < input.size() && input[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (input[i] == '\n') ++line;
        field += input[i++];
      }
      while (i < input.size() && (input[i] == ' ' || input[i] == '\t')) ++i;
      if (i < input.size() && input[i] != ',' && input[i] != '\n' && input[i] != '\r')
        throw DataError(source + ": line " + std::to_string(line) +
                        ": text after a closing quote (write a quote inside quotes as \"\")");
      continue;
    }
    if (c == ',') {
      endField();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < input.size() && input[i + 1] == '\n') ++i;
      ++line;
      endRecord();
    } else {
      field += c;
    }
    ++i;
  }
  if (!field.empty() || quoted || !record.fields.empty()) endRecord();
  return records;
}

}  // namespace zd
