#include "core/nas/genotype.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <sstream>

namespace zd {
namespace {

// Edge index of j -> i in the fixed order 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2:
// node i's incoming edges start after the i·(i-1)/2 edges of nodes 1..i-1.
int edgeIndex(int to, int from) { return to * (to - 1) / 2 + from; }

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  for (;;) {
    const auto pos = text.find(sep, start);
    parts.push_back(text.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return parts;
    start = pos + 1;
  }
}

std::string allOpNames() {
  std::string names = opName(Op::None) + ", " + opName(Op::Skip) + ", " + opName(Op::Conv1x1);
  for (int k : kKernelSizes) names += ", " + opName(Op::KernelConv, k);
  return names + ", " + opName(Op::AvgPool);
}

// The edge choice whose NAS-Bench-201 name is `name`; nullopt when there is none.
std::optional<EdgeChoice> choiceByName(const std::string& name) {
  for (int o = 0; o < kOps; ++o) {
    const Op op = static_cast<Op>(o);
    if (op == Op::KernelConv) {
      for (int k : kKernelSizes)
        if (name == opName(op, k)) return EdgeChoice{op, k};
    } else if (name == opName(op)) {
      return EdgeChoice{op, 7};
    }
  }
  return std::nullopt;
}

[[noreturn]] void badCell(const std::string& text, const std::string& problem) {
  throw ConfigError("cell string \"" + text + "\": " + problem);
}

// A uniform index in [0, n). rng() % n rather than std::uniform_int_distribution,
// whose output differs between standard libraries: a seed must give the same
// architectures (and so the same budget band) everywhere. The bias is ~n/2^64.
int uniformIndex(std::mt19937_64& rng, int n) {
  return static_cast<int>(rng() % static_cast<uint64_t>(n));
}

std::string shapeOf(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

// `t` as a contiguous CPU double tensor of shape [rows, cols]; throws naming `what`.
torch::Tensor rowsForArgmax(const torch::Tensor& t, int64_t rows, int64_t cols, const char* what) {
  if (!t.defined() || t.dim() != 2 || t.size(0) != rows || t.size(1) != cols)
    throw ConfigError(std::string("derive: ") + what + " must have shape [" + std::to_string(rows) +
                      ", " + std::to_string(cols) + "], got " +
                      (t.defined() ? shapeOf(t) : std::string("an undefined tensor")));
  return t.detach().to(torch::kCPU).to(torch::kDouble).contiguous();
}

// argmax of row r; ties go to the lower index (strict '>'), as §6 requires and
// torch::argmax does not promise on every device.
int argmaxRow(const torch::Tensor& m, int64_t r) {
  const auto a = m.accessor<double, 2>();
  int best = 0;
  for (int c = 1; c < m.size(1); ++c)
    if (a[r][c] > a[r][best]) best = c;
  return best;
}

}  // namespace

std::string StageGenotype::toString() const {
  std::string s;
  for (int to = 1; to < kNodes; ++to) {
    if (to > 1) s += '+';
    s += '|';
    for (int from = 0; from < to; ++from) {
      const EdgeChoice& e = edges[edgeIndex(to, from)];
      s += opName(e.op, e.kernel) + '~' + std::to_string(from) + '|';
    }
  }
  return s;
}

StageGenotype StageGenotype::fromString(const std::string& text, int depth) {
  if (depth < 1) badCell(text, "depth must be >= 1, got " + std::to_string(depth));
  StageGenotype g;
  g.depth = depth;
  // "+" separates the nodes 1..3; node i lists its edges from nodes 0..i-1 in order.
  const auto nodes = split(text, '+');
  if (static_cast<int>(nodes.size()) != kNodes - 1)
    badCell(text, "expected " + std::to_string(kNodes - 1) + " '+'-separated node groups, got " +
                      std::to_string(nodes.size()));
  for (int to = 1; to < kNodes; ++to) {
    const std::string& group = nodes[to - 1];
    if (group.size() < 2 || group.front() != '|' || group.back() != '|')
      badCell(text, "node group '" + group + "' must start and end with '|'");
    const auto tokens = split(group.substr(1, group.size() - 2), '|');
    if (static_cast<int>(tokens.size()) != to)
      badCell(text, "node " + std::to_string(to) + " needs " + std::to_string(to) +
                        " edges, got '" + group + "'");
    for (int from = 0; from < to; ++from) {
      const std::string& token = tokens[from];
      const auto tilde = token.find('~');
      const std::string expected_index = std::to_string(from);
      if (tilde == std::string::npos || token.substr(tilde + 1) != expected_index)
        badCell(text, "bad token '" + token + "' (expected '<op>~" + expected_index + "')");
      const auto choice = choiceByName(token.substr(0, tilde));
      if (!choice)
        badCell(text, "bad token '" + token + "': unknown op '" + token.substr(0, tilde) +
                          "' (one of " + allOpNames() + ")");
      g.edges[edgeIndex(to, from)] = *choice;
    }
  }
  return g;
}

bool StageGenotype::outputConnected() const {
  // Edges are ordered by target node, so one forward pass settles reachability.
  std::array<bool, kNodes> reached{};
  reached[0] = true;
  for (int e = 0; e < kEdges; ++e)
    if (edges[e].op != Op::None && reached[kEdgeFrom[e]]) reached[kEdgeTo[e]] = true;
  return reached[kNodes - 1];
}

std::string Genotype::toString() const {
  std::string s;
  for (size_t i = 0; i < stages.size(); ++i) {
    if (i > 0) s += '\n';
    s += "stage " + std::to_string(i + 1) + " (depth " + std::to_string(stages[i].depth) +
         "): " + stages[i].toString();
  }
  return s;
}

nlohmann::json Genotype::toJson() const {
  nlohmann::json js = nlohmann::json::array();
  for (const StageGenotype& st : stages) {
    nlohmann::json edges = nlohmann::json::array();
    for (int e = 0; e < kEdges; ++e) {
      nlohmann::json edge{{"from", kEdgeFrom[e]}, {"to", kEdgeTo[e]},
                          {"op", opName(st.edges[e].op, st.edges[e].kernel)}};
      if (st.edges[e].op == Op::KernelConv) edge["kernel"] = st.edges[e].kernel;
      edges.push_back(std::move(edge));
    }
    js.push_back({{"cell", st.toString()}, {"depth", st.depth}, {"edges", std::move(edges)}});
  }
  return nlohmann::json{{"stages", std::move(js)}};
}

Genotype Genotype::fromJson(const nlohmann::json& j) {
  const auto* stages = j.is_object() && j.contains("stages") ? &j.at("stages") : nullptr;
  if (!stages || !stages->is_array() || stages->size() != static_cast<size_t>(kStages))
    throw ConfigError("genotype JSON: key 'stages' must be an array of " +
                      std::to_string(kStages) + " stages");
  Genotype g;
  for (int s = 0; s < kStages; ++s) {
    const nlohmann::json& st = (*stages)[s];
    const std::string key = "genotype JSON: key 'stages[" + std::to_string(s) + "]";
    if (!st.is_object() || !st.contains("cell") || !st.at("cell").is_string())
      throw ConfigError(key + ".cell' must be a cell string");
    if (!st.contains("depth") || !st.at("depth").is_number_integer() || st.at("depth").get<int>() < 1)
      throw ConfigError(key + ".depth' must be an integer >= 1");
    // The "edges" array is informational (for readers of the file); "cell" is authoritative.
    try {
      g.stages.push_back(StageGenotype::fromString(st.at("cell").get<std::string>(),
                                                   st.at("depth").get<int>()));
    } catch (const ConfigError& e) {
      throw ConfigError(key + ".cell': " + e.what());
    }
  }
  return g;
}

Genotype Genotype::derive(const torch::Tensor& alpha, const torch::Tensor& beta,
                          const torch::Tensor& gamma, int max_depth) {
  if (max_depth < 1) throw ConfigError("derive: max_depth must be >= 1, got " + std::to_string(max_depth));
  const int64_t rows = kStages * kEdges;  // α and β rows are stage-major: row = s·kEdges + e
  const torch::Tensor a = rowsForArgmax(alpha, rows, kOps, "alpha");
  const torch::Tensor b = beta.defined() ? rowsForArgmax(beta, rows, kKernels, "beta") : beta;
  const torch::Tensor g = gamma.defined() ? rowsForArgmax(gamma, kStages, max_depth, "gamma") : gamma;
  Genotype out;
  out.stages.resize(kStages);
  for (int s = 0; s < kStages; ++s) {
    StageGenotype& st = out.stages[s];
    for (int e = 0; e < kEdges; ++e) {
      const int64_t r = s * kEdges + e;
      st.edges[e].op = static_cast<Op>(argmaxRow(a, r));
      // Phase 1 (β undefined) searches the 7×7 conv only; other ops keep the default 7.
      const bool kv = st.edges[e].op == Op::KernelConv && b.defined();
      st.edges[e].kernel = kv ? kKernelSizes[argmaxRow(b, r)] : kKernelSizes[0];
    }
    // γ's column d-1 weighs the output after d cells; phase 1 keeps all N cells.
    st.depth = g.defined() ? argmaxRow(g, s) + 1 : max_depth;
  }
  return out;
}

Genotype Genotype::random(std::mt19937_64& rng, int max_depth) {
  if (max_depth < 1) throw ConfigError("random genotype: max_depth must be >= 1, got " + std::to_string(max_depth));
  Genotype out;
  out.stages.resize(kStages);
  for (StageGenotype& st : out.stages) {
    for (EdgeChoice& e : st.edges) {
      e.op = static_cast<Op>(uniformIndex(rng, kOps));
      e.kernel = e.op == Op::KernelConv ? kKernelSizes[uniformIndex(rng, kKernels)] : kKernelSizes[0];
    }
    st.depth = 1 + uniformIndex(rng, max_depth);
  }
  return out;
}

std::vector<std::string> describeChanges(const Genotype& from, const Genotype& to) {
  std::vector<std::string> out;
  const size_t stages = std::min(from.stages.size(), to.stages.size());
  for (size_t s = 0; s < stages; ++s) {
    const StageGenotype& a = from.stages[s];
    const StageGenotype& b = to.stages[s];
    const std::string stage = "stage " + std::to_string(s + 1);
    for (int e = 0; e < kEdges; ++e)
      if (!(a.edges[e] == b.edges[e]))
        out.push_back(stage + ", edge " + std::to_string(kEdgeTo[e]) + "<-" + std::to_string(kEdgeFrom[e]) + ": " +
                      opName(a.edges[e].op, a.edges[e].kernel) + " -> " + opName(b.edges[e].op, b.edges[e].kernel));
    if (a.depth != b.depth)
      out.push_back(stage + ": depth " + std::to_string(a.depth) + " -> " + std::to_string(b.depth));
  }
  return out;
}

}  // namespace zd
