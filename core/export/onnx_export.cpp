#include "core/export/onnx_export.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/export/onnx_graph.h"
#include "core/export/onnx_metadata.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <torch/torch.h>

#include <array>

namespace zd {
namespace {

constexpr int64_t kOpset = 13;
constexpr int64_t kIrVersion = 7;  // the IR of opset 13: readable by older runtimes too

// The network's tensors by their registered names ("stage0_cell1.edge2.conv.weight").
class Weights {
 public:
  explicit Weights(const torch::nn::Module& net)
      : params_(net.named_parameters()), buffers_(net.named_buffers()), modules_(net.named_modules()) {}

  torch::Tensor get(const std::string& name) const {
    if (const auto* p = params_.find(name)) return p->detach().to(torch::kCPU, torch::kFloat64);
    if (const auto* b = buffers_.find(name)) return b->detach().to(torch::kCPU, torch::kFloat64);
    throw ConfigError("ONNX export: the network has no tensor '" + name + "' (it does not match its genotype)");
  }
  bool has(const std::string& name) const { return params_.find(name) || buffers_.find(name); }
  double eps(const std::string& bn) const {
    const auto* m = modules_.find(bn);
    const auto* impl = m ? dynamic_cast<const torch::nn::BatchNorm2dImpl*>(m->get()) : nullptr;
    if (!impl) throw ConfigError("ONNX export: the network has no BatchNorm '" + bn + "'");
    return impl->options.eps();
  }

