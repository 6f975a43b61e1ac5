// Retraining and evaluating as `zodarts train` / `zodarts evaluate` do: a short
// retrain on the demo data clearly beats chance on its test split, the run directory
// gets its model, curves, metrics.json and report.md, and the run-level checks hold
// (no second training over a first, sampling from the search's last distributions).
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/run/event_log.h"
#include "core/run/run_directory.h"
#include "core/run/run_evaluate.h"
#include "core/run/run_train.h"
#include "core/train/trained_model.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>  // getpid

namespace fs = std::filesystem;

namespace {

class Quiet : public zd::JobObserver {
 public:
  void onEvent(const zd::JobEvent&) override {}
};

zd::Genotype genotype() {
  zd::Genotype g;
  const auto cell = zd::StageGenotype::fromString(
      "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|", 1);
  g.stages = {cell, cell, cell};
  return g;
}

fs::path demoData() {
  const char* source = std::getenv("ZODARTS_SOURCE_DIR");
  return fs::path(source ? source : ".") / "resources/demo/brain_regions_28.npz";
}

// Small enough for seconds on 2 idle cores: C = 4 at 28×28, 3 epochs, no mixing.
zd::RunConfig demoConfig(const fs::path& out) {
  zd::RunConfig c;
  c.data.path = demoData().string();
  c.out = out.string();
  c.device = "cpu";
  c.threads = 2;
  auto& t = c.train;
  t.epochs = 3;
  t.batch = 32;
  t.channels = 4;
  t.warmup_epochs = 1;
  t.augment.resize = 0;
  t.augment.crop_padding = 2;
  t.mixing = false;
  t.seed = 1;
  return c;
}

}  // namespace

class TestTrainRun : public QObject {
  Q_OBJECT
  fs::path dir_;

 private slots:
  void initTestCase() {
    dir_ = fs::temp_directory_path() / ("zd_train_run_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  void demoRetrainBeatsChance() {
    if (!fs::exists(demoData())) QSKIP("demo data not found (set ZODARTS_SOURCE_DIR)");
    const auto out = dir_ / "demo";
    const auto config = demoConfig(out);
    zd::createTrainRun(config, genotype());
    Quiet quiet;
    zd::StopToken stop;
    const auto trained = zd::runTraining(out, config, quiet, stop, false);
    QVERIFY(!trained.result.cancelled);
    QVERIFY(trained.genotype == genotype());
    for (const char* file : {"model.pt", "model.json", "train_curves.csv", "train_checkpoint.pt", "events.jsonl"})
      QVERIFY2(fs::exists(out / file), file);
    const auto model = zd::loadTrainedModel(out);
    QCOMPARE(model.card.data_size, 28);
    QCOMPARE(model.card.input_size, 28);
    QCOMPARE(model.card.class_names.size(), size_t(6));
    QCOMPARE(model.card.best_epoch, trained.result.best_epoch);

    const auto eval = zd::evaluateRun(out);
    QCOMPARE(eval.test_images, int64_t{600});
    QCOMPARE(eval.metrics.samples, int64_t{600});
    // Chance is 1/6 ≈ 0.17 on the balanced test split.
    QVERIFY2(eval.metrics.accuracy > 0.4, qPrintable(QString("test accuracy %1").arg(eval.metrics.accuracy)));
    QVERIFY(eval.metrics.auc_defined && eval.metrics.auc > 0.75);
    const auto metrics = nlohmann::json::parse(zd::readFile(out / "metrics.json"));
    QCOMPARE(metrics.at("accuracy").get<double>(), eval.metrics.accuracy);
    QCOMPARE(metrics.at("split").get<std::string>(), std::string("test"));
    const auto report = QString::fromStdString(zd::readFile(out / "report.md"));
    QVERIFY(report.contains("## Test metrics"));
    QVERIFY(report.contains(QString::fromStdString(genotype().stages[0].toString())));
    QVERIFY(report.contains("3 epochs"));
    QVERIFY(report.contains("deep grey matter"));

    // A second training over the first is refused; the message says how to go on.
    try {
      zd::runTraining(out, config, quiet, stop, false);
      QFAIL("expected an error");
    } catch (const zd::IoError& e) {
      QVERIFY2(QString(e.what()).contains("--resume"), e.what());
    }

    // Archiving moves every file of that training (and nothing else) into a new
    // folder, byte for byte; then a new training is accepted.
    const std::string modelBytes = zd::readFile(out / "model.pt");
    const auto archive = zd::archivePreviousTraining(out);
    QVERIFY(!archive.empty());
    QCOMPARE(archive.parent_path(), out / "retrain-archive");
    for (const char* file :
         {"model.pt", "model.json", "train_curves.csv", "train_checkpoint.pt", "metrics.json", "report.md"}) {
      QVERIFY2(fs::exists(archive / file), file);
      QVERIFY2(!fs::exists(out / file), file);
    }
    QCOMPARE(zd::readFile(archive / "model.pt"), modelBytes);
    for (const char* kept : {"config.json", "genotype.json", "events.jsonl"}) QVERIFY2(fs::exists(out / kept), kept);
    QVERIFY(zd::archivePreviousTraining(out).empty());  // nothing left to move
    auto shorter = config;
    shorter.train.epochs = 1;
    QVERIFY(!zd::runTraining(out, shorter, quiet, stop, false).result.cancelled);
    QVERIFY(fs::exists(out / "model.pt"));
  }

  void sampleDerivationUsesTheLastSearchEpoch() {
    const auto out = dir_ / "sampled";
    auto config = demoConfig(out);
    zd::createTrainRun(config, genotype());
    {
      // A search's log: its last epoch has one-hot distributions (skip everywhere, depth 2).
      zd::EventLog log(zd::RunDirectory::open(out).eventsPath());
      zd::EpochFinished early, last;
      early.epoch = 0;
      early.distributions.alpha = zd::Matrix(18, {0.0, 0.0, 0.0, 0.0, 1.0});
      last.epoch = 1;
      last.distributions.alpha = zd::Matrix(18, {0.0, 1.0, 0.0, 0.0, 0.0});
      last.distributions.beta = zd::Matrix(18, {1.0, 0.0, 0.0});
      last.distributions.gamma = zd::Matrix(3, {0.0, 1.0, 0.0});
      log.onEvent(early);
      log.onEvent(last);
    }
    config.train.derive = zd::TrainDerive::Sample;
    const auto g = zd::genotypeToTrain(out, config);
    for (const auto& stage : g.stages) {
      QCOMPARE(stage.depth, 2);
      for (const auto& e : stage.edges) QVERIFY(e.op == zd::Op::Skip);
    }
    config.train.derive = zd::TrainDerive::Argmax;
    QVERIFY(zd::genotypeToTrain(out, config) == genotype());
  }

  void createTrainRunRefusesAnOccupiedFolder() {
    const auto out = dir_ / "occupied";
    fs::create_directories(out);
    zd::writeFileAtomically(out / "notes.txt", "mine");
    try {
      zd::createTrainRun(demoConfig(out), genotype());
      QFAIL("expected an error");
    } catch (const zd::IoError& e) {
      QVERIFY2(QString(e.what()).contains("occupied"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestTrainRun)
#include "test_train_run.moc"
