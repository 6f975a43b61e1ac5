#include "core/nas/genotype.h"

#include "core/common/error.h"
#include "core/common/json_fields.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

namespace zd {
namespace {

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
int uniformIndex(std::mt19937_64& rng, int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); }

// `m` must be `rows` rows of `cols` numbers; throws naming `what`.
void requireShape(const Matrix& m, size_t rows, size_t cols, const char* what) {
  bool ok = m.size() == rows;
  for (const auto& row : m) ok = ok && row.size() == cols;
  if (!ok)
    throw ConfigError(std::string("derive: ") + what + " must be " + std::to_string(rows) + " rows of " +
                      std::to_string(cols) + " numbers, got " + std::to_string(m.size()) + " rows" +
                      (m.empty() ? std::string() : " of " + std::to_string(m.front().size())));
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
      badCell(text, "node " + std::to_string(to) + " needs " + std::to_string(to) + " edges, got '" + group + "'");
    for (int from = 0; from < to; ++from) {
      const std::string& token = tokens[from];
      const auto tilde = token.find('~');
      const std::string expected_index = std::to_string(from);
      if (tilde == std::string::npos || token.substr(tilde + 1) != expected_index)
        badCell(text, "bad token '" + token + "' (expected '<op>~" + expected_index + "')");
      const auto choice = choiceByName(token.substr(0, tilde));
      if (!choice)
        badCell(text,
                "bad token '" + token + "': unknown op '" + token.substr(0, tilde) + "' (one of " + allOpNames() + ")");
      g.edges[edgeIndex(to, from)] = *choice;
    }
  }
  return g;
}

std::array<bool, kNodes> liveNodes(const std::array<bool, kEdges>& present) {
  // Edges go from lower to higher nodes and are ordered by target node, so one
  // forward and one backward pass settle reachability from the input and to the output.
  std::array<bool, kNodes> from_input{}, to_output{}, live{};
  from_input[0] = true;
  for (int e = 0; e < kEdges; ++e)
    if (present[e] && from_input[kEdgeFrom[e]]) from_input[kEdgeTo[e]] = true;
  to_output[kNodes - 1] = true;
  for (int e = kEdges - 1; e >= 0; --e)
    if (present[e] && to_output[kEdgeTo[e]]) to_output[kEdgeFrom[e]] = true;
  for (int i = 0; i < kNodes; ++i) live[i] = from_input[i] && to_output[i];
  return live;
}

std::array<bool, kNodes> StageGenotype::live() const {
  std::array<bool, kEdges> present{};
  for (int e = 0; e < kEdges; ++e) present[e] = edges[e].op != Op::None;
  return liveNodes(present);
}

bool StageGenotype::outputConnected() const { return live()[kNodes - 1]; }

std::string Genotype::toString() const {
  std::string s;
  for (size_t i = 0; i < stages.size(); ++i) {
    if (i > 0) s += '\n';
    s += "stage " + std::to_string(i + 1) + " (depth " + std::to_string(stages[i].depth) + "): " + stages[i].toString();
  }
  return s;
}

Genotype Genotype::fromString(const std::string& text) {
  Genotype g;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    // "stage <n> (depth <d>): <cell>", stages numbered 1, 2, ... in order.
    const int expected = static_cast<int>(g.stages.size()) + 1;
    int number = 0, depth = 0, consumed = 0;
    const bool parsed = std::sscanf(line.c_str(), " stage %d (depth %d): %n", &number, &depth, &consumed) == 2 &&
                        consumed > 0;
    if (!parsed || number != expected)
      throw ConfigError("genotype line \"" + line + "\": expected \"stage " + std::to_string(expected) +
                        " (depth <d>): <cell>\"");
    std::string cell = line.substr(static_cast<size_t>(consumed));
    while (!cell.empty() && std::isspace(static_cast<unsigned char>(cell.back()))) cell.pop_back();
    try {
      g.stages.push_back(StageGenotype::fromString(cell, depth));
    } catch (const ConfigError& e) {
      throw ConfigError("genotype line \"" + line + "\": " + e.what());
    }
  }
  return g;
}

