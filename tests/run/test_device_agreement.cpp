// The same work on the CPU and on a CUDA GPU gives the same numbers, within float
// tolerance: a search (and a search that moves between devices through its
// checkpoint), a retraining, an evaluation and the benchmark. Every case needs a
// GPU and is skipped, with the reason, where there is none (CTest reports the test
// as skipped, not passed). packaging/gpu_check.sh runs it on a GPU machine.
#include "core/bench/search_bench.h"
#include "core/common/cuda_device.h"
#include "core/search/search_loop.h"
#include "core/train/inference.h"
#include "core/train/trainer.h"
#include "tests/common/bar_images.h"
#include "tests/common/event_recorder.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <filesystem>
#include <variant>
#include <unistd.h>  // getpid

namespace fs = std::filesystem;

namespace {

#define REQUIRE_GPU()                                                                                   \
  do {                                                                                                  \
    if (!torch::cuda::is_available())                                                                   \
      QSKIP(zd::builtWithCuda() ? "no CUDA GPU visible to this CUDA build of LibTorch"                  \
                                : "this LibTorch is CPU-only (Debian's 1.13): build with "              \
                                  "packaging/setup_torch2.sh and run on a machine with an NVIDIA GPU"); \
  } while (0)

const torch::Device kGpu(torch::kCUDA, 0);

zd::SearchOptions tinySearch() {
  zd::SearchOptions o;
  o.network.channels = 4;
  o.network.cells = 2;
  o.epochs = 2;
  o.switch_epoch = 1;
  o.batch = 16;
  o.arch.rounds = 2;
  o.augment.resize = 0;
  o.seed = 3;
  return o;
}

struct SearchRun {
  zd::SearchResult result;
  std::vector<double> epoch_losses;
  torch::Tensor alpha;
};

// The tiny search on `device`, resumed from `checkpoint` when `resume`; cancelled
// (with its checkpoint written) after its first epoch when `cut`.
SearchRun search(const zd::SearchData& data, const torch::Device& device, const fs::path& checkpoint, bool resume,
                 bool cut = false) {
  const auto o = tinySearch();
  EventRecorder rec;
  zd::StopToken stop;
  if (cut)
    rec.hook = [&stop](const zd::JobEvent& e) {
      if (std::holds_alternative<zd::EpochFinished>(e)) stop.cancel = true;
    };
  SearchRun run;
  run.result = zd::runSearchLoop(o, data, zd::BudgetBand{}, device, rec, stop, checkpoint, resume);
  for (const auto& e : rec.all<zd::EpochFinished>()) run.epoch_losses.push_back(e.train_loss);
  // The final architecture parameters, from the checkpoint the run ends with.
  torch::serialize::InputArchive archive, engine;
  archive.load_from(checkpoint.string(), torch::kCPU);
  archive.read("engine", engine);
  engine.read("alpha", run.alpha);
  return run;
}

double maxRelativeDifference(const torch::Tensor& a, const torch::Tensor& b) {
  const auto x = a.to(torch::kCPU, torch::kDouble), y = b.to(torch::kCPU, torch::kDouble);
  return ((x - y).abs() / (y.abs() + 1e-3)).max().item<double>();
}

}  // namespace

class TestDeviceAgreement : public QObject {
  Q_OBJECT
  fs::path dir_;
  zd::SearchData search_data_;
  zd::TrainData train_data_;

