// ONNX export of a retrained network (issue 4): the discrete network of a genotype
// written as an opset-13 graph with the ONNX protobuf library — input `image`
// N×C×H×W float32 (N dynamic), output `logits` N×classes — BatchNorm folded into the
// convolution before it (the head's BatchNorm, which follows no convolution, as
// BatchNormalization), `none` edges and nodes that cannot reach a cell's output
// left out, the model card in metadata_props (onnx_metadata.h), checked with
// onnx::checker and shape inference before anything is written.
#pragma once

#include "core/nas/discrete_network.h"
#include "core/train/trained_model.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace zd {

// What an export produced. Plain value type.
struct OnnxExportInfo {
  int64_t nodes = 0;       // graph nodes
  int64_t bytes = 0;       // size of the serialized model
  int64_t parameters = 0;  // parameters of the network exported (before folding)
};

// The checked, serialized ONNX model of `network` (eval-mode semantics: BatchNorm
// uses running statistics, whatever the module's mode) described by `card`.
// Throws ConfigError when the card does not fit the network (channels, classes,
// class names, genotype) or the input size cannot pass the two reductions (not a
// multiple of 4), and when the ONNX checker rejects the graph. Thread-safe for
// distinct networks; reads `network` only.
std::string buildOnnxModel(const DiscreteNetwork& network, const ModelCard& card, OnnxExportInfo* info = nullptr);

// buildOnnxModel, then writes it to `file` atomically (temp + rename: never a
// partial file). Throws as buildOnnxModel, or IoError naming `file` when it cannot
// be written (missing or read-only folder, disk full).
OnnxExportInfo exportOnnx(const DiscreteNetwork& network, const ModelCard& card, const std::filesystem::path& file);

}  // namespace zd
