// Comma-separated text as spreadsheets write it (RFC 4180), for CSV manifests.
#pragma once

#include <string>
#include <vector>

namespace zd {

// One record of a CSV text: its fields and the line it starts on. Plain value type.
struct CsvRecord {
  int line = 0;                     // 1-based line of the record's first character
  std::vector<std::string> fields;  // unquoted; unquoted fields trimmed of spaces and tabs
};

// Splits `text` into records: fields separated by commas, records by LF or CRLF;
// a field in double quotes may hold commas, line breaks and doubled quotes ("").
// A UTF-8 byte-order mark is dropped, blank lines are left out. Throws DataError
// naming `source` and the line when a quoted field is never closed or text follows
// a closing quote. Pure function.
std::vector<CsvRecord> parseCsv(const std::string& text, const std::string& source);

}  // namespace zd
