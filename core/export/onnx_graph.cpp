#include "core/export/onnx_graph.h"

#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <initializer_list>

namespace zd {
namespace {

onnx::NodeProto* addNode(onnx::GraphProto& graph, const std::string& op, const std::string& name,
                         std::initializer_list<std::string> inputs, const std::string& output) {
  onnx::NodeProto* node = graph.add_node();
  node->set_op_type(op);
  node->set_name(name);
  for (const auto& in : inputs)
    if (!in.empty()) node->add_input(in);
  node->add_output(output);
  return node;
}

void setInts(onnx::NodeProto* node, const std::string& name, std::initializer_list<int64_t> values) {
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) a->add_ints(v);
}

void setInt(onnx::NodeProto* node, const std::string& name, int64_t value) {
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void setFloat(onnx::NodeProto* node, const std::string& name, float value) {
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

}  // namespace

OnnxGraph::OnnxGraph(onnx::GraphProto& graph) : graph_(graph) {}

std::string OnnxGraph::uniqueName(const std::string& stem) { return stem + "_" + std::to_string(next_++); }

std::string OnnxGraph::constant(const std::string& stem, const torch::Tensor& values) {
  const torch::Tensor t = values.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  const std::string name = uniqueName(stem);
  onnx::TensorProto* init = graph_.add_initializer();
  init->set_name(name);
  init->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : t.sizes()) init->add_dims(d);
  // raw_data is little-endian float32, as the CPU tensor holds it on every platform we build for.
  init->set_raw_data(std::string(static_cast<const char*>(t.data_ptr()), static_cast<size_t>(t.nbytes())));
  return name;
}

std::string OnnxGraph::conv(const std::string& input, const torch::Tensor& weight, const torch::Tensor& bias,
                            int64_t stride, int64_t pad, const std::string& stem) {
  const std::string w = constant(stem + "_w", weight);
  const std::string b = bias.defined() ? constant(stem + "_b", bias) : std::string();
  const std::string out = uniqueName(stem);
  auto* node = addNode(graph_, "Conv", out, {input, w, b}, out);
  const int64_t k = weight.size(2);
  setInts(node, "kernel_shape", {k, k});
  setInts(node, "strides", {stride, stride});
  setInts(node, "pads", {pad, pad, pad, pad});
  return out;
}

std::string OnnxGraph::relu(const std::string& input) {
  const std::string out = uniqueName("relu");
  addNode(graph_, "Relu", out, {input}, out);
  return out;
}

std::string OnnxGraph::add(const std::string& a, const std::string& b) {
  const std::string out = uniqueName("add");
  addNode(graph_, "Add", out, {a, b}, out);
  return out;
}

std::string OnnxGraph::averagePool(const std::string& input, int64_t kernel, int64_t stride, int64_t pad) {
  const std::string out = uniqueName("avgpool");
  auto* node = addNode(graph_, "AveragePool", out, {input}, out);
  setInts(node, "kernel_shape", {kernel, kernel});
  setInts(node, "strides", {stride, stride});
  setInts(node, "pads", {pad, pad, pad, pad});
  setInt(node, "count_include_pad", 0);
  return out;
}

std::string OnnxGraph::batchNorm(const std::string& input, const torch::Tensor& scale, const torch::Tensor& bias,
                                 const torch::Tensor& mean, const torch::Tensor& var, double eps,
                                 const std::string& stem) {
  const std::string s = constant(stem + "_scale", scale), b = constant(stem + "_bias", bias);
  const std::string m = constant(stem + "_mean", mean), v = constant(stem + "_var", var);
  const std::string out = uniqueName(stem);
  auto* node = addNode(graph_, "BatchNormalization", out, {input, s, b, m, v}, out);
  setFloat(node, "epsilon", static_cast<float>(eps));
  return out;
}

std::string OnnxGraph::zerosLike(const std::string& input) {
  const std::string zero = constant("zero", torch::zeros({1}));
  const std::string out = uniqueName("zeros");
  addNode(graph_, "Mul", out, {input, zero}, out);
  return out;
}

std::string OnnxGraph::globalAveragePool(const std::string& input) {
  const std::string out = uniqueName("gap");
  addNode(graph_, "GlobalAveragePool", out, {input}, out);
  return out;
}

std::string OnnxGraph::flatten(const std::string& input) {
  const std::string out = uniqueName("flatten");
  setInt(addNode(graph_, "Flatten", out, {input}, out), "axis", 1);
  return out;
}

void OnnxGraph::gemm(const std::string& input, const torch::Tensor& weight, const torch::Tensor& bias,
                     const std::string& output) {
  const std::string w = constant("classifier_w", weight), b = constant("classifier_b", bias);
  setInt(addNode(graph_, "Gemm", "classifier", {input, w, b}, output), "transB", 1);
}

int64_t OnnxGraph::nodeCount() const { return graph_.node_size(); }

}  // namespace zd
