// The most probable architecture (ALGORITHM.md §6): exact against brute force on
// reduced spaces, equal to the paper's argmax without a band, never a dead stage.
#include "core/common/error.h"
#include "core/nas/genotype.h"
#include "core/nas/most_probable.h"
#include "core/nas/param_count.h"
#include "core/nas/tensor_rows.h"

#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

using zd::ChoiceScores;
using zd::CountShape;
using zd::EdgeChoice;
using zd::Genotype;
using zd::Op;
using zd::ParamWindow;
using zd::StageGenotype;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kDepth = 3;

// Log-softmax of random logits of spread `scale`, as the search hands them over.
template <size_t N>
std::array<double, N> logSoftmax(std::mt19937_64& rng, double scale) {
  std::normal_distribution<double> normal(0, scale);
  std::array<double, N> z{};
  double m = -kInf;
  for (auto& v : z) v = normal(rng), m = std::max(m, v);
  double sum = 0;
  for (double v : z) sum += std::exp(v - m);
  for (auto& v : z) v = v - m - std::log(sum);
  return z;
}

ChoiceScores randomScores(std::mt19937_64& rng, double scale, bool phase2) {
  ChoiceScores s;
  s.max_depth = kDepth;
  for (int r = 0; r < zd::kStages * zd::kEdges; ++r) {
    s.ops.push_back(logSoftmax<zd::kOps>(rng, scale));
    if (phase2) s.kernels.push_back(logSoftmax<zd::kKernels>(rng, scale));
  }
  if (phase2)
    for (int st = 0; st < zd::kStages; ++st) {
      const auto d = logSoftmax<kDepth>(rng, scale);
      s.depths.push_back(std::vector<double>(d.begin(), d.end()));
    }
  return s;
}

// The seven choices of an edge: none, skip, 1x1, 7x7, 5x5, 3x3, pool.
std::vector<EdgeChoice> allChoices() {
  return {{Op::None, 7},       {Op::Skip, 7},       {Op::Conv1x1, 7}, {Op::KernelConv, 7},
          {Op::KernelConv, 5}, {Op::KernelConv, 3}, {Op::AvgPool, 7}};
}

// Forbids all but two random choices per edge and one random depth per stage
// (scores -inf), leaving 2^6 cells × 2 depths per stage: small enough to try all.
std::vector<std::vector<EdgeChoice>> restrict(ChoiceScores& s, std::mt19937_64& rng) {
  std::vector<std::vector<EdgeChoice>> allowed;
  const auto choices = allChoices();
  for (size_t r = 0; r < s.ops.size(); ++r) {
    std::vector<int> idx{0, 1, 2, 3, 4, 5, 6};
    std::shuffle(idx.begin(), idx.end(), rng);
    std::vector<EdgeChoice> keep{choices[idx[0]], choices[idx[1]]};
    for (int o = 0; o < zd::kOps; ++o) {
      const bool used = std::any_of(keep.begin(), keep.end(), [o](const EdgeChoice& c) { return int(c.op) == o; });
      if (!used) s.ops[r][o] = -kInf;
    }
    for (int k = 0; k < zd::kKernels; ++k) {
      const bool used = std::any_of(keep.begin(), keep.end(), [k](const EdgeChoice& c) {
        return c.op == Op::KernelConv && c.kernel == zd::kKernelSizes[k];
      });
      if (!used) s.kernels[r][k] = -kInf;
    }
    allowed.push_back(keep);
  }
  for (auto& row : s.depths) row[rng() % kDepth] = -kInf;
  return allowed;
}

// Independent score of one stage: the op's log-probability, a kernel's relative to
// the best allowed kernel of its row, the depth's.
double stageScore(const StageGenotype& g, const ChoiceScores& s, int stage) {
  double total = s.depths[stage][g.depth - 1];
  for (int e = 0; e < zd::kEdges; ++e) {
    const size_t r = static_cast<size_t>(stage * zd::kEdges + e);
    total += s.ops[r][int(g.edges[e].op)];
    if (g.edges[e].op == Op::KernelConv) {
      const double best = *std::max_element(s.kernels[r].begin(), s.kernels[r].end());
      total += s.kernels[r][zd::kernelIndex(g.edges[e].kernel)] - best;
    }
  }
  return total;
}

struct Candidate {
  StageGenotype stage;
  double score;
};

