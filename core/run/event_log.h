// The run directory's events.jsonl: the search's event stream, one JSON object per
// line, so a finished (or crashed) run can be replayed into the dashboard.
#pragma once

#include "core/job/job_events.h"

#include <filesystem>
#include <fstream>
#include <vector>

namespace zd {

// Appends each event to a file as one line of JSON, flushed at once, so a crash loses
// at most the line being written. Not thread-safe: call onEvent from one thread (the
// search's), as JobObserver promises.
class EventLog : public JobObserver {
 public:
  // Opens `path` for appending (a resumed run continues the same file), first cutting
  // off a partial last line left by a crash; step_progress events are logged only when
  // `log_step_progress` is set. Throws IoError naming the file when it cannot be opened.
  explicit EventLog(const std::filesystem::path& path, bool log_step_progress = false);

  // Writes one line and flushes it; throws IoError when the write fails (disk full).
  void onEvent(const JobEvent& event) override;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool log_step_progress_;
  std::ofstream out_;
};

// Reads every complete event of an events.jsonl in order. A damaged last line (a
// crash mid-write) is ignored; a damaged line before it throws DataError naming the
// file and line; an unreadable file throws IoError.
std::vector<JobEvent> readEventLog(const std::filesystem::path& path);

}  // namespace zd
