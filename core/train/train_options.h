// Every setting of retraining the derived network (ALGORITHM.md §7), with the
// reference protocol's values as defaults. Saved as the `train` section of the run's
// config.json; most are `zodarts train` flags. Plain value type.
#pragma once

#include "core/common/enum_names.h"
#include "core/data/augment_options.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace zd {

// Which architecture is retrained (train.derive).
enum class TrainDerive { Argmax, Sample };
constexpr std::array<EnumName<TrainDerive>, 2> namesOf(TrainDerive) {
  return {{{TrainDerive::Argmax, "argmax"}, {TrainDerive::Sample, "sample"}}};
}

struct TrainOptions {
  int epochs = 300;  // retraining epochs
  int batch = 128;   // batch size (also used for validation batches)
  // C of the discrete network (stages have C, 2C, 4C); 0 = the search's width
  // (search.network.channels), so that the retrained model is the size the
  // search derived, inside its budget band.
  int channels = 0;

  // SGD (§7: lr 0.1, momentum 0.9, weight decay 3e-4).
  double lr = 0.1;  // peak learning rate, reached after the warm-up
  double momentum = 0.9;
  bool nesterov = false;  // §7 names plain momentum; Nesterov as in the search is an option
  double weight_decay = 3e-4;
  double grad_clip = 5.0;  // gradient-norm clip as in the search (§4); 0 = off

  // Schedule, per epoch: linear warm-up from warmup_start·lr, then cosine to lr_min.
  int warmup_epochs = 10;      // 0 = no warm-up
  double warmup_start = 0.01;  // fraction of lr at epoch 0 (1 %)
  double lr_min = 0.0;         // the cosine ends here (after the last epoch)

  // Loss and batch mixing.
  double label_smoothing = 0.1;  // ε: target (1−ε)·one-hot + ε/K
  bool mixing = true;            // false: no mixup / CutMix at all
  double mix_prob = 1.0;         // probability that a batch is mixed
  double cutmix_prob = 0.5;      // of a mixed batch: CutMix with this probability, else mixup
  double mixup_alpha = 0.1;      // λ ~ Beta(α, α) for mixup
  double cutmix_alpha = 0.1;     // λ ~ Beta(α, α) for CutMix (box area 1−λ)

  AugmentOptions augment;  // as the search (§4): resize 32, flip, crop padding 4

  // Which architecture is retrained (§6/§7): "argmax" of the final distributions (the
  // run's genotype.json) or "sample" from them with derive_seed, redrawing a stage
  // whose cell output is disconnected.
  TrainDerive derive = TrainDerive::Argmax;
  uint64_t derive_seed = 0;

  uint64_t seed = 0;         // weight init, batch order, augmentation and mixing
  int checkpoint_every = 1;  // epochs between checkpoints (0 = never)
};

// Every key with its value, e.g. {"epochs": 300, "augment": {"resize": 32, ...}, ...}.
nlohmann::json toJson(const TrainOptions& options);

// Reads a (possibly partial) `train` object: missing keys keep `base`'s values.
// Unknown keys, wrong types and invalid values throw ConfigError naming the key with
// `prefix` ("config key 'train.epochs': must be at least 1, got 0").
TrainOptions trainOptionsFromJson(const nlohmann::json& j, const TrainOptions& base = TrainOptions{},
                                  const std::string& prefix = "train");

// Checks ranges and consistency; throws ConfigError naming `prefix`.key and why.
void validate(const TrainOptions& options, const std::string& prefix = "train");

}  // namespace zd
