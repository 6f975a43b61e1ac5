// A small writer of ONNX graphs (opset 13): unique tensor names, float initializers
// taken from CPU tensors, and the handful of operators the discrete network needs.
// The ONNX protobuf types stay out of this header: the exporter holds the graph, the
// caller only names tensors.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace onnx {
class GraphProto;
}

namespace zd {

// Not thread-safe: one builder per export.
class OnnxGraph {
 public:
  // Builds into `graph`, which must outlive this object.
  explicit OnnxGraph(onnx::GraphProto& graph);

  // A fresh name "<stem>_<k>", unique in this graph.
  std::string uniqueName(const std::string& stem);
  // Adds `values` (any float dtype; stored as float32) as an initializer; returns its name.
  std::string constant(const std::string& stem, const torch::Tensor& values);

  // Conv with `weight` [O, I, k, k] and optional `bias` [O] (undefined: none),
  // square padding `pad` on every side; returns the output name.
  std::string conv(const std::string& input, const torch::Tensor& weight, const torch::Tensor& bias, int64_t stride,
                   int64_t pad, const std::string& stem);
  std::string relu(const std::string& input);
  std::string add(const std::string& a, const std::string& b);
  // AveragePool k×k, stride s, padding p on every side, count_include_pad = 0.
  std::string averagePool(const std::string& input, int64_t kernel, int64_t stride, int64_t pad);
  // Eval-mode BatchNormalization with per-channel scale, bias, mean and variance.
  std::string batchNorm(const std::string& input, const torch::Tensor& scale, const torch::Tensor& bias,
                        const torch::Tensor& mean, const torch::Tensor& var, double eps, const std::string& stem);
  // x · 0: a tensor of zeros shaped like `input` (whatever the batch size).
  std::string zerosLike(const std::string& input);
  std::string globalAveragePool(const std::string& input);
  std::string flatten(const std::string& input);
  // input [N, K] · weightᵀ [K, M] + bias [M]; the result is named `output`.
  void gemm(const std::string& input, const torch::Tensor& weight, const torch::Tensor& bias,
            const std::string& output);

  int64_t nodeCount() const;

 private:
  onnx::GraphProto& graph_;
  int64_t next_ = 0;
};

}  // namespace zd
