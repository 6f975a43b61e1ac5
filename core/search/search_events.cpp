#include "core/search/search_events.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <iterator>
#include <limits>

namespace zd {
namespace {

using nlohmann::json;

// Names in the order of SearchEvent's alternatives (the variant index picks the name).
constexpr const char* kEventNames[] = {
    "run_started",   "epoch_started",  "step_progress",      "architecture_updated",
    "phase_changed", "epoch_finished", "checkpoint_written", "run_finished",
    "run_failed",    "train_started",  "train_epoch_finished", "train_finished"};
static_assert(std::size(kEventNames) == std::variant_size_v<SearchEvent>,
              "one name per SearchEvent alternative");

// One field list per event, shared by the writer and the reader so the two cannot
// drift apart. JSON keys are the field names.
template <class F> void fields(RunStarted& e, F& f) {
  f("device", e.device);
  f("weight_images", e.weight_images);
  f("arch_images", e.arch_images);
  f("classes", e.classes);
  f("channels", e.channels);
  f("epochs", e.epochs);
  f("steps_per_epoch", e.steps_per_epoch);
  f("start_epoch", e.start_epoch);
  f("min_params", e.min_params);
  f("max_params", e.max_params);
  f("supernet_params", e.supernet_params);
}
template <class F> void fields(EpochStarted& e, F& f) {
  f("epoch", e.epoch);
  f("phase", e.phase);
  f("temperature", e.temperature);
  f("lr", e.lr);
  f("lambda", e.lambda);
}
template <class F> void fields(StepProgress& e, F& f) {
  f("epoch", e.epoch);
  f("step", e.step);
  f("steps", e.steps);
  f("loss", e.loss);
}
template <class F> void fields(ArchitectureUpdated& e, F& f) {
  f("epoch", e.epoch);
  f("update", e.update);
  f("distributions", e.distributions);
  f("expected_params", e.expected_params);
  f("penalty", e.penalty);
  f("arch_loss", e.arch_loss);
}
template <class F> void fields(PhaseChanged& e, F& f) {
  f("epoch", e.epoch);
  f("phase", e.phase);
}
template <class F> void fields(EpochFinished& e, F& f) {
  f("epoch", e.epoch);
  f("phase", e.phase);
  f("train_loss", e.train_loss);
  f("train_accuracy", e.train_accuracy);
  f("arch_loss", e.arch_loss);
  f("arch_accuracy", e.arch_accuracy);
  f("genotype", e.genotype);
  f("depths", e.depths);
  f("derived_params", e.derived_params);
  f.optional("argmax_genotype", e.argmax_genotype);  // optional: runs before the in-band derivation lack it
  f.optional("argmax_params", e.argmax_params);
  f("expected_params", e.expected_params);
  f("seconds", e.seconds);
  f("compute_fraction", e.compute_fraction);
  f("distributions", e.distributions);
}
template <class F> void fields(CheckpointWritten& e, F& f) {
  f("epoch", e.epoch);
  f("path", e.path);
}
template <class F> void fields(RunFinished& e, F& f) {
  f("genotype", e.genotype);
  f("params", e.params);
  f.optional("argmax_genotype", e.argmax_genotype);
  f.optional("argmax_params", e.argmax_params);
  f.optional("derivation", e.derivation);
  f.optional("changes", e.changes);
  f("seconds", e.seconds);
  f("cancelled", e.cancelled);
}
template <class F> void fields(RunFailed& e, F& f) {
  f("message", e.message);
}
template <class F> void fields(TrainStarted& e, F& f) {
  f("device", e.device);
  f("genotype", e.genotype);
  f("params", e.params);
  f("train_images", e.train_images);
  f("val_images", e.val_images);
  f("classes", e.classes);
  f("channels", e.channels);
  f("epochs", e.epochs);
  f("steps_per_epoch", e.steps_per_epoch);
  f("start_epoch", e.start_epoch);
}
template <class F> void fields(TrainEpochFinished& e, F& f) {
  f("epoch", e.epoch);
  f("lr", e.lr);
  f("train_loss", e.train_loss);
  f("train_accuracy", e.train_accuracy);
  f("val_loss", e.val_loss);
  f("val_accuracy", e.val_accuracy);
  f("best_epoch", e.best_epoch);
  f("best_val_accuracy", e.best_val_accuracy);
  f("seconds", e.seconds);
}
template <class F> void fields(TrainFinished& e, F& f) {
  f("best_epoch", e.best_epoch);
  f("best_val_accuracy", e.best_val_accuracy);
  f("epochs_done", e.epochs_done);
  f("seconds", e.seconds);
  f("cancelled", e.cancelled);
}

// --- writing -----------------------------------------------------------------------

json valueOf(const ArchDistributions& d) {
  return json{{"alpha", d.alpha}, {"beta", d.beta}, {"gamma", d.gamma}};
}
template <class T>
json valueOf(const T& v) { return v; }

struct Writer {
  json& out;
  template <class T>
  void operator()(const char* name, const T& value) { out[name] = valueOf(value); }
  template <class T>
  void optional(const char* name, const T& value) { (*this)(name, value); }
};

// --- reading -----------------------------------------------------------------------

// Where a value sits, for messages: "event 'epoch_finished': field 'train_loss'".
struct Context {
  const char* event;
  std::string field;
  std::string describe() const {
    return "event '" + std::string(event) + "': field '" + field + "'";
  }
};

[[noreturn]] void illTyped(const Context& at, const char* expected, const json& v) {
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 60) + "...";
  throw DataError(at.describe() + " must be " + expected + ", got " + text);
}

// A non-finite double is written by JSON as null (a diverged loss, say); it reads
// back as NaN so such a log still replays.
void read(const Context& at, const json& v, double& out) {
  if (v.is_null()) out = std::numeric_limits<double>::quiet_NaN();
  else if (v.is_number()) out = v.get<double>();
  else illTyped(at, "a number", v);
}

void read(const Context& at, const json& v, int64_t& out) {
  if (!v.is_number_integer() ||
      (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())))
    illTyped(at, "an integer", v);
  out = v.get<int64_t>();
}

