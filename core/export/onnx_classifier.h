// Running an exported model with OpenCV's DNN module (not LibTorch): the deployment
// path of `zodarts predict`, the GUI and the benchmark — what a user copies into a
// program of their own. Preprocessing comes from the file's own metadata.
#pragma once

#include "core/export/image_input.h"
#include "core/export/onnx_metadata.h"

#include <opencv2/dnn/dnn.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace zd {

// One image's result. Plain value type.
struct Prediction {
  std::string file;
  std::string error;     // non-empty: the image could not be used (and why)
  int class_index = -1;  // argmax of the probabilities (ties → lower index)
  std::string class_name;
  std::vector<double> probabilities;  // softmax of the logits, one per class
  std::vector<float> logits;
};

// Numerically stable softmax. Pure function.
std::vector<double> softmax(const std::vector<float>& logits);

// Not thread-safe (cv::dnn::Net keeps per-call state): one per thread.
class OnnxClassifier {
 public:
  // Reads `file`'s metadata and loads it into cv::dnn. Throws IoError naming the file
  // when unreadable, DataError naming it when it is no zodarts ONNX model or OpenCV
  // cannot load it.
  explicit OnnxClassifier(const std::filesystem::path& file);

  const OnnxModelInfo& info() const { return info_; }

  // Logits of an N×C×H×W CV_32F blob, one row per image; throws DataError when the
  // blob does not fit the model's input.
  std::vector<std::vector<float>> logits(const cv::Mat& blob);

  // Prepares and classifies each file (in batches of `batch`); a file that cannot be
  // read gives a Prediction with `error` set instead of aborting the rest.
  std::vector<Prediction> predictFiles(const std::vector<std::filesystem::path>& files, int batch = 32);

 private:
  std::filesystem::path file_;
  OnnxModelInfo info_;
  cv::dnn::Net net_;
};

}  // namespace zd
