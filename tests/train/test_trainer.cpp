// The Trainer on a tiny net (C=4) and a few hundred tiny images: its events arrive in
// order, the best epoch by validation accuracy is kept, the curves file follows the
// epochs, and a run interrupted mid-epoch and resumed equals an uninterrupted one.
#include "core/common/error.h"
#include "core/train/inference.h"
#include "core/train/curves_csv.h"
#include "core/train/trainer.h"
#include "tests/common/bar_images.h"
#include "tests/common/event_recorder.h"

#include <torch/torch.h>

#include <QtTest>

#include <filesystem>
#include <functional>
#include <variant>
#include <unistd.h>  // getpid

namespace fs = std::filesystem;

namespace {

zd::TrainOptions tinyOptions() {
  zd::TrainOptions o;
  o.epochs = 2;
  o.batch = 16;
  o.channels = 4;
  o.warmup_epochs = 1;
  o.augment.resize = 0;  // keep 16×16
  o.augment.crop_padding = 2;
  o.seed = 5;
  return o;
}

using Recorder = EventRecorder;

}  // namespace

class TestTrainer : public QObject {
  Q_OBJECT
  fs::path dir_;
  zd::TrainData data_;

 private slots:
  void initTestCase() {
    torch::set_num_threads(2);
    dir_ = fs::temp_directory_path() / ("zd_trainer_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_.train = barImages(40, 1);
    data_.val = barImages(10, 2);
    data_.classes = 3;
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  void eventsBestEpochAndCurves() {
    auto o = tinyOptions();
    o.epochs = 3;
    Recorder rec;
    zd::StopToken stop;
    zd::Trainer trainer(o, barGenotype(), torch::kCPU, dir_ / "events.pt", dir_ / "curves.csv");
    auto r = trainer.run(data_, rec, stop, false);
    QVERIFY(!r.cancelled);
    QCOMPARE(r.epochs_done, 3);
    QVERIFY(std::holds_alternative<zd::TrainStarted>(rec.events.front()));
    QVERIFY(std::holds_alternative<zd::TrainFinished>(rec.events.back()));
    const auto started = rec.all<zd::TrainStarted>().front();
    QCOMPARE(started.steps_per_epoch, 8);  // 120 images / 16, rounded up
    QCOMPARE(started.params, zd::countParameters(*r.network));
    QCOMPARE(rec.all<zd::TrainStepProgress>().size(), size_t(3 * 8));
    QCOMPARE(rec.all<zd::TrainCheckpointWritten>().size(), size_t(3));
    const auto epochs = rec.all<zd::TrainEpochFinished>();
    QCOMPARE(epochs.size(), size_t(3));
    // The kept epoch is the first with the highest validation accuracy.
    int best = 0;
    for (int e = 1; e < 3; ++e)
      if (epochs[e].val_accuracy > epochs[best].val_accuracy) best = e;
    QCOMPARE(r.best_epoch, best);
    QCOMPARE(r.best_val_accuracy, epochs[best].val_accuracy);
    QCOMPARE(epochs.back().best_epoch, best);
    // The returned network holds that epoch's weights: it scores that accuracy again.
    const auto v = zd::evaluateLogits(zd::predictLogits(r.network, data_.val.images, 32, torch::kCPU),
                                      data_.val.labels);
    QCOMPARE(v.accuracy, epochs[best].val_accuracy);
    // The lr follows the schedule: warm-up epoch 0 at 1 %, then the cosine from the peak.
    QCOMPARE(epochs[0].lr, 0.001);
    QCOMPARE(epochs[1].lr, 0.1);
    // The curves file holds every epoch, read back exactly.
    const auto curves = zd::readCurvesCsv(dir_ / "curves.csv");
    QCOMPARE(curves.size(), size_t(3));
    for (size_t i = 0; i < 3; ++i) {
      QCOMPARE(curves[i].epoch, epochs[i].epoch);
      QCOMPARE(curves[i].train_loss, epochs[i].train_loss);
      QCOMPARE(curves[i].val_accuracy, epochs[i].val_accuracy);
      QCOMPARE(curves[i].best_epoch, epochs[i].best_epoch);
    }
  }

  void resumedRunEqualsUninterruptedRun() {
    const auto o = tinyOptions();
    Recorder full;
    zd::StopToken stop_full;
    const auto a = zd::Trainer(o, barGenotype(), torch::kCPU, dir_ / "full.pt").run(data_, full, stop_full, false);

    // Cancel in the middle of epoch 1, then resume from the checkpoint that wrote.
    Recorder first;
    zd::StopToken stop;
    first.hook = [&stop](const zd::JobEvent& e) {
      if (const auto* s = std::get_if<zd::TrainStepProgress>(&e); s && s->epoch == 1 && s->step == 3)
        stop.cancel.store(true);
    };
    const auto b1 = zd::Trainer(o, barGenotype(), torch::kCPU, dir_ / "cut.pt").run(data_, first, stop, false);
    QVERIFY(b1.cancelled);
    QCOMPARE(b1.epochs_done, 1);
    Recorder second;
    zd::StopToken stop2;
    const auto b2 = zd::Trainer(o, barGenotype(), torch::kCPU, dir_ / "cut.pt").run(data_, second, stop2, true);
    QVERIFY(!b2.cancelled);
    QCOMPARE(second.all<zd::TrainStarted>().front().start_epoch, 1);
    QCOMPARE(second.all<zd::TrainStepProgress>().front().step, 4);  // continues after step 3

    QCOMPARE(b2.curves.size(), a.curves.size());
    for (size_t i = 0; i < a.curves.size(); ++i) {
      QCOMPARE(b2.curves[i].train_loss, a.curves[i].train_loss);
      QCOMPARE(b2.curves[i].train_accuracy, a.curves[i].train_accuracy);
      QCOMPARE(b2.curves[i].val_loss, a.curves[i].val_loss);
      QCOMPARE(b2.curves[i].val_accuracy, a.curves[i].val_accuracy);
    }
    QCOMPARE(b2.best_epoch, a.best_epoch);
    const auto pa = a.network->parameters();
    const auto pb = b2.network->parameters();
    for (size_t i = 0; i < pa.size(); ++i) QVERIFY(torch::equal(pa[i], pb[i]));
    const auto ba = a.network->buffers();
    const auto bb = b2.network->buffers();
    for (size_t i = 0; i < ba.size(); ++i) QVERIFY(torch::equal(ba[i], bb[i]));
  }

  void resumeChecksItsCheckpoint() {
    Recorder rec;
    zd::StopToken stop;
    // No checkpoint.
    try {
      zd::Trainer(tinyOptions(), barGenotype(), torch::kCPU, dir_ / "none.pt").run(data_, rec, stop, true);
      QFAIL("expected an error");
    } catch (const zd::IoError& e) {
      QVERIFY2(QString(e.what()).contains("none.pt"), e.what());
    }
    QVERIFY(std::holds_alternative<zd::TrainFailed>(rec.events.back()));
    // A checkpoint of another genotype.
    auto other = barGenotype();
    other.stages[0].edges[0].kernel = 7;
    try {
      zd::Trainer(tinyOptions(), other, torch::kCPU, dir_ / "full.pt").run(data_, rec, stop, true);
      QFAIL("expected an error");
    } catch (const zd::IoError& e) {
      QVERIFY2(QString(e.what()).contains("full.pt") && QString(e.what()).contains("genotype"), e.what());
    }
  }

  void badDataIsAClearError() {
    Recorder rec;
    zd::StopToken stop;
    zd::TrainData empty;
    empty.classes = 3;
    try {
      zd::Trainer(tinyOptions(), barGenotype(), torch::kCPU, {}).run(empty, rec, stop, false);
      QFAIL("expected an error");
    } catch (const zd::DataError& e) {
      QVERIFY2(QString(e.what()).contains("train split"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
