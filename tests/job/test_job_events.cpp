#include "core/common/error.h"
#include "core/job/job_events.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

Q_DECLARE_METATYPE(zd::JobEvent)

using nlohmann::json;

namespace {

// A genotype drawn from the space, different for each seed.
zd::Genotype someGenotype(int seed) {
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  return zd::Genotype::random(rng, 3);
}

// Awkward doubles on purpose: they must survive the trip through text bit for bit.
zd::ArchDistributions distributions() {
  zd::ArchDistributions d;
  d.alpha = {{0.1, 0.2, 0.3, 0.4, 0.0}, {1.0 / 3.0, 2.0 / 3.0, 0, 0, 0}};
  d.beta = {{1e-300, 0.5, 0.5 - 1e-300}};
  d.gamma = {{0.0, 0.0, 1.0}};
  return d;
}

json throughText(const json& j) { return json::parse(j.dump()); }

QString dataErrorFor(const json& j) {
  try {
    zd::eventFromJson(j);
  } catch (const zd::DataError& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class TestJobEvents : public QObject {
  Q_OBJECT

 private slots:
  void roundTrip_data() {
    QTest::addColumn<zd::JobEvent>("event");
    QTest::addColumn<QString>("name");

    zd::RunStarted started;
    started.device = "CPU (2 threads)";
    started.weight_images = 6000000000LL;  // beyond 32 bits
    started.arch_images = 12345;
    started.classes = 11;
    started.channels = 3;
    started.epochs = 50;
    started.steps_per_epoch = 49;
    started.start_epoch = 7;
    started.min_params = 227000;
    started.max_params = 330000.5;
    started.supernet_params = 4914930;
    QTest::newRow("run_started") << zd::JobEvent(started) << "run_started";

    const double t = 1.5 * 0.75 * 0.75 * 0.75 * 0.75;
    QTest::newRow("epoch_started") << zd::JobEvent(zd::EpochStarted{21, 2, t, 0.0731, 15 / t}) << "epoch_started";
    QTest::newRow("step_progress") << zd::JobEvent(zd::StepProgress{3, 17, 49, 2.302585092994046}) << "step_progress";

    zd::ArchitectureUpdated updated;
    updated.epoch = 22;
    updated.update = 1234567890123LL;
    updated.distributions = distributions();
    updated.expected_params = 807266.25;
    updated.penalty = 0.123456789012345678;
    updated.arch_loss = 0.6931471805599453;
    QTest::newRow("architecture_updated") << zd::JobEvent(updated) << "architecture_updated";

    QTest::newRow("phase_changed") << zd::JobEvent(zd::PhaseChanged{20, 2}) << "phase_changed";

    zd::EpochFinished finished;
    finished.epoch = 49;
    finished.phase = 2;
    finished.train_loss = 0.25;
    finished.train_accuracy = 0.9171875;
    finished.arch_loss = 0.31;
    finished.arch_accuracy = 0.88;
    finished.genotype = someGenotype(1);
    finished.depths = {1, 2, 3};
    finished.derived_params = 807266;
    finished.expected_params = 807266.0000001;
    finished.seconds = 12.75;
    finished.distributions = distributions();
    QTest::newRow("epoch_finished") << zd::JobEvent(finished) << "epoch_finished";

    QTest::newRow("checkpoint_written") << zd::JobEvent(zd::CheckpointWritten{9,
                                                                              "runs/run-20250101-120000/checkpoint.pt"})
                                        << "checkpoint_written";
    QTest::newRow("run_finished") << zd::JobEvent(zd::RunFinished{
                                         someGenotype(2), 1500000, 3600.5, true, {}, 0, {}, {}})
                                  << "run_finished";
    QTest::newRow("run_finished, in-band")
        << zd::JobEvent(zd::RunFinished{someGenotype(3),
                                        75700,
                                        180.5,
                                        false,
                                        someGenotype(4),
                                        121300,
                                        "in-band",
                                        {"stage 1, edge 1<-0: nor_conv_7x7 -> skip_connect"}})
        << "run_finished";
    QTest::newRow("run_failed") << zd::JobEvent(zd::RunFailed{"file \"a.npz\": key 'train_images' missing\n"})
                                << "run_failed";
    QTest::newRow("train_started") << zd::JobEvent(zd::TrainStarted{"CUDA:0", someGenotype(5), 807266, 2100, 300, 6, 1,
                                                                    300, 17, 42})
                                   << "train_started";
    QTest::newRow("train_epoch_finished")
        << zd::JobEvent(zd::TrainEpochFinished{41, 0.0987654321, 0.75, 0.6171875, 0.5, 0.83, 40, 0.85, 3.25})
        << "train_epoch_finished";
    QTest::newRow("train_finished") << zd::JobEvent(zd::TrainFinished{40, 0.85, 300, 7200.5, false})
                                    << "train_finished";
    QTest::newRow("train_step_progress") << zd::JobEvent(zd::TrainStepProgress{7, 3, 17, 1.0986122886681098})
                                         << "train_step_progress";
    QTest::newRow("train_checkpoint_written")
        << zd::JobEvent(zd::TrainCheckpointWritten{12, "runs/r/train_checkpoint.pt"}) << "train_checkpoint_written";
    QTest::newRow("train_failed") << zd::JobEvent(zd::TrainFailed{"out of memory"}) << "train_failed";
    QTest::newRow("empty matrices (phase 1)") << zd::JobEvent(zd::ArchitectureUpdated{}) << "architecture_updated";
  }
  void roundTrip() {
    QFETCH(zd::JobEvent, event);
    QFETCH(QString, name);
    QCOMPARE(QString::fromStdString(zd::eventName(event)), name);
    const json j = zd::toJson(event);
    QCOMPARE(QString::fromStdString(j.at("event").get<std::string>()), name);
    const zd::JobEvent back = zd::eventFromJson(throughText(j));
    QCOMPARE(back.index(), event.index());
    // json compares doubles exactly, so equal documents mean every field came back.
    QCOMPARE(zd::toJson(back), j);
    // The retraining's events, and only they, are named train_*.
    QCOMPARE(zd::isTrainingEvent(event), name.startsWith("train_"));
  }

  void fieldsAreNamedAndMatricesNested() {
    zd::EpochFinished finished;
    finished.distributions = distributions();
    const json j = zd::toJson(finished);
    QCOMPARE(j.at("train_loss").get<double>(), 0.0);
    QCOMPARE(j.at("depths"), json::array());
    QVERIFY(j.at("distributions").at("alpha").is_array());
    QCOMPARE(j.at("distributions").at("alpha").at(1).at(0).get<double>(), 1.0 / 3.0);
    QCOMPARE(j.at("distributions").at("gamma"), json::parse("[[0.0, 0.0, 1.0]]"));
  }

  // Logs written before the in-band derivation lack its fields: they still replay,
  // with the fields at their defaults.
  void olderLogsWithoutDerivationFieldsReplay() {
    auto older = json::parse(R"({"event": "run_finished", "params": 10, "seconds": 1.0, "cancelled": false})");
    older["genotype"] = someGenotype(6).toString();
    const auto finished = std::get<zd::RunFinished>(zd::eventFromJson(older));
    QCOMPARE(finished.params, int64_t(10));
    QVERIFY(finished.argmax_genotype.empty() && finished.derivation.empty() && finished.changes.empty());
    // Present but ill-typed is still an error.
    QCOMPARE(dataErrorFor(json::parse(R"({"event": "run_finished", "genotype": "", "params": 10, "seconds": 1.0,
                                          "cancelled": false, "changes": [3]})")),
             QString("event 'run_finished', field 'changes': expected a string, got 3"));
  }

  // A diverged loss is NaN; JSON writes it as null, and it reads back as NaN.
  void nanSurvivesAsNull() {
    zd::StepProgress step;
    step.loss = std::numeric_limits<double>::quiet_NaN();
    const json text = throughText(zd::toJson(step));
    QVERIFY(text.at("loss").is_null());
    const auto back = std::get<zd::StepProgress>(zd::eventFromJson(text));
    QVERIFY(std::isnan(back.loss));
  }

  void badEventNamesTheField_data() {
    QTest::addColumn<QString>("doc");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing field") << R"({"event": "phase_changed", "epoch": 3})"
                                   << "event 'phase_changed', field 'phase': missing";
    QTest::newRow("ill-typed field") << R"({"event": "phase_changed", "epoch": "3", "phase": 2})"
                                     << R"(event 'phase_changed', field 'epoch': expected an integer, got "3")";
    QTest::newRow("fraction for an integer") << R"({"event": "phase_changed", "epoch": 3.5, "phase": 2})"
                                             << "event 'phase_changed', field 'epoch': expected an integer, got 3.5";
    QTest::newRow("matrix cell")
        << R"({"event": "architecture_updated", "epoch": 1, "update": 1, "expected_params": 1,
              "penalty": 0, "arch_loss": 1,
              "distributions": {"alpha": [[0.5, "x"]], "beta": [], "gamma": []}})"
        << R"(event 'architecture_updated', field 'distributions.alpha': expected a number, got "x")";
    QTest::newRow("matrix part missing")
        << R"({"event": "architecture_updated", "epoch": 1, "update": 1, "expected_params": 1,
              "penalty": 0, "arch_loss": 1, "distributions": {"alpha": [], "beta": []}})"
        << "event 'architecture_updated', field 'distributions.gamma': missing";
    QTest::newRow("unknown type") << R"({"event": "coffee_break"})"
                                  << "unknown event type 'coffee_break'";
    QTest::newRow("no type") << R"({"epoch": 3})"
                             << R"(an event needs its type in the field 'event' (e.g. "epoch_finished"))";
    QTest::newRow("not an object") << "[1, 2]"
                                   << "an event must be a JSON object ({...})";
  }
  void badEventNamesTheField() {
    QFETCH(QString, doc);
    QFETCH(QString, message);
    QCOMPARE(dataErrorFor(json::parse(doc.toStdString())), message);
  }
};

QTEST_GUILESS_MAIN(TestJobEvents)
#include "test_job_events.moc"
