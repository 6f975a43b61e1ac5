// The decoded-set cache: image folders and CSV manifests loaded once are kept on disk
// as uint8 tensors with their load report, so that reopening a large set takes seconds.
#pragma once

#include "core/data/image_list.h"

#include <filesystem>
#include <string>

namespace zd {

// The cache key of `list` loaded with `options`: a hex digest of the cache format,
// the decoder versions, the options that change pixels or splits (not threads), and
// each file's path, label, split, byte size and modification time (ns), plus the
// listing's skipped entries. Any change of these gives another key. Thread-safe.
std::string cacheKey(const ImageList& list, const ImageLoadOptions& options);

// loadImageList (image_list.h) through the cache folder `dir`: an entry under
// cacheKey(list, options) gives the Dataset and report it was written with, else the
// list is decoded and the entry written atomically (dir/KEY.pt, created as needed).
// Entries that are unreadable, corrupt or inconsistent are ignored and rewritten,
// never trusted; a cache that cannot be written only costs the next load its speed.
// report->from_cache tells which happened. Empty `dir`: no caching. Throws as
// loadImageList does. Thread-safe for distinct keys; concurrent writers of one key
// write identical content.
Dataset loadImageListCached(const ImageList& list, const ImageLoadOptions& options, LoadReport* report,
                            const std::filesystem::path& dir);

}  // namespace zd
