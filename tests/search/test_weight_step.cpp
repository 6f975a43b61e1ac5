// The weight step as the GPU path takes it: gradient clipping on the device equals
// LibTorch's, the step's statistics stay tensors until read and then equal a plain
// forward's, the distributions' host copies change nothing, and the rules that
// decide when to read back hold on the CPU.
#include "core/common/cuda_device.h"
#include "core/common/error.h"
#include "core/common/progress_throttle.h"
#include "core/data/device_placement.h"
#include "core/search/search_engine.h"
#include "core/search/weight_step.h"

#include <torch/torch.h>

#include <QtTest>

namespace {

zd::SupernetOptions tinyNetwork() {
  zd::SupernetOptions n;
  n.classes = 3;
  n.channels = 4;
  n.cells = 2;
  return n;
}

// Phase-1 distributions with some exact zeros, as sparsemax gives, so that skipping matters.
zd::ArchWeights randomWeights() {
  zd::ArchWeights w;
  w.alpha = torch::relu(torch::randn({zd::kStages * zd::kEdges, zd::kOps}));
  w.alpha.select(1, 1).fill_(0);
  return w;
}

}  // namespace

class TestWeightStep : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { torch::manual_seed(1); }

  void clippingEqualsLibTorchs_data() {
    QTest::addColumn<double>("max_norm");
    QTest::newRow("clips") << 0.01;
    QTest::newRow("leaves alone") << 1e6;
  }
  void clippingEqualsLibTorchs() {
    QFETCH(double, max_norm);
    std::vector<torch::Tensor> a, b;
    for (int64_t n : {3, 7, 1}) {
      auto p = torch::randn({n}, torch::kFloat).requires_grad_(true);
      p.mutable_grad() = torch::randn({n});
      auto q = p.detach().clone().requires_grad_(true);
      q.mutable_grad() = p.grad().clone();
      a.push_back(p);
      b.push_back(q);
    }
    torch::Tensor no_grad = torch::zeros({2}).requires_grad_(true);  // a parameter without a gradient
    a.push_back(no_grad);
    b.push_back(no_grad.detach().clone().requires_grad_(true));
    zd::clipGradientNorm(a, max_norm);
    torch::nn::utils::clip_grad_norm_(b, max_norm);
    for (size_t i = 0; i + 1 < a.size(); ++i) QVERIFY(torch::allclose(a[i].grad(), b[i].grad(), 1e-6, 1e-7));
    QVERIFY(!a.back().grad().defined());
  }

  void statisticsAreThePlainForwards() {
    zd::Supernet net(tinyNetwork());
    auto sgd = zd::makeWeightOptimizer(net->parameters(), zd::WeightOptimOptions{}, 0.1);
    const auto x = torch::rand({8, 1, 16, 16});
    const auto y = torch::randint(0, 3, {8});
    const auto w = randomWeights();
    torch::Tensor logits;
    {
      torch::NoGradGuard no_grad;
      logits = net->forward(x, w);  // train mode: batch statistics, as in the step
    }
    const auto stats = zd::weightStep(net, *sgd, x, y, w, 5.0);
    QVERIFY(stats.loss.dim() == 0 && stats.correct.dim() == 0);  // tensors until read
    const auto read = stats.read();
    QCOMPARE(read.count, int64_t{8});
    QVERIFY(std::abs(read.loss - torch::nn::functional::cross_entropy(logits, y).item<double>()) < 1e-6);
    QCOMPARE(read.correct, logits.argmax(1).eq(y).sum().item<int64_t>());
  }

  void hostCopiesChangeNothing() {
    zd::Supernet net(tinyNetwork());
    net->eval();
    const auto x = torch::rand({4, 1, 16, 16});
    const auto w = randomWeights();
    const auto held = zd::withHostCopies(w);
    QVERIFY(torch::equal(held.alpha_host, w.alpha));
    QVERIFY(!held.beta_host.defined() && !held.gamma_host.defined());
    torch::NoGradGuard no_grad;
    QVERIFY(torch::equal(net->forward(x, held), net->forward(x, w)));
    // Phase 2: all three, cut apart again from one copy.
    net->enterPhase2();
    zd::ArchWeights w2 = w;
    w2.beta = torch::softmax(torch::randn({zd::kStages * zd::kEdges, zd::kKernels}), 1);
    w2.gamma = torch::softmax(torch::randn({zd::kStages, 2}), 1);
    const auto held2 = zd::withHostCopies(w2);
    QVERIFY(torch::equal(held2.beta_host, w2.beta) && torch::equal(held2.gamma_host, w2.gamma));
    QVERIFY(torch::equal(net->forward(x, held2), net->forward(x, w2)));
  }

  void progressIsReadEveryStepOnTheCpuOnly() {
    zd::ProgressThrottle cpu(torch::kCPU);
    QVERIFY(cpu.due(false) && cpu.due(false) && cpu.due(false));
    zd::ProgressThrottle gpu(torch::Device(torch::kCUDA, 0), /*interval_seconds=*/60);
    QVERIFY(gpu.due(false));   // the first step shows progress at once
    QVERIFY(!gpu.due(false));  // ... then not again within the interval
    QVERIFY(gpu.due(true));    // the epoch's last step always
  }

  void dataStaysOnTheHostForTheCpu() {
    zd::ImageSet set{torch::zeros({10, 1, 4, 4}, torch::kUInt8), torch::zeros({10}, torch::kLong)};
    QCOMPARE(zd::imageBytes({&set, &set}), int64_t{2 * (160 + 80)});
    QVERIFY(!zd::keepDataOnDevice(1, torch::kCPU));
    QCOMPARE(zd::describePlacement(1, torch::kCPU), std::string());
    QVERIFY(zd::placedOn(set, torch::kCPU).images.is_same(set.images));
  }

  void cpuFallbacksOfTheGpuHelpers() {
    const auto t = torch::arange(5);
    QVERIFY(zd::toDeviceAsync(t, torch::kCPU).is_same(t));  // nothing to copy
    std::vector<int> order;
    zd::runOnTwoStreams(
        torch::kCPU, [&] { order.push_back(1); }, [&] { order.push_back(2); });
    QCOMPARE(order, (std::vector<int>{1, 2}));
    QCOMPARE(zd::peakDeviceBytes(torch::kCPU), int64_t{0});
  }

  void bf16IsRefusedOnTheCpu() {
    zd::SearchOptions o;
    o.network.channels = 4;
    o.network.cells = 2;
    o.precision = zd::Precision::Bf16;
    try {
      zd::SearchEngine engine(o, tinyNetwork(), zd::BudgetBand{}, torch::kCPU);
      QFAIL("bf16 on the CPU was accepted");
    } catch (const zd::ConfigError& e) {
      QVERIFY2(std::string(e.what()).find("search.precision bf16 needs a CUDA device") != std::string::npos, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestWeightStep)
#include "test_weight_step.moc"
