#include "app/cli_predict.h"

#include "core/common/error.h"
#include "core/export/onnx_classifier.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace zd {
namespace {

std::string predict_model;
std::string predict_device = "auto";
std::vector<std::string> predict_images;
bool predict_json = false;
int predict_batch = 32;
int predict_top = 0;

nlohmann::json toJson(const Prediction& p, const std::vector<std::string>& names) {
  nlohmann::json j;
  j["file"] = p.file;
  if (!p.error.empty()) {
    j["error"] = p.error;
    return j;
  }
  j["class"] = p.class_name;
  j["class_index"] = p.class_index;
  j["probabilities"] = nlohmann::json::array();  // in class-index order (an object would sort by name)
  for (size_t c = 0; c < names.size(); ++c)
    j["probabilities"].push_back({{"class", names[c]}, {"probability", p.probabilities[c]}});
  j["logits"] = p.logits;
  return j;
}

// "name 0.931, other 0.069", most probable first, at most `top` entries (0: all).
std::string ranked(const Prediction& p, const std::vector<std::string>& names, int top) {
  std::vector<size_t> order(names.size());
  for (size_t c = 0; c < order.size(); ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p.probabilities[a] > p.probabilities[b]; });
  if (top > 0 && order.size() > static_cast<size_t>(top)) order.resize(static_cast<size_t>(top));
  std::string s;
  char buf[32];
  for (size_t c : order) {
    std::snprintf(buf, sizeof buf, " %.4f", p.probabilities[c]);
    s += (s.empty() ? "" : ", ") + names[c] + buf;
  }
  return s;
}

}  // namespace

CLI::App* addPredictCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("predict", "Classify images with an exported ONNX model (OpenCV DNN; the "
                                            "preprocessing is read from the model's metadata)");
  cmd->add_option("model", predict_model, "The .onnx file written by `zodarts export`")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("images", predict_images, "Image files (PNG, JPEG, BMP, TIFF, PGM/PPM, DICOM)")->required();
  cmd->add_flag("--json", predict_json, "Print JSON (one object per image, in order)");
  cmd->add_option("--batch", predict_batch, "Images per forward pass")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--top", predict_top, "Show only the k most probable classes (0 = all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--device", predict_device,
                  "auto | cpu: predict runs the ONNX file with OpenCV's DNN module on the CPU (Debian builds it "
                  "without CUDA); on a GPU, `zodarts evaluate --device cuda` runs the retrained network")
      ->capture_default_str();
  return cmd;
}

int runPredictCommand() {
  if (predict_device != "auto" && predict_device != "cpu")
    throw ConfigError("predict --device " + predict_device +
                      ": predict runs ONNX models with OpenCV's DNN module, which is built without CUDA here; "
                      "use --device cpu, or `zodarts evaluate RUN_DIR --device " +
                      predict_device + "` to run the retrained network on the GPU");
  OnnxClassifier classifier(predict_model);
  const auto& names = classifier.info().class_names;
  const std::vector<std::filesystem::path> files(predict_images.begin(), predict_images.end());
  const auto predictions = classifier.predictFiles(files, predict_batch);
  int failed = 0;
  nlohmann::json all = nlohmann::json::array();
  for (const auto& p : predictions) {
    failed += !p.error.empty();
    if (predict_json) {
      all.push_back(toJson(p, names));
    } else if (p.error.empty()) {
      std::printf("%s: %s (%.4f)   [%s]\n", p.file.c_str(), p.class_name.c_str(),
                  p.probabilities[static_cast<size_t>(p.class_index)], ranked(p, names, predict_top).c_str());
    } else {
      std::fprintf(stderr, "error: %s\n", p.error.c_str());
    }
  }
  if (predict_json) std::printf("%s\n", all.dump(2).c_str());
  return failed ? 1 : 0;
}

}  // namespace zd
