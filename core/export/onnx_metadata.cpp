#include "core/export/onnx_metadata.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <nlohmann/json.hpp>
#include <onnx/onnx_pb.h>

#include <cstdlib>

namespace zd {
namespace {

[[noreturn]] void badKey(const std::filesystem::path& file, const std::string& key, const std::string& what) {
  throw DataError(file.string() + ": metadata key '" + key + "' " + what +
                  " (was the file written by `zodarts export`?)");
}

const std::string& need(const std::map<std::string, std::string>& m, const std::filesystem::path& file,
                        const std::string& key) {
  const auto it = m.find(key);
  if (it == m.end()) badKey(file, key, "is missing");
  return it->second;
}

int positiveInt(const std::map<std::string, std::string>& m, const std::filesystem::path& file,
                const std::string& key) {
  const std::string& text = need(m, file, key);
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 1 || v > 1'000'000)
    badKey(file, key, "must be a positive integer, got \"" + text + "\"");
  return static_cast<int>(v);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> onnxMetadataFromCard(const ModelCard& card) {
  namespace k = onnx_meta;
  return {
      {k::kClassNames, nlohmann::json(card.class_names).dump()},
      {k::kInputChannels, std::to_string(card.network.in_channels)},
      {k::kInputSize, std::to_string(card.input_size)},
      {k::kDataSize, std::to_string(card.data_size)},
      {k::kSquare, card.pad ? "pad" : "crop"},
      {k::kScale, "1/255"},
      {k::kPreprocessing, card.preprocessingText()},
      {k::kGenotype, card.genotype.toString()},
      {k::kGenotypeJson, card.genotype.toJson().dump()},
      {k::kStemChannels, std::to_string(card.network.channels)},
      {k::kToolVersion, std::string("zodarts ") + ZODARTS_VERSION},
  };
}

OnnxModelInfo readOnnxModelInfo(const std::filesystem::path& file) {
  const std::string bytes = readFile(file);
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes) || !model.has_graph())
    throw DataError(file.string() + ": not an ONNX model (the file does not parse as one)");
  OnnxModelInfo info;
  for (const auto& p : model.metadata_props()) info.metadata[p.key()] = p.value();
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") info.opset = o.version();
  namespace k = onnx_meta;
  const auto& m = info.metadata;
  info.input.channels = positiveInt(m, file, k::kInputChannels);
  if (info.input.channels != 1 && info.input.channels != 3)
    badKey(file, k::kInputChannels, "must be 1 or 3, got " + std::to_string(info.input.channels));
  info.input.input_size = positiveInt(m, file, k::kInputSize);
  info.input.data_size = positiveInt(m, file, k::kDataSize);
  const std::string& square = need(m, file, k::kSquare);
  if (square != "crop" && square != "pad")
    badKey(file, k::kSquare, "must be \"crop\" or \"pad\", got \"" + square + "\"");
  info.input.pad = square == "pad";
  if (need(m, file, k::kScale) != "1/255") badKey(file, k::kScale, "must be \"1/255\"");
  nlohmann::json names;
  try {
    names = nlohmann::json::parse(need(m, file, k::kClassNames));
  } catch (const nlohmann::json::exception&) {
    badKey(file, k::kClassNames, "is not valid JSON");
  }
  if (!names.is_array() || names.size() < 2) badKey(file, k::kClassNames, "must be a JSON array of at least 2 names");
  for (const auto& n : names) {
    if (!n.is_string()) badKey(file, k::kClassNames, "must hold strings, got " + n.dump());
    info.class_names.push_back(n.get<std::string>());
  }
  return info;
}

}  // namespace zd
