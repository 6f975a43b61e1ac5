// Training the network and its perturbed copy side by side (search.parallel_copies)
// must not change the search: with one thread per network, every number equals
// the sequential run's exactly.
#include "core/search/search_engine.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <QtTest>

namespace {

struct Snapshot {
  std::vector<torch::Tensor> tensors;  // A, then every weight
  std::vector<double> losses;
};

Snapshot runSearch(const std::string& parallel_copies, bool* parallel) {
  zd::SearchOptions options;
  options.network.channels = 4;
  options.network.cells = 2;
  options.batch = 8;
  options.arch.rounds = 3;
  options.switch_epoch = 1;
  options.parallel_copies = *zd::enumFromName<zd::ParallelCopies>(parallel_copies);
  zd::SupernetOptions network;
  network.classes = 3;
  network.channels = 4;
  network.cells = 2;
  network.channels_last = true;
  zd::SearchEngine engine(options, network, zd::BudgetBand{0, 1000}, torch::kCPU);
  *parallel = engine.parallelCopies();
  std::mt19937_64 rng(7);
  torch::Generator data = at::detail::createCPUGenerator(11);
  auto batch = [&] { return std::make_pair(torch::rand({8, 1, 16, 16}, data), torch::randint(0, 3, {8}, data)); };
  Snapshot s;
  for (int epoch = 0; epoch < 2; ++epoch) {  // phase 1, then phase 2 with the budget
    engine.beginEpoch(epoch);
    for (int step = 0; step < 6; ++step) {
      const auto [x, y] = batch();
      const auto outcome = engine.step(x, y, batch, rng);
      s.losses.push_back(outcome.weights.read().loss);
      if (outcome.arch) s.losses.push_back(outcome.arch->loss);
    }
  }
  for (const auto& a : engine.architecture().all()) s.tensors.push_back(a.detach().clone());
  for (const auto& p : engine.network()->parameters()) s.tensors.push_back(p.detach().clone());
  return s;
}

}  // namespace

class TestParallelCopies : public QObject {
  Q_OBJECT
 private slots:
  void sideBySideEqualsOneAfterTheOther() {
    at::set_num_threads(1);  // each network on one thread in both runs
    bool sequential_parallel = true, parallel = false;
    const auto sequential = runSearch("off", &sequential_parallel);
    const auto side_by_side = runSearch("on", &parallel);
    QVERIFY(!sequential_parallel);
    QVERIFY(parallel);
    QCOMPARE(side_by_side.losses.size(), sequential.losses.size());
    QVERIFY(sequential.losses.size() > 12);                // the architecture was updated too
    for (size_t i = 0; i < sequential.losses.size(); ++i)  // exactly: QCOMPARE on doubles is fuzzy
      QVERIFY2(side_by_side.losses[i] == sequential.losses[i], qPrintable(QString::number(i)));
    QCOMPARE(side_by_side.tensors.size(), sequential.tensors.size());
    for (size_t i = 0; i < sequential.tensors.size(); ++i)
      QVERIFY2(torch::equal(side_by_side.tensors[i], sequential.tensors[i]), qPrintable(QString::number(i)));
    // A moved away from its initial values, so the equality covers real updates.
    QVERIFY(sequential.tensors[0].abs().max().item<double>() > 1e-2);
  }

  void autoTurnsOnForSmallZerothOrderCpuBatchesOnly() {
    auto on = [](const std::string& setting, bool cpu, int threads, int batch, const std::string& estimator = "zo") {
      zd::SearchOptions o;
      o.parallel_copies = *zd::enumFromName<zd::ParallelCopies>(setting);
      o.batch = batch;
      o.arch.estimator = *zd::enumFromName<zd::Estimator>(estimator);
      return zd::trainsCopiesSideBySide(o, cpu, threads);
    };
    QVERIFY(on("auto", /*cpu=*/true, /*threads=*/2, /*batch=*/16));
    QVERIFY(on("auto", true, 8, 64));
    QVERIFY(!on("auto", true, 2, 65));
    QVERIFY(!on("auto", true, 2, 256));  // the default batch: memory first
    QVERIFY(!on("auto", true, 1, 16));
    QVERIFY(!on("auto", /*cpu=*/false, 2, 16));
    QVERIFY(!on("auto", true, 2, 16, "darts1"));  // no perturbed copy
    QVERIFY(on("on", false, 1, 256));
    QVERIFY(!on("on", true, 2, 16, "darts1"));
    QVERIFY(!on("off", true, 2, 16));
  }
};

QTEST_APPLESS_MAIN(TestParallelCopies)
#include "test_parallel_copies.moc"
