// The model card inside an exported ONNX file (metadata_props): what a program needs
// to use the model on a new image without zodarts — class names, the input's shape
// and the exact preprocessing, as structured keys and as one sentence — plus the
// genotype and the version of the tool that wrote it.
#pragma once

#include "core/export/image_input.h"
#include "core/train/trained_model.h"

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace zd {

// metadata_props keys (values are strings).
namespace onnx_meta {
inline constexpr const char* kClassNames = "class_names";        // JSON array of strings, index = class
inline constexpr const char* kInputChannels = "input_channels";  // "1" (grey) or "3" (RGB)
inline constexpr const char* kInputSize = "input_size";          // side of `image` (H = W)
inline constexpr const char* kDataSize = "data_size";            // side after the area resize
inline constexpr const char* kSquare = "square";                 // "crop" (centre) or "pad" (zeros)
inline constexpr const char* kScale = "scale";                   // float = uint8 · scale ("1/255")
inline constexpr const char* kPreprocessing = "preprocessing";   // ModelCard::preprocessingText()
inline constexpr const char* kGenotype = "genotype";             // Genotype::toString()
inline constexpr const char* kGenotypeJson = "genotype_json";    // Genotype::toJson()
inline constexpr const char* kToolVersion = "tool_version";      // "zodarts 0.1.0"
inline constexpr const char* kStemChannels = "stem_channels";    // C of the network
}  // namespace onnx_meta

// The metadata of `card`, in a fixed key order.
std::vector<std::pair<std::string, std::string>> onnxMetadataFromCard(const ModelCard& card);

// What a reader of an exported file needs. Plain value type.
struct OnnxModelInfo {
  ModelInputSpec input;
  std::vector<std::string> class_names;
  std::map<std::string, std::string> metadata;  // every metadata_props entry
  int64_t opset = 0;                            // of the default domain
};

// Reads the metadata of an ONNX file written by exportOnnx. Throws IoError naming
// `file` when unreadable, DataError naming it and the key when it is not an ONNX
// model or a key is missing or malformed.
OnnxModelInfo readOnnxModelInfo(const std::filesystem::path& file);

}  // namespace zd
