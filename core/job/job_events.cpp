#include "core/job/job_events.h"

#include "core/common/error.h"
#include "core/common/json_fields.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <iterator>
#include <limits>
#include <type_traits>

namespace zd {
namespace {

using nlohmann::json;

// Names in the order of JobEvent's alternatives (the variant index picks the name).
constexpr const char* kEventNames[] = {"run_started",          "epoch_started",
                                       "step_progress",        "architecture_updated",
                                       "phase_changed",        "epoch_finished",
                                       "checkpoint_written",   "run_finished",
                                       "run_failed",           "train_started",
                                       "train_epoch_finished", "train_finished",
                                       "train_step_progress",  "train_checkpoint_written",
                                       "train_failed"};
static_assert(std::size(kEventNames) == std::variant_size_v<JobEvent>, "one name per JobEvent alternative");

// One field list per event, shared by the writer and the reader so the two cannot
// drift apart. JSON keys are the field names.
template <class F>
void fields(RunStarted& e, F& f) {
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
template <class F>
void fields(EpochStarted& e, F& f) {
  f("epoch", e.epoch);
  f("phase", e.phase);
  f("temperature", e.temperature);
  f("lr", e.lr);
  f("lambda", e.lambda);
}
template <class F>
void fields(StepProgress& e, F& f) {
  f("epoch", e.epoch);
  f("step", e.step);
  f("steps", e.steps);
  f("loss", e.loss);
}
template <class F>
void fields(ArchitectureUpdated& e, F& f) {
  f("epoch", e.epoch);
  f("update", e.update);
  f("distributions", e.distributions);
  f("expected_params", e.expected_params);
  f("penalty", e.penalty);
  f("arch_loss", e.arch_loss);
}
template <class F>
void fields(PhaseChanged& e, F& f) {
  f("epoch", e.epoch);
  f("phase", e.phase);
}
template <class F>
void fields(EpochFinished& e, F& f) {
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
template <class F>
void fields(CheckpointWritten& e, F& f) {
  f("epoch", e.epoch);
  f("path", e.path);
}
template <class F>
void fields(RunFinished& e, F& f) {
  f("genotype", e.genotype);
  f("params", e.params);
  f.optional("argmax_genotype", e.argmax_genotype);
  f.optional("argmax_params", e.argmax_params);
  f.optional("derivation", e.derivation);
  f.optional("changes", e.changes);
  f("seconds", e.seconds);
  f("cancelled", e.cancelled);
}
template <class F>
void fields(RunFailed& e, F& f) {
  f("message", e.message);
}
template <class F>
void fields(TrainStarted& e, F& f) {
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
template <class F>
void fields(TrainEpochFinished& e, F& f) {
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
template <class F>
void fields(TrainFinished& e, F& f) {
  f("best_epoch", e.best_epoch);
  f("best_val_accuracy", e.best_val_accuracy);
  f("epochs_done", e.epochs_done);
  f("seconds", e.seconds);
  f("cancelled", e.cancelled);
}
template <class F>
void fields(TrainStepProgress& e, F& f) {
  f("epoch", e.epoch);
  f("step", e.step);
  f("steps", e.steps);
  f("loss", e.loss);
}
template <class F>
void fields(TrainCheckpointWritten& e, F& f) {
  f("epoch", e.epoch);
  f("path", e.path);
}
template <class F>
void fields(TrainFailed& e, F& f) {
  f("message", e.message);
}

// --- writing -----------------------------------------------------------------------

json valueOf(const ArchDistributions& d) { return json{{"alpha", d.alpha}, {"beta", d.beta}, {"gamma", d.gamma}}; }
// A genotype travels in its string form, one line per stage ("" when none).
json valueOf(const Genotype& g) { return g.toString(); }
template <class T>
json valueOf(const T& v) {
  return v;
}

struct Writer {
  json& out;
  template <class T>
  void operator()(const char* name, const T& value) {
    out[name] = valueOf(value);
  }
  template <class T>
  void optional(const char* name, const T& value) {
    (*this)(name, value);
  }
};

// --- reading -----------------------------------------------------------------------

void read(const JsonPlace& at, const json& v, ArchDistributions& out) {
  if (!v.is_object()) at.wrongType("an object with alpha, beta and gamma", v);
  readJson(at / "alpha", jsonMember(at, v, "alpha"), out.alpha);
  readJson(at / "beta", jsonMember(at, v, "beta"), out.beta);
  readJson(at / "gamma", jsonMember(at, v, "gamma"), out.gamma);
}
void read(const JsonPlace& at, const json& v, Genotype& out) {
  std::string text;
  readJson(at, v, text);
  try {
    out = Genotype::fromString(text);
  } catch (const ConfigError& e) {
    at.fail(e.what());
  }
}
template <class T>
void read(const JsonPlace& at, const json& v, T& out) {
  readJson(at, v, out);
}

// Events are records the program wrote: a bad one raises DataError, a null number
// (a diverged loss) reads back as NaN.
struct Reader {
  const json& in;
  JsonPlace at;
  template <class T>
  void operator()(const char* name, T& value) {
    read(at / name, jsonMember(at, in, name), value);
  }
  // A field added later: older logs lack it, and it keeps its default.
  template <class T>
  void optional(const char* name, T& value) {
    if (in.contains(name)) (*this)(name, value);
  }
};

template <std::size_t I = 0>
JobEvent readAlternative(std::size_t index, const json& j) {
  if constexpr (I < std::variant_size_v<JobEvent>) {
    if (index != I) return readAlternative<I + 1>(index, j);
    std::variant_alternative_t<I, JobEvent> event;
    Reader reader{j, JsonPlace(JsonPlace::Kind::Record, "event '" + std::string(kEventNames[I]) + "', field", "")};
    fields(event, reader);
    return event;
  } else {
    throw DataError("event type index out of range");  // unreachable: index is checked
  }
}

}  // namespace

bool isTrainingEvent(const JobEvent& event) {
  return std::visit(
      [](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        return std::is_same_v<T, TrainStarted> || std::is_same_v<T, TrainStepProgress> ||
               std::is_same_v<T, TrainEpochFinished> || std::is_same_v<T, TrainCheckpointWritten> ||
               std::is_same_v<T, TrainFinished> || std::is_same_v<T, TrainFailed>;
      },
      event);
}

std::string eventName(const JobEvent& event) { return kEventNames[event.index()]; }

json toJson(const JobEvent& event) {
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

JobEvent eventFromJson(const json& j) {
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
