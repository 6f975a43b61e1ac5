// A data set described for people: what was loaded, how it is split, what was
// skipped and whether identical images sit in different splits (a leak).
#pragma once

#include "core/data/image_folder.h"
#include "core/data/image_set.h"

#include <nlohmann/json.hpp>

#include <string>

namespace zd {

// The summary of `data` as loaded with `report`:
// {"source", "images" (all splits), "channels", "image_size",
//  "classes": [{"name", "count"}…], "splits": {"train"|"val"|"test": {"images",
//  "per_class": [n…]}}, "imbalance_ratio" (largest / smallest class count; null when
//  a class is empty), "formats": {name: n}, "sizes_seen": [[w, h]…], "bit_depths",
//  "skipped": [{"path", "reason"}…], "duplicates_across_splits": [{"a", "b"}…]}.
// Duplicates are images whose decoded uint8 pixels are identical but which lie in
// different splits; each side is its file path when the report lists the split's
// files, else "split[index]" (e.g. "val[3]"). At most kMaxDuplicatePairs pairs are
// listed; "duplicate_pairs" gives the full count. Pure function.
nlohmann::json summarizeDataset(const Dataset& data, const LoadReport& report);

// The most duplicate pairs summarizeDataset lists.
constexpr int64_t kMaxDuplicatePairs = 1000;

// A few lines of plain text for the CLI and the GUI's data page, from the JSON above.
std::string formatSummary(const nlohmann::json& summary);

}  // namespace zd
