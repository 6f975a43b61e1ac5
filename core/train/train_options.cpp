#include "core/train/train_options.h"

#include "core/common/error.h"
#include "core/common/json_fields.h"

#include <nlohmann/json.hpp>

#include <type_traits>

namespace zd {
namespace {

using nlohmann::json;

// The one list of keys, shared by the writer, the reader and the unknown-key check.
template <class Options, class Visit>
void forEachKey(Options& o, Visit&& visit) {
  visit("epochs", o.epochs);
  visit("batch", o.batch);
  visit("channels", o.channels);
  visit("lr", o.lr);
  visit("momentum", o.momentum);
  visit("nesterov", o.nesterov);
  visit("weight_decay", o.weight_decay);
  visit("grad_clip", o.grad_clip);
  visit("warmup_epochs", o.warmup_epochs);
  visit("warmup_start", o.warmup_start);
  visit("lr_min", o.lr_min);
  visit("label_smoothing", o.label_smoothing);
  visit("mixing", o.mixing);
  visit("mix_prob", o.mix_prob);
  visit("cutmix_prob", o.cutmix_prob);
  visit("mixup_alpha", o.mixup_alpha);
  visit("cutmix_alpha", o.cutmix_alpha);
  visit("augment.resize", o.augment.resize);
  visit("augment.flip", o.augment.flip);
  visit("augment.crop_padding", o.augment.crop_padding);
  visit("derive", o.derive);
  visit("derive_seed", o.derive_seed);
  visit("seed", o.seed);
  visit("checkpoint_every", o.checkpoint_every);
}

template <class T>
std::string num(T v) {
  return json(v).dump();
}

void require(bool ok, const std::string& prefix, const char* key, const std::string& requirement,
             const std::string& got) {
  // Written so that NaN fails every check.
  if (!ok)
    JsonPlace::setting(prefix.empty() ? key : prefix + "." + key).fail("must be " + requirement + ", got " + got);
}

}  // namespace

json toJson(const TrainOptions& options) {
  json j = json::object();
  forEachKey(options, [&j](const char* key, const auto& field) {
    if constexpr (std::is_enum_v<std::decay_t<decltype(field)>>) j[jsonPointer(key)] = nameOf(field);
    else j[jsonPointer(key)] = field;
  });
  return j;
}

TrainOptions trainOptionsFromJson(const json& j, const TrainOptions& base, const std::string& prefix) {
  TrainOptions o = base;
  KeyedObjectReader reader(prefix.empty() ? "train" : prefix);
  forEachKey(o, [&reader](const char* key, auto& field) { reader.field(key, field); });
  reader.read(j);
  validate(o, prefix);
  return o;
}

void validate(const TrainOptions& o, const std::string& p) {
  require(o.epochs >= 1, p, "epochs", "at least 1", num(o.epochs));
  require(o.batch >= 1, p, "batch", "at least 1", num(o.batch));
  require(o.channels >= 0, p, "channels", "0 (the search's width) or more", num(o.channels));
  require(o.lr > 0, p, "lr", "greater than 0", num(o.lr));
  require(o.momentum >= 0 && o.momentum < 1, p, "momentum", "at least 0 and below 1", num(o.momentum));
  require(!o.nesterov || o.momentum > 0, p, "nesterov", "false when momentum is 0", "true");
  require(o.weight_decay >= 0, p, "weight_decay", "0 or more", num(o.weight_decay));
  require(o.grad_clip >= 0, p, "grad_clip", "0 (off) or more", num(o.grad_clip));
  require(o.warmup_epochs >= 0, p, "warmup_epochs", "0 or more", num(o.warmup_epochs));
  require(o.warmup_start > 0 && o.warmup_start <= 1, p, "warmup_start", "greater than 0 and at most 1",
          num(o.warmup_start));
  require(o.lr_min >= 0 && o.lr_min <= o.lr, p, "lr_min", "between 0 and lr (" + num(o.lr) + ")", num(o.lr_min));
  require(o.label_smoothing >= 0 && o.label_smoothing < 1, p, "label_smoothing", "at least 0 and below 1",
          num(o.label_smoothing));
  require(o.mix_prob >= 0 && o.mix_prob <= 1, p, "mix_prob", "between 0 and 1", num(o.mix_prob));
  require(o.cutmix_prob >= 0 && o.cutmix_prob <= 1, p, "cutmix_prob", "between 0 and 1", num(o.cutmix_prob));
  require(o.mixup_alpha > 0, p, "mixup_alpha", "greater than 0", num(o.mixup_alpha));
  require(o.cutmix_alpha > 0, p, "cutmix_alpha", "greater than 0", num(o.cutmix_alpha));
  // Smaller images cannot pass the two stride-2 reductions meaningfully.
  require(o.augment.resize == 0 || o.augment.resize >= 8, p, "augment.resize", "0 (keep the size) or at least 8",
          num(o.augment.resize));
  require(o.augment.crop_padding >= 0, p, "augment.crop_padding", "0 or more", num(o.augment.crop_padding));
  require(o.checkpoint_every >= 0, p, "checkpoint_every", "0 (never) or more", num(o.checkpoint_every));
}

}  // namespace zd