 private slots:
  void initTestCase() {
    torch::set_num_threads(2);
    dir_ = fs::temp_directory_path() / ("zd_devices_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    search_data_.weight_half = barImages(20, 1);
    search_data_.arch_half = barImages(20, 2);
    search_data_.classes = 3;
    train_data_.train = barImages(30, 3);
    train_data_.val = barImages(10, 4);
    train_data_.classes = 3;
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  // search: both devices take the same steps (same seeds, host-side randomness)
  // and reach the same architecture.
  void searchAgrees() {
    REQUIRE_GPU();
    const auto cpu = search(search_data_, torch::kCPU, dir_ / "cpu.pt", false);
    const auto gpu = search(search_data_, kGpu, dir_ / "gpu.pt", false);
    QCOMPARE(gpu.epoch_losses.size(), cpu.epoch_losses.size());
    for (size_t i = 0; i < cpu.epoch_losses.size(); ++i)
      QVERIFY2(std::abs(gpu.epoch_losses[i] - cpu.epoch_losses[i]) < 1e-3 * (1 + std::abs(cpu.epoch_losses[i])),
               qPrintable(QString("epoch %1: %2 vs %3").arg(i).arg(gpu.epoch_losses[i]).arg(cpu.epoch_losses[i])));
    QVERIFY2(maxRelativeDifference(gpu.alpha, cpu.alpha) < 1e-2, "α differs between CPU and CUDA");
    QCOMPARE(QString::fromStdString(gpu.result.genotype.toString()),
             QString::fromStdString(cpu.result.genotype.toString()));
  }

  // A checkpoint written on one device resumes on the other, with the result of
  // an uninterrupted run.
  void checkpointsMoveBetweenDevices() {
    REQUIRE_GPU();
    const auto whole = search(search_data_, torch::kCPU, dir_ / "whole.pt", false);
    for (const auto& [first, second] :
         {std::pair{torch::Device(torch::kCPU), kGpu}, std::pair{kGpu, torch::Device(torch::kCPU)}}) {
      const auto path = dir_ / ("moved_" + first.str() + ".pt");
      QVERIFY(search(search_data_, first, path, false, /*cut=*/true).result.cancelled);
      const auto resumed = search(search_data_, second, path, true);
      QVERIFY2(maxRelativeDifference(resumed.alpha, whole.alpha) < 1e-2,
               qPrintable(QString::fromStdString("searched on " + first.str() + ", resumed on " + second.str())));
      QCOMPARE(QString::fromStdString(resumed.result.genotype.toString()),
               QString::fromStdString(whole.result.genotype.toString()));
    }
  }

  // train + evaluate: the retrained networks' validation curves and their logits agree.
  void trainingAndEvaluationAgree() {
    REQUIRE_GPU();
    zd::TrainOptions o;
    o.epochs = 2;
    o.batch = 16;
    o.channels = 4;
    o.warmup_epochs = 1;
    o.augment.resize = 0;
    o.seed = 5;
    EventRecorder a, b;
    zd::StopToken stop;
    const auto cpu = zd::Trainer(o, barGenotype(), torch::kCPU, {}).run(train_data_, a, stop, false);
    const auto gpu = zd::Trainer(o, barGenotype(), kGpu, {}).run(train_data_, b, stop, false);
    QCOMPARE(gpu.curves.size(), cpu.curves.size());
    for (size_t i = 0; i < cpu.curves.size(); ++i)
      QVERIFY2(std::abs(gpu.curves[i].train_loss - cpu.curves[i].train_loss) < 1e-3 * (1 + cpu.curves[i].train_loss),
               qPrintable(QString("epoch %1").arg(i)));
    auto cpu_net = cpu.network;
    auto gpu_net = gpu.network;
    const auto on_cpu = zd::predictLogits(cpu_net, train_data_.val.images, 16, torch::kCPU);
    const auto on_gpu = zd::predictLogits(gpu_net, train_data_.val.images, 16, kGpu);
    QVERIFY2(maxRelativeDifference(on_gpu, on_cpu) < 1e-2, "validation logits differ between CPU and CUDA");
    // One network, two devices: only the arithmetic differs.
    gpu_net->to(torch::kCPU);
    const auto moved = zd::predictLogits(gpu_net, train_data_.val.images, 16, torch::kCPU);
    QVERIFY(torch::allclose(moved, on_gpu, 1e-4, 1e-4));
  }

  // bench: runs on the GPU and reports its name and memory.
  void benchReportsTheGpu() {
    REQUIRE_GPU();
    zd::BenchOptions o;
    o.channels = 4;
    o.cells = 1;
    o.steps = 2;
    o.device = "cuda";
    o.only = "phase1";
    const auto j = zd::runSearchBench(o);
    QVERIFY(j.contains("gpu_name"));
    QVERIFY(j["peak_gpu_mem_mib"].get<double>() > 0);
    QVERIFY(j["phase1"]["images_per_s"].get<double>() > 0);
  }
};

QTEST_GUILESS_MAIN(TestDeviceAgreement)
#include "test_device_agreement.moc"
