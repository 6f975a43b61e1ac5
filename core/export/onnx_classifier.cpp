#include "core/export/onnx_classifier.h"

#include "core/common/error.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

namespace zd {

std::vector<double> softmax(const std::vector<float>& logits) {
  std::vector<double> p(logits.size());
  if (logits.empty()) return p;
  const double top = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (size_t i = 0; i < logits.size(); ++i) sum += p[i] = std::exp(static_cast<double>(logits[i]) - top);
  for (double& v : p) v /= sum;
  return p;
}

OnnxClassifier::OnnxClassifier(const std::filesystem::path& file) : file_(file), info_(readOnnxModelInfo(file)) {
  try {
    net_ = cv::dnn::readNetFromONNX(file.string());
  } catch (const cv::Exception& e) {
    throw DataError(file.string() + ": OpenCV's DNN module cannot load it (" + e.err + ")");
  }
  if (net_.empty()) throw DataError(file.string() + ": OpenCV's DNN module loaded an empty network");
  net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
}

std::vector<std::vector<float>> OnnxClassifier::logits(const cv::Mat& blob) {
  const auto& in = info_.input;
  if (blob.dims != 4 || blob.type() != CV_32F || blob.size[1] != in.channels || blob.size[2] != in.input_size ||
      blob.size[3] != in.input_size)
    throw DataError(file_.string() + ": input must be N×" + std::to_string(in.channels) + "×" +
                    std::to_string(in.input_size) + "×" + std::to_string(in.input_size) + " float32");
  cv::Mat out;
  try {
    net_.setInput(blob, "image");
    out = net_.forward();
  } catch (const cv::Exception& e) {
    throw DataError(file_.string() + ": OpenCV's DNN module failed to run it (" + e.err + ")");
  }
  const int n = blob.size[0];
  const auto classes = static_cast<int>(info_.class_names.size());
  if (out.total() != static_cast<size_t>(n) * static_cast<size_t>(classes))
    throw DataError(file_.string() + ": the model gave " + std::to_string(out.total()) + " outputs for " +
                    std::to_string(n) + " images of " + std::to_string(classes) + " classes");
  const cv::Mat flat = out.reshape(1, 1);
  std::vector<std::vector<float>> rows(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    rows[static_cast<size_t>(i)].assign(flat.ptr<float>() + static_cast<size_t>(i) * classes,
                                        flat.ptr<float>() + static_cast<size_t>(i + 1) * classes);
  return rows;
}

std::vector<Prediction> OnnxClassifier::predictFiles(const std::vector<std::filesystem::path>& files, int batch) {
  std::vector<Prediction> out(files.size());
  std::vector<std::vector<float>> images;
  std::vector<size_t> owners;
  auto flush = [&] {
    if (images.empty()) return;
    const auto rows = logits(imagesToBlob(images, info_.input));
    for (size_t k = 0; k < rows.size(); ++k) {
      Prediction& p = out[owners[k]];
      p.logits = rows[k];
      p.probabilities = softmax(rows[k]);
      p.class_index = static_cast<int>(std::max_element(p.probabilities.begin(), p.probabilities.end()) -
                                       p.probabilities.begin());
      p.class_name = info_.class_names[static_cast<size_t>(p.class_index)];
    }
    images.clear();
    owners.clear();
  };
  for (size_t i = 0; i < files.size(); ++i) {
    out[i].file = files[i].string();
    try {
      images.push_back(prepareImage(files[i], info_.input));
      owners.push_back(i);
    } catch (const DataError& e) {
      out[i].error = e.what();
    }
    if (static_cast<int>(images.size()) >= std::max(batch, 1)) flush();
  }
  flush();
  return out;
}

}  // namespace zd