// Every allowed, connected stage.
std::vector<Candidate> stageCandidates(const std::vector<std::vector<EdgeChoice>>& allowed, const ChoiceScores& s,
                                       int stage) {
  std::vector<Candidate> out;
  for (int bits = 0; bits < (1 << zd::kEdges); ++bits)
    for (int d = 1; d <= kDepth; ++d) {
      if (s.depths[stage][d - 1] == -kInf) continue;
      StageGenotype g;
      g.depth = d;
      for (int e = 0; e < zd::kEdges; ++e) g.edges[e] = allowed[stage * zd::kEdges + e][(bits >> e) & 1];
      if (g.outputConnected()) out.push_back({g, stageScore(g, s, stage)});
    }
  return out;
}

struct Scored {
  int64_t params;
  double score;
};

// Every connected architecture of the reduced space with its exact count and score.
std::vector<Scored> bruteForce(const std::vector<std::vector<EdgeChoice>>& allowed, const ChoiceScores& s,
                               const CountShape& shape) {
  std::vector<std::vector<Candidate>> stages;
  for (int st = 0; st < zd::kStages; ++st) stages.push_back(stageCandidates(allowed, s, st));
  std::vector<Scored> all;
  Genotype g;
  g.stages.resize(zd::kStages);
  for (const auto& a : stages[0])
    for (const auto& b : stages[1])
      for (const auto& c : stages[2]) {
        g.stages = {a.stage, b.stage, c.stage};
        all.push_back({zd::exactParams(g, shape.in_channels, shape.channels, shape.classes),
                       a.score + b.score + c.score});
      }
  return all;
}

bool connected(const Genotype& g) {
  return std::all_of(g.stages.begin(), g.stages.end(), [](const StageGenotype& s) { return s.outputConnected(); });
}

torch::Tensor toTensor(const std::vector<std::vector<double>>& rows) {
  auto t = torch::zeros({int64_t(rows.size()), int64_t(rows[0].size())}, torch::kDouble);
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].size(); ++c) t[int64_t(r)][int64_t(c)] = rows[r][c];
  return t;
}

template <size_t N>
torch::Tensor toTensor(const std::vector<std::array<double, N>>& rows) {
  std::vector<std::vector<double>> v;
  for (const auto& r : rows) v.emplace_back(r.begin(), r.end());
  return toTensor(v);
}

}  // namespace

class TestMostProbable : public QObject {
  Q_OBJECT

 private slots:
  // Exactness: on reduced spaces (two choices per edge, two depths per stage:
  // 2.1 million architectures) the best in-band score equals brute force's, for
  // random logits and bands from narrow to wide, and "none fits" agrees too.
  void inBandOptimumEqualsBruteForce() {
    std::mt19937_64 rng(2024);
    const CountShape shape{1, 4, 3};
    for (int trial = 0; trial < 3; ++trial) {
      ChoiceScores s = randomScores(rng, 1.5, true);
      const auto allowed = restrict(s, rng);
      const auto all = bruteForce(allowed, s, shape);
      QVERIFY(!all.empty());
      std::vector<int64_t> counts;
      for (const auto& a : all) counts.push_back(a.params);
      std::sort(counts.begin(), counts.end());
      std::vector<ParamWindow> windows;
      for (int w = 0; w < 5; ++w) {
        int64_t a = counts[rng() % counts.size()], b = counts[rng() % counts.size()];
        windows.push_back({std::min(a, b), std::max(a, b)});
      }
      windows.push_back({counts.front(), counts.front()});           // exactly the smallest
      windows.push_back({counts.back() + 1, counts.back() + 1000});  // above everything: none fits
      windows.push_back({counts.front(), counts.back()});            // everything
      for (const ParamWindow& w : windows) {
        double best = -kInf;
        for (const auto& a : all)
          if (a.params >= w.min && a.params <= w.max) best = std::max(best, a.score);
        const auto found = zd::mostProbableArchitecture(s, shape, w);
        const QString where = QString("trial %1 window %2-%3").arg(trial).arg(w.min).arg(w.max);
        QVERIFY2(found.has_value() == (best > -kInf), qPrintable(where));
        if (!found) continue;
        QVERIFY2(std::abs(found->score - best) < 1e-9,
                 qPrintable(where + QString(": %1 vs %2").arg(found->score).arg(best)));
        QVERIFY2(found->params >= w.min && found->params <= w.max, qPrintable(where));
        QCOMPARE(found->params, zd::exactParams(found->genotype, shape.in_channels, shape.channels, shape.classes));
        QVERIFY(connected(found->genotype));
        QVERIFY(std::abs(zd::scoreOf(found->genotype, s) - found->score) < 1e-9);
      }
    }
  }