nlohmann::json Genotype::toJson() const {
  nlohmann::json js = nlohmann::json::array();
  for (const StageGenotype& st : stages) {
    nlohmann::json edges = nlohmann::json::array();
    for (int e = 0; e < kEdges; ++e) {
      nlohmann::json edge{
          {"from", kEdgeFrom[e]}, {"to", kEdgeTo[e]}, {"op", opName(st.edges[e].op, st.edges[e].kernel)}};
      if (st.edges[e].op == Op::KernelConv) edge["kernel"] = st.edges[e].kernel;
      edges.push_back(std::move(edge));
    }
    js.push_back({{"cell", st.toString()}, {"depth", st.depth}, {"edges", std::move(edges)}});
  }
  return nlohmann::json{{"stages", std::move(js)}};
}

Genotype Genotype::fromJson(const nlohmann::json& j) {
  const JsonPlace file(JsonPlace::Kind::Setting, "genotype JSON key", "");
  if (!j.is_object()) file.wrongType("an object with the key 'stages'", j);
  const nlohmann::json& stages = jsonMember(file, j, "stages");
  if (!stages.is_array() || stages.size() != static_cast<size_t>(kStages))
    (file / "stages").wrongType("an array of " + std::to_string(kStages) + " stages", stages);
  Genotype g;
  for (int s = 0; s < kStages; ++s) {
    const nlohmann::json& st = stages[static_cast<size_t>(s)];
    const JsonPlace stage = file / ("stages[" + std::to_string(s) + "]");
    if (!st.is_object()) stage.wrongType("an object with cell and depth", st);
    std::string cell;
    int depth = 0;
    readJson(stage / "cell", jsonMember(stage, st, "cell"), cell);
    readJson(stage / "depth", jsonMember(stage, st, "depth"), depth);
    if (depth < 1) (stage / "depth").fail("must be at least 1, got " + std::to_string(depth));
    // The "edges" array is informational (for readers of the file); "cell" is authoritative.
    try {
      g.stages.push_back(StageGenotype::fromString(cell, depth));
    } catch (const ConfigError& e) {
      (stage / "cell").fail(e.what());
    }
  }
  return g;
}

Genotype Genotype::fromDistributions(const ArchDistributions& d, int max_depth) {
  if (max_depth < 1) throw ConfigError("derive: max_depth must be >= 1, got " + std::to_string(max_depth));
  const size_t rows = kStages * kEdges;  // α and β rows are stage-major: row = s·kEdges + e
  requireShape(d.alpha, rows, kOps, "alpha");
  if (!d.beta.empty()) requireShape(d.beta, rows, kKernels, "beta");
  if (!d.gamma.empty()) requireShape(d.gamma, kStages, static_cast<size_t>(max_depth), "gamma");
  Genotype out;
  out.stages.resize(kStages);
  for (int s = 0; s < kStages; ++s) {
    StageGenotype& st = out.stages[s];
    for (int e = 0; e < kEdges; ++e) {
      const size_t r = static_cast<size_t>(s * kEdges + e);
      st.edges[e].op = static_cast<Op>(argmaxIndex(d.alpha[r]));
      // Phase 1 (no β) searches the 7×7 conv only; other ops keep the default 7.
      const bool kv = st.edges[e].op == Op::KernelConv && !d.beta.empty();
      st.edges[e].kernel = kv ? kKernelSizes[argmaxIndex(d.beta[r])] : kKernelSizes[0];
    }
    // γ's column d-1 weighs the output after d cells; phase 1 keeps all N cells.
    st.depth = d.gamma.empty() ? max_depth : argmaxIndex(d.gamma[static_cast<size_t>(s)]) + 1;
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
