#include "app/cli_search_options.h"
#include "core/search/search_method.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/run/run_directory.h"

#include <CLI/CLI.hpp>

#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <unistd.h>  // getpid

namespace fs = std::filesystem;

namespace {

// `zodarts search ARGS...` parsed; the SearchCli stays put because the options point at it.
struct Parsed {
  CLI::App app{"zodarts"};
  CLI::App* search = nullptr;
  zd::SearchCli cli;

  zd::RunConfig resolve() const { return zd::resolveSearchConfig(cli, *search); }
};

std::unique_ptr<Parsed> parse(std::vector<std::string> args) {
  auto parsed = std::make_unique<Parsed>();
  parsed->search = parsed->app.add_subcommand("search", "search an architecture");
  zd::addSearchFlags(*parsed->search, parsed->cli);
  args.insert(args.begin(), "search");
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  parsed->app.parse(args);
  return parsed;
}

QString configErrorOf(const Parsed& parsed) {
  try {
    parsed.resolve();
  } catch (const zd::ConfigError& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class TestCliSearchOptions : public QObject {
  Q_OBJECT
 private:
  fs::path dir_;

  std::string writeConfig(const std::string& json) {
    const fs::path file = dir_ / "settings.json";
    zd::writeFileAtomically(file, json);
    return file.string();
  }

 private slots:
  // --method sets its switches over the file's; switch flags given with it override
  // it and are refused when they contradict it.
  void methodFlag() {
    const std::string file = writeConfig(R"({"search": {"distribution": "sparsemax", "size_search": true}})");
    const auto v1 = parse({"--data", "a.npz", "--config", file, "--method", "darts-v1"})->resolve();
    QCOMPARE(v1.search.arch.estimator, zd::Estimator::Darts1);
    QCOMPARE(v1.search.distribution, zd::Distribution::Softmax);
    QVERIFY(!v1.search.size_search && !v1.search.temperature.anneal);
    QCOMPARE(configErrorOf(*parse({"--data", "a.npz", "--method", "zo-darts++", "--softmax"})),
             QString("--method: config key 'search.method': \"zo-darts++\" means search.distribution \"sparsemax\", "
                     "got \"softmax\": change one of them, or set search.method \"custom\" for an ablation"));
    // No --method: the switches name it, over a file that names another.
    const auto named = [](const zd::RunConfig& c) { return zd::methodOf(c.search); };
    QCOMPARE(named(parse({"--data", "a.npz", "--softmax", "--no-anneal", "--no-size-search"})->resolve()),
             zd::Method::ZoDarts);
    QCOMPARE(named(parse({"--data", "a.npz", "--estimator", "darts2"})->resolve()), zd::Method::Custom);
    const std::string v2 = writeConfig(R"({"search": {"method": "darts-v2"}})");
    QCOMPARE(named(parse({"--data", "a.npz", "--config", v2, "--estimator", "darts1"})->resolve()),
             zd::Method::DartsV1);
  }

  void init() {
    dir_ = fs::temp_directory_path() / ("zd_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void cleanup() { fs::remove_all(dir_); }

  void defaultsWithoutFlags() {
    const auto parsed = parse({"--data", "a.npz"});
    zd::RunConfig expected;
    expected.data.path = "a.npz";
    QCOMPARE(zd::toJson(parsed->resolve()), zd::toJson(expected));
  }

  void helpShowsDefaults() {
    const auto parsed = parse({"--data", "a.npz"});
    const QString help = QString::fromStdString(parsed->search->help());
    for (const char* shown : {"--epochs INT=50", "--switch-epoch INT=20", "--channels INT=16", "--t0 FLOAT=1.5",
                              "--lr-min FLOAT=0.001", "--device TEXT=auto", "--rounds INT=10", "--lambda0 FLOAT=15"})
      QVERIFY2(help.contains(shown), qPrintable(shown + QString(" missing from:\n") + help));
  }

  void flagsSetTheirFields() {
    const auto parsed = parse({"--data",
                               "a.npz",
                               "--epochs",
                               "10",
                               "--switch-epoch",
                               "4",
                               "--channels",
                               "8",
                               "--cells",
                               "2",
                               "--batch",
                               "64",
                               "--seed",
                               "7",
                               "--device",
                               "cpu",
                               "--threads",
                               "2",
                               "--t0",
                               "2",
                               "--t-decay",
                               "0.5",
                               "--t-every",
                               "3",
                               "--no-anneal",
                               "--lr",
                               "0.05",
                               "--lr-min",
                               "0.0005",
                               "--arch-lr",
                               "0.01",
                               "--rounds",
                               "5",
                               "--mu-scale",
                               "0.01",
                               "--lambda0",
                               "10",
                               "--softmax",
                               "--no-size-search",
                               "--no-skip",
                               "--no-flip",
                               "--resize",
                               "0",
                               "--crop-padding",
                               "2",
                               "--arch-fraction",
                               "0.3",
                               "--checkpoint-every",
                               "0",
                               "--estimator",
                               "darts1",
                               "--precision",
                               "bf16",
                               "--no-cudnn-benchmark",
                               "--out",
                               "runs/x"});
    const zd::RunConfig c = parsed->resolve();
    const zd::SearchOptions& s = c.search;
    QCOMPARE(s.epochs, 10);
    QCOMPARE(s.switch_epoch, 4);
    QCOMPARE(s.network.channels, 8);
    QCOMPARE(s.network.cells, 2);
    QCOMPARE(s.batch, 64);
    QCOMPARE(s.seed, uint64_t(7));
    QCOMPARE(c.device, std::string("cpu"));
    QCOMPARE(c.threads, 2);
    QCOMPARE(s.temperature.t0, 2.0);
    QCOMPARE(s.temperature.decay, 0.5);
    QCOMPARE(s.temperature.every, 3);
    QCOMPARE(s.temperature.anneal, false);
    QCOMPARE(s.weights.lr, 0.05);
    QCOMPARE(s.weights.lr_min, 0.0005);
    QCOMPARE(s.arch.lr, 0.01);
    QCOMPARE(s.arch.rounds, 5);
    QCOMPARE(s.arch.mu_scale, 0.01);
    QCOMPARE(std::string(zd::nameOf(s.arch.estimator)), std::string("darts1"));
    QCOMPARE(s.budget.lambda0, 10.0);
    QVERIFY(s.distribution == zd::Distribution::Softmax);
    QCOMPARE(s.size_search, false);
    QCOMPARE(s.skip_zero_ops, false);
    QCOMPARE(s.augment.flip, false);
    QCOMPARE(s.augment.resize, 0);
    QCOMPARE(s.augment.crop_padding, 2);
    QCOMPARE(c.data.arch_fraction, 0.3);
    QCOMPARE(s.checkpoint_every, 0);
    QCOMPARE(std::string(zd::nameOf(s.precision)), std::string("bf16"));
    QCOMPARE(c.cudnn_benchmark, false);
    QCOMPARE(c.out, std::string("runs/x"));
  }

  // defaults < --config file < flags; a flag wins even when it repeats the default.
  void precedence() {
    const std::string file = writeConfig(
        R"({"data": {"path": "file.npz"}, "search": {"epochs": 30, "batch": 64,
            "network": {"channels": 8}, "augment": {"flip": false}}})");
    const auto parsed = parse({"--config", file, "--epochs", "40", "--batch", "256"});
    const zd::RunConfig c = parsed->resolve();
    QCOMPARE(c.search.epochs, 40);                   // flag over file
    QCOMPARE(c.search.batch, 256);                   // flag equal to the default still wins
    QCOMPARE(c.search.network.channels, 8);          // file over default
    QCOMPARE(c.search.augment.flip, false);          // file, no flag given
    QCOMPARE(c.data.path, std::string("file.npz"));  // file
    QCOMPARE(c.search.switch_epoch, 20);             // default
  }

  void budgetValues_data() {
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("preset");
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("max");
    QTest::newRow("small") << "small"
                           << "small" << 0.0 << 0.0;
    QTest::newRow("none") << "none"
                          << "none" << 0.0 << 0.0;
    QTest::newRow("k suffix") << "100k:300k"
                              << "custom" << 100000.0 << 300000.0;
    QTest::newRow("M suffix") << "1.5M:2M"
                              << "custom" << 1500000.0 << 2000000.0;
    QTest::newRow("plain counts") << "135000:200000"
                                  << "custom" << 135000.0 << 200000.0;
    QTest::newRow("zero lower bound") << "0:176k"
                                      << "custom" << 0.0 << 176000.0;
  }
  void budgetValues() {
    QFETCH(QString, value);
    QFETCH(QString, preset);
    QFETCH(double, min);
    QFETCH(double, max);
    const auto parsed = parse({"--data", "a.npz", "--budget", value.toStdString()});
    const zd::RunConfig c = parsed->resolve();
    QCOMPARE(QString::fromLatin1(zd::nameOf(c.search.budget.preset)), preset);
    QCOMPARE(c.search.budget.min_params, min);
    QCOMPARE(c.search.budget.max_params, max);
  }

  void badBudgetRejected_data() {
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("reason");
    QTest::newRow("unknown preset") << "huge"
                                    << "expected none, small, medium, large or MIN:MAX";
    QTest::newRow("custom without band") << "custom"
                                         << "expected none, small";
    QTest::newRow("reversed") << "300k:100k"
                              << "MIN must be below MAX";
    QTest::newRow("equal") << "1M:1M"
                           << "MIN must be below MAX";
    QTest::newRow("three parts") << "1:2:3"
                                 << "must be parameter counts";
    QTest::newRow("negative") << "-1:5"
                              << "must be parameter counts";
    QTest::newRow("suffix only") << "k:5"
                                 << "must be parameter counts";
    QTest::newRow("lower-case m") << "1.5m:2M"
                                  << "must be parameter counts";
    QTest::newRow("empty max") << "5:"
                               << "must be parameter counts";
    QTest::newRow("two dots") << "1.2.3:5"
                              << "must be parameter counts";
  }
  void badBudgetRejected() {
    QFETCH(QString, value);
    QFETCH(QString, reason);
    zd::BudgetOptions budget;
    try {
      zd::applyBudgetFlag(value.toStdString(), budget);
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      const QString message = e.what();
      QVERIFY2(message.startsWith("--budget: ") && message.contains(reason), qPrintable(message));
    }
    QCOMPARE(std::string(zd::nameOf(budget.preset)), std::string("none"));  // untouched
    // The parser refuses it too, before anything runs.
    QVERIFY_THROWS_EXCEPTION(CLI::ValidationError, parse({"--data", "a.npz", "--budget", value.toStdString()}));
  }

  void budgetFlagOverridesFileBand() {
    const std::string file = writeConfig(
        R"({"data": {"path": "a.npz"},
            "search": {"budget": {"preset": "custom", "min_params": 1, "max_params": 2}}})");
    const zd::RunConfig c = parse({"--config", file, "--budget", "medium"})->resolve();
    QCOMPARE(std::string(zd::nameOf(c.search.budget.preset)), std::string("medium"));
    QCOMPARE(c.search.budget.max_params, 0.0);  // the preset's band is computed later
  }

  void errorsNameTheirSource_data() {
    QTest::addColumn<QString>("file");  // "" = no --config
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad flag value") << "" << QStringList{"--data", "a.npz", "--epochs", "0"}
                                    << "--epochs: config key 'search.epochs': must be at least 1, got 0";
    QTest::newRow("bad device flag")
        << "" << QStringList{"--data", "a.npz", "--device", "gpu0"}
        << "--device: config key 'device': must be auto, cpu, cuda or cuda:N (N = GPU number), "
           "got \"gpu0\"";
    QTest::newRow("no data") << "" << QStringList{} << "data.path is empty: give the data set with --data PATH";
    QTest::newRow("unknown key in file") << R"({"search": {"epohcs": 10}})" << QStringList{"--data", "a.npz"}
                                         << "FILE: config key 'search.epohcs': unknown (did you mean 'search.epochs'?)";
    QTest::newRow("file not JSON") << "{\"search\": " << QStringList{"--data", "a.npz"}
                                   << "FILE: not valid JSON (error near byte 12)";
    QTest::newRow("flag cannot hide a bad group")
        << R"({"search": 5})" << QStringList{"--data", "a.npz", "--epochs", "10"}
        << "FILE: config key 'search': expected an object, got 5";
  }
  void errorsNameTheirSource() {
    QFETCH(QString, file);
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    std::vector<std::string> argv;
    QString expected = message;
    if (!file.isEmpty()) {
      const std::string path = writeConfig(file.toStdString());
      argv = {"--config", path};
      expected.replace("FILE", QString::fromStdString(path));
    }
    for (const QString& a : args) argv.push_back(a.toStdString());
    QCOMPARE(configErrorOf(*parse(argv)), expected);
  }

  void resumeStartsFromTheRunsConfig() {
    const fs::path run_path = dir_ / "runs" / "r1";
    zd::RunConfig stored;
    stored.data.path = "stored.npz";
    stored.search.network.channels = 8;
    stored.out = "somewhere/else";
    zd::RunDirectory::create(run_path).writeConfig(stored);

    const zd::RunConfig c = parse({"--resume", run_path.string(), "--epochs", "80"})->resolve();
    QCOMPARE(c.search.epochs, 80);           // flag
    QCOMPARE(c.search.network.channels, 8);  // the run's config
    QCOMPARE(c.data.path, std::string("stored.npz"));
    QCOMPARE(c.out, run_path.string());  // stays in its folder
  }

  void resumeConflicts_data() {
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("message");
    QTest::newRow("--config") << QStringList{"--config", "x.json"} << "--config and --resume cannot be combined";
    QTest::newRow("--out") << QStringList{"--out", "runs/new"} << "--out and --resume cannot be combined";
  }
  void resumeConflicts() {
    QFETCH(QStringList, extra);
    QFETCH(QString, message);
    std::vector<std::string> argv = {"--resume", (dir_ / "r").string()};
    for (const QString& a : extra) argv.push_back(a.toStdString());
    QVERIFY(configErrorOf(*parse(argv)).startsWith(message));
  }

  void resumeOfANonRunIsAnIoError() {
    QVERIFY_THROWS_EXCEPTION(zd::IoError, parse({"--resume", dir_.string()})->resolve());
  }
};

QTEST_GUILESS_MAIN(TestCliSearchOptions)
#include "test_cli_search_options.moc"