void read(const Context& at, const json& v, int& out) {
  int64_t wide = 0;
  read(at, v, wide);
  if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
    illTyped(at, "an integer of at most 10 digits", v);
  out = static_cast<int>(wide);
}

void read(const Context& at, const json& v, bool& out) {
  if (!v.is_boolean()) illTyped(at, "true or false", v);
  out = v.get<bool>();
}

void read(const Context& at, const json& v, std::string& out) {
  if (!v.is_string()) illTyped(at, "a string", v);
  out = v.get<std::string>();
}

void read(const Context& at, const json& v, std::vector<int>& out) {
  if (!v.is_array()) illTyped(at, "an array of integers", v);
  out.assign(v.size(), 0);
  for (std::size_t i = 0; i < v.size(); ++i) read(at, v[i], out[i]);
}

void read(const Context& at, const json& v, std::vector<std::string>& out) {
  if (!v.is_array()) illTyped(at, "an array of strings", v);
  out.assign(v.size(), {});
  for (std::size_t i = 0; i < v.size(); ++i) read(at, v[i], out[i]);
}

void read(const Context& at, const json& v, Matrix& out) {
  if (!v.is_array()) illTyped(at, "an array of rows", v);
  out.assign(v.size(), {});
  for (std::size_t r = 0; r < v.size(); ++r) {
    if (!v[r].is_array()) illTyped(at, "an array of rows (arrays of numbers)", v);
    out[r].assign(v[r].size(), 0.0);
    for (std::size_t c = 0; c < v[r].size(); ++c) read(at, v[r][c], out[r][c]);
  }
}

const json& member(const Context& at, const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) throw DataError(at.describe() + " is missing");
  return *it;
}

void read(const Context& at, const json& v, ArchDistributions& out) {
  if (!v.is_object()) illTyped(at, "an object with alpha, beta and gamma", v);
  const auto part = [&](const char* name, Matrix& m) {
    const Context inner{at.event, at.field + "." + name};
    read(inner, member(inner, v, name), m);
  };
  part("alpha", out.alpha);
  part("beta", out.beta);
  part("gamma", out.gamma);
}

struct Reader {
  const json& in;
  const char* event;
  template <class T>
  void operator()(const char* name, T& value) {
    const Context at{event, name};
    read(at, member(at, in, name), value);
  }
  // A field added later: older logs lack it, and it keeps its default.
  template <class T>
  void optional(const char* name, T& value) {
    if (in.contains(name)) (*this)(name, value);
  }
};

template <std::size_t I = 0>
SearchEvent readAlternative(std::size_t index, const json& j) {
  if constexpr (I < std::variant_size_v<SearchEvent>) {
    if (index != I) return readAlternative<I + 1>(index, j);
    std::variant_alternative_t<I, SearchEvent> event;
    Reader reader{j, kEventNames[I]};
    fields(event, reader);
    return event;
  } else {
    throw DataError("event type index out of range");  // unreachable: index is checked
  }
}

}  // namespace

std::string eventName(const SearchEvent& event) { return kEventNames[event.index()]; }

json toJson(const SearchEvent& event) {
  json j = json::object();
  j["event"] = eventName(event);
  // fields() takes a mutable event (one list for reading and writing); the copy is
  // cheap next to the I/O it feeds.
  std::visit(
      [&j](auto copy) {
        Writer writer{j};
        fields(copy, writer);
      },
      event);
  return j;
}

SearchEvent eventFromJson(const json& j) {
  if (!j.is_object()) throw DataError("an event must be a JSON object ({...})");
  const auto type = j.find("event");
  if (type == j.end() || !type->is_string())
    throw DataError("an event needs its type in the field 'event' (e.g. \"epoch_finished\")");
  const std::string name = type->get<std::string>();
  for (std::size_t i = 0; i < std::size(kEventNames); ++i)
    if (name == kEventNames[i]) return readAlternative(i, j);
  throw DataError("unknown event type '" + name + "'");
}

}  // namespace zd