  // Without a band the optimum is §6's argmax of the logits (ties to the lower
  // index) whenever the argmax cells are connected; in phase 1 too (7×7, depth N).
  void withoutBandItIsTheArgmax() {
    std::mt19937_64 rng(7);
    const CountShape shape{3, 8, 5};
    int compared = 0;
    for (int trial = 0; trial < 60; ++trial) {
      const bool phase2 = trial % 2 == 0;
      const ChoiceScores s = randomScores(rng, 1.0, phase2);
      const Genotype argmax = zd::deriveGenotype(toTensor(s.ops), phase2 ? toTensor(s.kernels) : torch::Tensor(),
                                                 phase2 ? toTensor(s.depths) : torch::Tensor(), kDepth);
      const auto found = zd::mostProbableArchitecture(s, shape, std::nullopt);
      QVERIFY(found.has_value());
      QVERIFY(connected(found->genotype));
      if (!connected(argmax)) continue;
      ++compared;
      QVERIFY2(found->genotype == argmax,
               qPrintable(QString::fromStdString(found->genotype.toString() + " vs " + argmax.toString())));
    }
    QVERIFY(compared > 20);
  }

  // Equal logits (the search's start): the lowest index everywhere, like derive().
  void tiesGoToTheLowerIndex() {
    ChoiceScores s = zd::uniformScores(kDepth, true);
    for (auto& r : s.ops) r[int(Op::None)] = -kInf;  // none would cut every cell off
    const auto found = zd::mostProbableArchitecture(s, CountShape{}, std::nullopt);
    QVERIFY(found.has_value());
    for (const auto& st : found->genotype.stages) {
      QCOMPARE(st.depth, 1);
      for (const auto& e : st.edges) QCOMPARE(int(e.op), int(Op::Skip));
    }
  }

  // A stage whose argmax cuts node 3 off (every edge into it `none`) is replaced by
  // its most probable connected cell, with and without a band.
  void deadStagesAreNeverDerived() {
    std::mt19937_64 rng(3);
    ChoiceScores s = randomScores(rng, 0.5, true);
    const int stage = 1;
    for (int e = 0; e < zd::kEdges; ++e)
      if (zd::kEdgeTo[e] == 3) s.ops[stage * zd::kEdges + e] = {0.0, -3, -3, -3, -3};  // none by far
    const Genotype argmax = zd::deriveGenotype(toTensor(s.ops), toTensor(s.kernels), toTensor(s.depths), kDepth);
    QVERIFY(!argmax.stages[stage].outputConnected());
    const CountShape shape{1, 4, 2};
    const auto free = zd::mostProbableArchitecture(s, shape, std::nullopt);
    QVERIFY(free && connected(free->genotype));
    // Exactly one edge into node 3 turns on: the cheapest repair in score.
    int into3 = 0;
    for (int e = 0; e < zd::kEdges; ++e)
      if (zd::kEdgeTo[e] == 3 && free->genotype.stages[stage].edges[e].op != Op::None) ++into3;
    QCOMPARE(into3, 1);
    const ParamWindow whole = zd::spaceSizeRange(shape, kDepth);
    const auto banded = zd::mostProbableArchitecture(s, shape, whole);
    QVERIFY(banded && connected(banded->genotype));
    QVERIFY(std::abs(banded->score - free->score) < 1e-12);  // the whole space: same optimum
  }

  // §5's check value: every edge 7×7 at depth 3 has 4,816,146 weights (C=16, 1 in, 2 classes).
  void sizeRangeOfTheSpace() {
    const CountShape shape{1, 16, 2};
    const ParamWindow range = zd::spaceSizeRange(shape, 3);
    QCOMPARE(range.max, int64_t(4816146));
    QCOMPARE(range.min, zd::fixedParams(1, 16, 2));
    // Both ends are reachable; just above the smallest there is nothing (the
    // cheapest weighted edge, a 1×1 conv at C=16, has 272 weights).
    const auto uniform = zd::uniformScores(3, true);
    QVERIFY(zd::mostProbableArchitecture(uniform, shape, ParamWindow{range.min, range.min}));
    QVERIFY(zd::mostProbableArchitecture(uniform, shape, ParamWindow{range.max, range.max}));
    QVERIFY(!zd::mostProbableArchitecture(uniform, shape, ParamWindow{range.min + 1, range.min + 271}));
    QVERIFY(zd::mostProbableArchitecture(uniform, shape, ParamWindow{range.min + 1, range.min + 272}));
  }

  void badScoresAreRefused() {
    ChoiceScores s = zd::uniformScores(3, true);
    s.ops.pop_back();
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::mostProbableArchitecture(s, CountShape{}, std::nullopt));
  }
};

QTEST_GUILESS_MAIN(TestMostProbable)
#include "test_most_probable.moc"
