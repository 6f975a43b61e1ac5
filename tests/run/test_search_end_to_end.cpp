// A tiny whole search (C=4, N=1, a few hundred images, phase switch at epoch 1):
// its events arrive in order, the run directory is complete, the genotype lies in
// the budget band, and an interrupted-then-resumed run equals an uninterrupted one.
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/data/npz_writer.h"
#include "core/nas/param_count.h"
#include "core/run/budget_from_run.h"
#include "core/run/event_log.h"
#include "core/run/run_directory.h"
#include "core/run/run_search.h"
#include "core/search/search_method.h"
#include "tests/common/event_recorder.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <filesystem>
#include <variant>
#include <unistd.h>  // getpid

namespace fs = std::filesystem;

namespace {

// 3 classes of 28×28 grayscale images that differ in where a bright blob sits.
zd::ImageSet makeImages(int64_t per_class, uint64_t seed) {
  torch::manual_seed(seed);
  const int64_t n = 3 * per_class;
  auto images = torch::randint(0, 60, {n, 1, 28, 28}, torch::kFloat);
  auto labels = torch::arange(n, torch::kLong) % 3;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = labels[i].item<int64_t>();
    images[i][0].narrow(0, 2 + 8 * c, 8).narrow(1, 6, 14) += 150;
  }
  return {images.clamp(0, 255).to(torch::kUInt8), labels};
}

fs::path writeData(const fs::path& dir) {
  zd::Dataset d;
  d.class_names = {"a", "b", "c"};
  d.train = makeImages(60, 1);
  d.val = makeImages(20, 2);
  d.test = makeImages(20, 3);
  const auto path = dir / "tiny.npz";
  zd::writeMedmnistNpz(path, d);
  return path;
}

zd::RunConfig tinyConfig(const fs::path& data, const fs::path& out) {
  zd::RunConfig c;
  c.data.path = data.string();
  c.out = out.string();
  c.threads = 2;
  c.device = "cpu";
  auto& s = c.search;
  s.network.channels = 4;
  s.network.cells = 1;
  s.epochs = 3;
  s.switch_epoch = 1;
  s.batch = 16;
  s.arch.rounds = 2;  // several architecture updates per epoch on 120 images
  s.temperature.every = 1;
  s.budget.preset = zd::BudgetPreset::Small;
  s.budget.scale = 1e3;  // a tiny net's counts are ~10k: make the penalty felt
  s.seed = 3;
  return c;
}

using Recorder = EventRecorder;

}  // namespace

class TestSearchEndToEnd : public QObject {
  Q_OBJECT
  fs::path dir_, data_;