 private:
  torch::OrderedDict<std::string, torch::Tensor> params_, buffers_;
  torch::OrderedDict<std::string, std::shared_ptr<torch::nn::Module>> modules_;
};

// Conv `conv` (optional bias) followed by eval-mode BatchNorm `bn` (affine or not),
// folded into one conv in double precision: W' = W·s, b' = (b − μ)·s + β, s = γ/√(σ²+ε).
struct FoldedConv {
  torch::Tensor weight, bias;
};

FoldedConv fold(const Weights& w, const std::string& conv, const std::string& bn) {
  const torch::Tensor weight = w.get(conv + ".weight");
  const int64_t out = weight.size(0);
  const torch::Tensor bias = w.has(conv + ".bias") ? w.get(conv + ".bias") : torch::zeros({out}, torch::kFloat64);
  const torch::Tensor mean = w.get(bn + ".running_mean"), var = w.get(bn + ".running_var");
  const torch::Tensor gamma = w.has(bn + ".weight") ? w.get(bn + ".weight") : torch::ones({out}, torch::kFloat64);
  const torch::Tensor beta = w.has(bn + ".bias") ? w.get(bn + ".bias") : torch::zeros({out}, torch::kFloat64);
  const torch::Tensor s = gamma / torch::sqrt(var + w.eps(bn));
  return {weight * s.view({out, 1, 1, 1}), (bias - mean) * s + beta};
}

std::string foldedConv(OnnxGraph& g, const Weights& w, const std::string& input, const std::string& conv,
                       const std::string& bn, int64_t stride, const std::string& stem) {
  const FoldedConv f = fold(w, conv, bn);
  return g.conv(input, f.weight, f.bias, stride, /*pad=*/f.weight.size(2) / 2, stem);
}

// One cell, mirroring DiscreteCellImpl::forward: node i sums its kept edges from
// defined nodes, in edge order; a node with no such edge is undefined and its edges
// are dropped; an undefined output gives zeros. Nodes (and edges) whose value cannot
// reach the output are not written at all.
std::string cell(OnnxGraph& g, const Weights& w, const StageGenotype& genotype, const std::string& prefix,
                 const std::string& input) {
  std::array<bool, kNodes> defined{};
  defined[0] = true;
  for (int e = 0; e < kEdges; ++e)
    if (genotype.edges[e].op != Op::None && defined[kEdgeFrom[e]]) defined[kEdgeTo[e]] = true;
  if (!defined[kNodes - 1]) return g.zerosLike(input);
  auto kept = [&](int e) { return genotype.edges[e].op != Op::None && defined[kEdgeFrom[e]]; };
  std::array<bool, kNodes> live{};
  live[kNodes - 1] = true;
  for (int e = kEdges - 1; e >= 0; --e)  // edges sorted by target: targets settle first
    if (kept(e) && live[kEdgeTo[e]]) live[kEdgeFrom[e]] = true;

  std::array<std::string, kNodes> node;
  std::array<std::string, kNodes> relu;  // ReLU of a node, shared by its conv edges
  node[0] = input;
  for (int e = 0; e < kEdges; ++e) {
    const int from = kEdgeFrom[e], to = kEdgeTo[e];
    if (!kept(e) || !live[to]) continue;
    const std::string& in = node[from];
    std::string out;
    switch (genotype.edges[e].op) {
      case Op::None: continue;
      case Op::Skip: out = in; break;
      case Op::AvgPool: out = g.averagePool(in, /*kernel=*/3, /*stride=*/1, /*pad=*/1); break;
      case Op::Conv1x1:
      case Op::KernelConv: {
        if (relu[from].empty()) relu[from] = g.relu(in);
        const std::string name = prefix + ".edge" + std::to_string(e);
        out = foldedConv(g, w, relu[from], name + ".conv", name + ".bn", /*stride=*/1, name);
        break;
      }
    }
    node[to] = node[to].empty() ? out : g.add(node[to], out);
  }
  return node[kNodes - 1];
}

std::string reduction(OnnxGraph& g, const Weights& w, const std::string& prefix, const std::string& x) {
  const std::string a = foldedConv(g, w, g.relu(x), prefix + ".conv_a", prefix + ".bn_a", /*stride=*/2, prefix + "_a");
  const std::string b = foldedConv(g, w, g.relu(a), prefix + ".conv_b", prefix + ".bn_b", /*stride=*/1, prefix + "_b");
  const std::string pooled = g.averagePool(x, /*kernel=*/2, /*stride=*/2, /*pad=*/0);
  const std::string s = g.conv(pooled, w.get(prefix + ".shortcut.weight").to(torch::kFloat32), torch::Tensor(),
                               /*stride=*/1, /*pad=*/0, prefix + "_shortcut");
  return g.add(b, s);
}

void checkCardFitsNetwork(const DiscreteNetwork& network, const ModelCard& card) {
  const auto& n = network->options();
  const auto& c = card.network;
  auto mismatch = [](const std::string& what, int64_t card_value, int64_t net_value) {
    throw ConfigError("ONNX export: the model card gives " + std::to_string(card_value) + " " + what +
                      " but the network has " + std::to_string(net_value));
  };
  if (c.in_channels != n.in_channels) mismatch("input channels", c.in_channels, n.in_channels);
  if (c.classes != n.classes) mismatch("classes", c.classes, n.classes);
  if (c.channels != n.channels) mismatch("stem channels (C)", c.channels, n.channels);
  if (static_cast<int64_t>(card.class_names.size()) != n.classes)
    mismatch("class names", static_cast<int64_t>(card.class_names.size()), n.classes);
  if (!(card.genotype == network->genotype()))
    throw ConfigError("ONNX export: the model card's genotype differs from the network's (" + card.genotype.toString() +
                      " vs " + network->genotype().toString() + ")");
  if (n.in_channels != 1 && n.in_channels != 3)
    throw ConfigError("ONNX export: input channels must be 1 or 3, got " + std::to_string(n.in_channels));
  if (card.data_size < 1)
    throw ConfigError("ONNX export: data size must be >= 1, got " + std::to_string(card.data_size));
  // Each reduction halves the side with a stride-2 conv (⌈s/2⌉) and a 2×2 pool (⌊s/2⌋):
  // they agree only on even sides, twice.
  if (card.input_size < 4 || card.input_size % 4 != 0)
    throw ConfigError("ONNX export: input size " + std::to_string(card.input_size) +
                      " cannot pass the network's two reduction blocks (it must be a multiple of 4)");
  const torch::Tensor stem = network->named_parameters()["stem.conv.weight"];
  if (stem.size(1) != c.in_channels) mismatch("input channels (stem weights)", c.in_channels, stem.size(1));
}

void setTensorType(onnx::ValueInfoProto* v, const std::string& name, std::initializer_list<int64_t> dims) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = t->mutable_shape();
  shape->add_dim()->set_dim_param("N");
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

// The checker, then strict shape inference (which also catches a graph whose shapes
// do not add up); `logits` must come out as [N, classes].
void check(const onnx::ModelProto& model, int64_t classes) {
  try {
    onnx::checker::check_model(model);
    onnx::ModelProto inferred = model;
    onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict=*/1));
    const auto& shape = inferred.graph().output(0).type().tensor_type().shape();
    if (shape.dim_size() != 2 || shape.dim(1).dim_value() != classes)
      throw ConfigError("ONNX export: the graph's output is not [N, " + std::to_string(classes) + "]");
  } catch (const Error&) {
    throw;
  } catch (const onnx::checker::ValidationError& e) {
    throw ConfigError(std::string("ONNX export: the ONNX checker rejects the graph: ") + e.what());
  } catch (const onnx::InferenceError& e) {
    throw ConfigError(std::string("ONNX export: shape inference fails on the graph: ") + e.what());
  } catch (const std::exception& e) {
    throw ConfigError(std::string("ONNX export: the graph fails its checks: ") + e.what());
  }
}

}  // namespace

