// A retrained network as it is kept in a run directory: its weights (model.pt, the
// DiscreteNetwork saved with torch::save) and its model card (model.json): everything
// besides the weights that is needed to use it on new images — the genotype, the
// network's shape, the class names and the exact preprocessing of an input image.
// Written by `zodarts train`, read by `evaluate`, `export` and the GUI.
#pragma once
#include "core/nas/discrete_network.h"
#include "core/nas/genotype.h"
#include <nlohmann/json_fwd.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace zd {

// Plain value type. The preprocessing it describes, in order: decode the image
// (grayscale kept as 1 channel, colour as RGB; a model with 1 channel converts colour
// to gray, a model with 3 replicates gray), centre-crop to a square (or zero-pad when
// `pad`), area-resize to data_size × data_size as uint8, bilinear-resize to
// input_size × input_size (align_corners = false, rounded to uint8), then
// float = uint8 / 255 (no mean/std normalisation), laid out N×C×H×W.
struct ModelCard {
  Genotype genotype;
  DiscreteNetworkOptions network;        // in_channels, classes, channels (C)
  int data_size = 28;                    // side the images are loaded at
  int input_size = 32;                   // side of the network input (search/retrain resize)
  bool pad = false;                      // square by zero padding instead of centre crop
  std::vector<std::string> class_names;  // index = class; network.classes entries
  int best_epoch = -1;                   // epoch whose weights were kept (-1: unknown)
  double val_accuracy = 0;               // validation accuracy of that epoch
  // One human-readable sentence of the preprocessing above with this card's numbers.
  std::string preprocessingText() const;
  nlohmann::json toJson() const;
  // Throws ConfigError naming the key and the problem.
  static ModelCard fromJson(const nlohmann::json& j);
};

struct TrainedModel {
  DiscreteNetwork network{nullptr};  // in eval mode, on the CPU
  ModelCard card;
};

// Writes model.pt and model.json into `run_dir` atomically (each via temp + rename);
// throws IoError naming the file.
void saveTrainedModel(const std::filesystem::path& run_dir, const DiscreteNetwork& network, const ModelCard& card);
// Reads model.json and model.pt from `run_dir`; throws IoError when missing or
// unreadable, ConfigError/DataError naming the file when malformed or when the
// weights do not fit the card's genotype.
TrainedModel loadTrainedModel(const std::filesystem::path& run_dir);

}  // namespace zd