 private slots:
  void initTestCase() {
    dir_ = fs::temp_directory_path() / ("zd_e2e_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = writeData(dir_);
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  void eventsInOrderAndRunDirectoryComplete() {
    Recorder rec;
    zd::StopToken stop;
    const auto config = tinyConfig(data_, dir_ / "full");
    const auto outcome = zd::runSearch(config, rec, stop, /*resume=*/false);
    QVERIFY(!outcome.result.cancelled);
    QCOMPARE(outcome.result.epochs_done, 3);

    // Order: run_started, then per epoch [phase_changed] epoch_started, steps and
    // architecture updates, epoch_finished, checkpoint_written; run_finished last.
    const auto& ev = rec.events;
    QVERIFY(std::holds_alternative<zd::RunStarted>(ev.front()));
    QVERIFY(std::holds_alternative<zd::RunFinished>(ev.back()));
    int epoch = -1, phase_changes = 0;
    bool in_epoch = false;
    for (size_t i = 1; i + 1 < ev.size(); ++i) {
      if (const auto* e = std::get_if<zd::EpochStarted>(&ev[i])) {
        QVERIFY(!in_epoch);
        QCOMPARE(e->epoch, epoch + 1);
        QCOMPARE(e->phase, e->epoch >= 1 ? 2 : 1);
        epoch = e->epoch;
        in_epoch = true;
      } else if (const auto* s = std::get_if<zd::StepProgress>(&ev[i])) {
        QVERIFY(in_epoch);
        QCOMPARE(s->epoch, epoch);
      } else if (std::holds_alternative<zd::ArchitectureUpdated>(ev[i])) {
        QVERIFY(in_epoch);
      } else if (const auto* f = std::get_if<zd::EpochFinished>(&ev[i])) {
        QVERIFY(in_epoch);
        QCOMPARE(f->epoch, epoch);
        in_epoch = false;
      } else if (const auto* p = std::get_if<zd::PhaseChanged>(&ev[i])) {
        QVERIFY(!in_epoch);
        QCOMPARE(p->epoch, 1);
        ++phase_changes;
      } else if (std::holds_alternative<zd::CheckpointWritten>(ev[i])) {
        QVERIFY(!in_epoch);
      } else {
        QFAIL("unexpected event in the middle of the run");
      }
    }
    QCOMPARE(epoch, 2);
    QCOMPARE(phase_changes, 1);
    QVERIFY(rec.all<zd::ArchitectureUpdated>().size() >= 6);
    // Phase 2 distributions carry β and γ; phase 1's do not.
    const auto finished = rec.all<zd::EpochFinished>();
    QVERIFY(finished[0].distributions.beta.empty());
    QCOMPARE(int(finished[2].distributions.beta.size()), 18);
    QCOMPARE(int(finished[2].distributions.gamma.size()), 3);

    // The run directory.
    const auto run = zd::RunDirectory::open(outcome.run_dir);
    QVERIFY(fs::exists(run.checkpointPath()));
    const auto logged = zd::readEventLog(run.eventsPath());
    QCOMPARE(logged.size(), ev.size() - rec.all<zd::StepProgress>().size());
    const auto genotype_json = nlohmann::json::parse(zd::readFile(run.genotypePath()));
    const auto genotype = zd::Genotype::fromJson(genotype_json);
    QVERIFY(genotype == outcome.result.genotype);
    QCOMPARE(genotype_json["params"].get<int64_t>(), zd::exactParams(genotype, 1, 4, 3));
    QCOMPARE(run.readConfig().search.epochs, 3);

    // The derived architecture respects the budget band.
    const auto started = rec.all<zd::RunStarted>().front();
    QVERIFY(started.max_params > 0);
    QVERIFY2(outcome.result.params >= started.min_params && outcome.result.params <= started.max_params,
             qPrintable(QString("%1 params outside [%2, %3]")
                            .arg(outcome.result.params)
                            .arg(started.min_params)
                            .arg(started.max_params)));
    // ... by the in-band derivation, reported with the paper's argmax beside it
    // in the last event and in genotype.json.
    const auto end = std::get<zd::RunFinished>(ev.back());
    QCOMPARE(QString::fromStdString(end.derivation), QString("in-band"));
    QCOMPARE(QString::fromStdString(genotype_json["derivation"].get<std::string>()), QString("in-band"));
    const auto argmax = zd::Genotype::fromJson(genotype_json["argmax"]["genotype"]);
    QVERIFY(argmax == end.argmax_genotype);
    QCOMPARE(genotype_json["argmax"]["params"].get<int64_t>(), zd::exactParams(argmax, 1, 4, 3));
    QCOMPARE(end.argmax_params, zd::exactParams(argmax, 1, 4, 3));
    QCOMPARE(genotype_json["changes"].size(), zd::describeChanges(argmax, genotype).size());
    QCOMPARE(end.changes.empty(), argmax == genotype);
    for (const auto& stage : genotype.stages) QVERIFY(stage.outputConnected());
  }

  // --derive argmax hands back the paper's argmax (when its cells are connected),
  // whatever the band says.
  void argmaxDerivationIsThePapers() {
    Recorder rec;
    zd::StopToken stop;
    auto config = tinyConfig(data_, dir_ / "argmax");
    config.search.derive = zd::DeriveMode::Argmax;
    const auto outcome = zd::runSearch(config, rec, stop, false);
    const zd::Derivation& d = outcome.result.derivation;
    QCOMPARE(QString::fromStdString(d.method), QString("argmax"));
    const bool connected = std::all_of(d.argmax.stages.begin(), d.argmax.stages.end(),
                                       [](const zd::StageGenotype& s) { return s.outputConnected(); });
    if (connected) QVERIFY(d.genotype == d.argmax && d.changes.empty());
  }

  // --budget-from: the reference's bands, percentiles of architectures sampled from
  // an earlier unconstrained run's final distributions; a budgeted run is refused.
  void budgetFromAnEarlierRun() {
    Recorder rec;
    zd::StopToken stop;
    auto free = tinyConfig(data_, dir_ / "free");
    free.search.budget.preset = zd::BudgetPreset::None;
    zd::runSearch(free, rec, stop, false);
    const zd::CountShape shape{1, 4, 3};
    zd::BudgetOptions medium;
    medium.preset = zd::BudgetPreset::Medium;
    const auto band = zd::budgetFromRun(medium, dir_ / "free", shape, 1, 7);
    const auto again = zd::budgetFromRun(medium, dir_ / "free", shape, 1, 7);
    QCOMPARE(band.min, again.min);
    const zd::ParamWindow space = zd::spaceSizeRange(shape, 1);
    QVERIFY(band.min < band.max && band.min >= double(space.min) && band.max <= double(space.max));
    zd::BudgetOptions small;
    small.preset = zd::BudgetPreset::Small;
    QCOMPARE(zd::budgetFromRun(small, dir_ / "free", shape, 1, 7).min,
             double(space.min));  // small starts at the smallest
    // The whole run through the CLI's setting: the band in force is the one computed here.
    Recorder banded;
    auto from = tinyConfig(data_, dir_ / "from-free");
    from.search.budget.preset = zd::BudgetPreset::Medium;
    from.search.budget.from_run = (dir_ / "free").string();
    zd::runSearch(from, banded, stop, false);
    const auto started = banded.all<zd::RunStarted>().front();
    const auto expected = zd::budgetFromRun(medium, dir_ / "free", shape, 1, from.search.seed);
    QCOMPARE(started.min_params, expected.min);
    QCOMPARE(started.max_params, expected.max);
    try {
      zd::budgetFromRun(medium, dir_ / "full", shape, 1, 7);  // itself budgeted (small)
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("budgeted"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(zd::ConfigError, zd::budgetFromRun(medium, dir_ / "free", zd::CountShape{3, 4, 3}, 1, 7));
  }

  // The named baselines do what they claim, seen in a whole run's events: zo-darts
  // (softmax, no annealing, fixed size) never has an exact zero and keeps T = T0
  // and phase 1; zo-darts++ (sparsemax, annealing, size search) anneals, reaches
  // exact zeros and phase 2 with its band; zo-darts+ anneals with sparsemax and never
  // leaves phase 1, so its budget penalty is never applied (λ stays 0).
  void namedMethodsDoWhatTheyClaim() {
    zd::StopToken stop;
    auto zerosOf = [](const Recorder& rec) {
      int64_t zeros = 0;
      for (const auto& e : rec.all<zd::EpochFinished>())
        for (const auto& row : e.distributions.alpha)
          for (double p : row) zeros += p == 0.0;
      return zeros;
    };
    Recorder softmax;
    auto c = tinyConfig(data_, dir_ / "method-zo-darts");
    c.search.temperature.t0 = 0.2;  // cold, as sparsemax would make zeros at once
    zd::applyMethod(zd::Method::ZoDarts, c.search);
    zd::runSearch(c, softmax, stop, false);
    QCOMPARE(zerosOf(softmax), int64_t(0));
    for (const auto& e : softmax.all<zd::EpochStarted>()) {
      QCOMPARE(e.temperature, 0.2);
      QCOMPARE(e.phase, 1);
      QCOMPARE(e.lambda, 0.0);
    }
    Recorder sparse;
    c = tinyConfig(data_, dir_ / "method-zo-darts++");
    c.search.temperature.t0 = 0.2;
    zd::applyMethod(zd::Method::ZoDartsPP, c.search);
    zd::runSearch(c, sparse, stop, false);
    QVERIFY(zerosOf(sparse) > 0);
    const auto started = sparse.all<zd::EpochStarted>();
    QVERIFY(started.back().temperature < started.front().temperature);
    QCOMPARE(started.back().phase, 2);
    QVERIFY(started.back().lambda > 0);
    Recorder fixed;
    c = tinyConfig(data_, dir_ / "method-zo-darts+");
    zd::applyMethod(zd::Method::ZoDartsPlus, c.search);
    zd::runSearch(c, fixed, stop, false);
    QVERIFY(fixed.all<zd::PhaseChanged>().empty());
    for (const auto& e : fixed.all<zd::EpochStarted>()) QCOMPARE(e.lambda, 0.0);
    QVERIFY(fixed.all<zd::EpochStarted>().back().temperature < fixed.all<zd::EpochStarted>().front().temperature);
  }

  // The random method (the control of a study) searches nothing: it draws one
  // architecture inside the band with the search's seed (the same seed, the same
  // draw), writes genotype.json like a search and no checkpoint, and its events
  // are a start and a finish only.
  void randomMethodDrawsInsideTheBand() {
    zd::StopToken stop;
    auto config = tinyConfig(data_, dir_ / "random-a");
    zd::applyMethod(zd::Method::Random, config.search);
    Recorder rec;
    const auto a = zd::runSearch(config, rec, stop, false);
    QCOMPARE(rec.all<zd::RunStarted>().size(), size_t(1));
    QCOMPARE(rec.all<zd::RunFinished>().size(), size_t(1));
    QVERIFY(rec.all<zd::EpochFinished>().empty());
    const auto started = rec.all<zd::RunStarted>().front();
    QVERIFY(started.max_params > 0);
    QVERIFY(double(a.result.params) >= started.min_params && double(a.result.params) <= started.max_params);
    QCOMPARE(a.result.params, zd::exactParams(a.result.genotype, 1, 4, 3));
    QVERIFY(!fs::exists(dir_ / "random-a" / "checkpoint.pt"));
    const auto file = nlohmann::json::parse(zd::readFile(dir_ / "random-a" / "genotype.json"));
    QCOMPARE(QString::fromStdString(file.at("derivation").get<std::string>()), QString("random"));
    QCOMPARE(file.at("params").get<int64_t>(), a.result.params);
    const auto config_file = nlohmann::json::parse(zd::readFile(dir_ / "random-a" / "config.json"));
    QCOMPARE(QString::fromStdString(config_file.at("search").at("method").get<std::string>()), QString("random"));
    Recorder again_rec;
    config.out = (dir_ / "random-b").string();
    QVERIFY(zd::runSearch(config, again_rec, stop, false).result.genotype == a.result.genotype);
  }

  // A band no architecture of the space reaches is refused before any work,
  // naming the space's smallest and largest sizes; no run directory is made.
  void unreachableBandIsRefusedUpFront() {
    Recorder rec;
    zd::StopToken stop;
    auto config = tinyConfig(data_, dir_ / "unreachable");
    const int64_t smallest = zd::fixedParams(1, 4, 3);
    config.search.budget.preset = zd::BudgetPreset::Custom;
    config.search.budget.min_params = double(smallest + 1);  // the cheapest weighted edge has 20 weights
    config.search.budget.max_params = double(smallest + 10);
    try {
      zd::runSearch(config, rec, stop, false);
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(QString::number(smallest)), e.what());
    }
    QVERIFY(!fs::exists(dir_ / "unreachable"));
  }

  void resumedRunEqualsUninterruptedRun() {
    Recorder full;
    zd::StopToken stop_full;
    const auto a = zd::runSearch(tinyConfig(data_, dir_ / "reference"), full, stop_full, false);

    // Interrupt in the middle of epoch 1 (just after the phase switch), then resume.
    Recorder first;
    zd::StopToken stop;
    first.hook = [&stop](const zd::JobEvent& e) {
      if (const auto* s = std::get_if<zd::StepProgress>(&e); s && s->epoch == 1 && s->step == 3)
        stop.cancel.store(true);
    };
    const auto cfg = tinyConfig(data_, dir_ / "interrupted");
    const auto b1 = zd::runSearch(cfg, first, stop, false);
    QVERIFY(b1.result.cancelled);
    // A new run into the same folder is refused: the user must resume it.
    zd::StopToken stop_again;
    Recorder ignored;
    QVERIFY_THROWS_EXCEPTION(zd::Error, zd::runSearch(cfg, ignored, stop_again, false));

    Recorder second;
    zd::StopToken stop2;
    const auto b2 = zd::runSearch(cfg, second, stop2, /*resume=*/true);
    QVERIFY(!b2.result.cancelled);
    QVERIFY(b2.result.genotype == a.result.genotype);
    QCOMPARE(b2.result.params, a.result.params);
    QCOMPARE(second.all<zd::RunStarted>().front().start_epoch, 1);

    const auto fa = full.all<zd::EpochFinished>();
    const auto fb = second.all<zd::EpochFinished>();
    QCOMPARE(fb.size(), size_t(2));  // epochs 1 and 2
    for (size_t i = 0; i < 2; ++i) {
      const auto& x = fa[i + 1];
      const auto& y = fb[i];
      QCOMPARE(y.epoch, x.epoch);
      QCOMPARE(y.train_loss, x.train_loss);
      QCOMPARE(y.train_accuracy, x.train_accuracy);
      QCOMPARE(y.arch_accuracy, x.arch_accuracy);
      QCOMPARE(y.expected_params, x.expected_params);
      QVERIFY(y.distributions.alpha == x.distributions.alpha);
    }
  }

  void badDataIsAClearError() {
    Recorder rec;
    zd::StopToken stop;
    auto config = tinyConfig(dir_ / "missing.npz", dir_ / "bad");
    try {
      zd::runSearch(config, rec, stop, false);
      QFAIL("expected an error");
    } catch (const zd::Error& e) {
      QVERIFY(QString(e.what()).contains("missing.npz"));
    }
  }
};

QTEST_GUILESS_MAIN(TestSearchEndToEnd)
#include "test_search_end_to_end.moc"