std::string buildOnnxModel(const DiscreteNetwork& network, const ModelCard& card, OnnxExportInfo* info) {
  checkCardFitsNetwork(network, card);
  const Weights w(*network);
  const auto& opt = network->options();
  const Genotype& genotype = network->genotype();

  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  // Not "pytorch": OpenCV's importer (4.x) ignores AveragePool's count_include_pad and
  // counts the padding exactly when the producer is "pytorch".
  model.set_producer_name("zodarts");
  model.set_producer_version(ZODARTS_VERSION);
  model.set_domain("org.zodarts");
  model.set_model_version(1);
  model.set_doc_string("ZO-DARTS++ discrete network. Input `image`: " + card.preprocessingText() +
                       ". Output `logits`: unnormalised class scores (apply softmax for probabilities).");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  for (const auto& [key, value] : onnxMetadataFromCard(card)) {
    auto* p = model.add_metadata_props();
    p->set_key(key);
    p->set_value(value);
  }

  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name("zodarts_discrete_network");
  setTensorType(graph->add_input(), "image", {opt.in_channels, card.input_size, card.input_size});
  setTensorType(graph->add_output(), "logits", {opt.classes});
  OnnxGraph g(*graph);

  std::string h = foldedConv(g, w, "image", "stem.conv", "stem.bn", /*stride=*/1, "stem");
  for (int s = 0; s < kStages; ++s) {
    for (int i = 0; i < genotype.stages[s].depth; ++i)
      h = cell(g, w, genotype.stages[s], "stage" + std::to_string(s) + "_cell" + std::to_string(i), h);
    if (s + 1 < kStages) h = reduction(g, w, "reduction" + std::to_string(s), h);
  }
  h = g.batchNorm(h, w.get("head.bn.weight"), w.get("head.bn.bias"), w.get("head.bn.running_mean"),
                  w.get("head.bn.running_var"), w.eps("head.bn"), "head_bn");
  h = g.flatten(g.globalAveragePool(g.relu(h)));
  g.gemm(h, w.get("head.classifier.weight"), w.get("head.classifier.bias"), "logits");

  check(model, opt.classes);
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw ConfigError("ONNX export: the model cannot be serialized (over 2 GB?)");
  if (info) {
    info->nodes = g.nodeCount();
    info->bytes = static_cast<int64_t>(bytes.size());
    info->parameters = countParameters(*network);
  }
  return bytes;
}

OnnxExportInfo exportOnnx(const DiscreteNetwork& network, const ModelCard& card, const std::filesystem::path& file) {
  OnnxExportInfo info;
  const std::string bytes = buildOnnxModel(network, card, &info);
  try {
    writeFileAtomically(file, bytes);
  } catch (const IoError& e) {
    throw IoError("cannot write the ONNX model " + file.string() + " (" + e.what() + "); nothing was written");
  }
  return info;
}

}  // namespace zd
