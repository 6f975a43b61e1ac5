#include "core/run/event_log.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

namespace zd {
namespace fs = std::filesystem;

namespace {

// A crash mid-write leaves a last line without its newline. Appending after it would
// glue the next event onto the fragment and turn it into a damaged line in the middle,
// which readEventLog rejects; so the fragment is cut off before appending.
void dropPartialLastLine(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || size == 0) return;  // no file yet, or empty: nothing to repair
  const std::string text = readFile(path);
  if (text.back() == '\n') return;
  const auto last_newline = text.rfind('\n');
  const std::uintmax_t keep = last_newline == std::string::npos ? 0 : last_newline + 1;
  fs::resize_file(path, keep, ec);
  if (ec) throw IoError("cannot repair the damaged last line of " + path.string() + ": " + ec.message());
}

}  // namespace

EventLog::EventLog(const fs::path& path, bool log_step_progress) : path_(path), log_step_progress_(log_step_progress) {
  dropPartialLastLine(path_);
  out_.open(path_, std::ios::out | std::ios::app | std::ios::binary);
  if (!out_) throw IoError("cannot open " + path_.string() + " for writing: " + std::strerror(errno));
}

void EventLog::onEvent(const JobEvent& event) {
  // Hundreds per epoch: they would dwarf the rest of the log and nothing replays them.
  const bool step = std::holds_alternative<StepProgress>(event) || std::holds_alternative<TrainStepProgress>(event);
  if (step && !log_step_progress_) return;
  // Replacing invalid UTF-8 (a file name in a legacy encoding inside a message) keeps
  // a bad byte from costing the whole event.
  out_ << toJson(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  out_.flush();
  if (!out_) throw IoError("cannot write to " + path_.string() + " (disk full?)");
}

std::vector<JobEvent> readEventLog(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path.string() + ": " + std::strerror(errno));

  std::vector<JobEvent> events;
  // A damaged line is an error only once another line follows it: the last line may
  // just be the one a crash interrupted.
  std::optional<std::string> pending_error;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (pending_error) throw DataError(*pending_error);
    const std::string where = path.string() + " line " + std::to_string(number) + ": ";
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      pending_error = where + "not valid JSON (the file is damaged)";
      continue;
    }
    try {
      events.push_back(eventFromJson(j));
    } catch (const DataError& e) {
      pending_error = where + e.what();
    }
  }
  if (in.bad()) throw IoError("cannot read " + path.string());
  return events;
}

}  // namespace zd
