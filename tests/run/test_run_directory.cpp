#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/run/run_directory.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <unistd.h>  // getpid

namespace fs = std::filesystem;

class TestRunDirectory : public QObject {
  Q_OBJECT
 private:
  fs::path dir_;

  static zd::RunConfig sampleConfig() {
    zd::RunConfig config;
    config.data.path = "pathmnist.npz";
    config.search.epochs = 12;
    config.search.switch_epoch = 6;
    return config;
  }

  template <class F>
  static QString ioErrorOf(F&& f) {
    try {
      f();
    } catch (const zd::IoError& e) {
      return QString::fromStdString(e.what());
    }
    return {};
  }

 private slots:
  void init() {
    dir_ = fs::temp_directory_path() / ("zd_run_dir_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void cleanup() { fs::remove_all(dir_); }

  void createMakesParentsAndNamesFiles() {
    const fs::path path = dir_ / "runs" / "a";
    const auto run = zd::RunDirectory::create(path);
    QVERIFY(fs::is_directory(path));
    QCOMPARE(run.path(), path);
    QCOMPARE(run.configPath(), path / "config.json");
    QCOMPARE(run.eventsPath(), path / "events.jsonl");
    QCOMPARE(run.checkpointPath(), path / "checkpoint.pt");
    QCOMPARE(run.genotypePath(), path / "genotype.json");
    QCOMPARE(run.reportPath(), path / "report.md");
    QCOMPARE(run.modelPath(), path / "model.pt");
    QCOMPARE(run.onnxPath(), path / "model.onnx");
    QVERIFY(!zd::RunDirectory::isRunDirectory(path));  // no config.json yet
  }

  void createAcceptsEmptyFolderAndExistingRun() {
    const fs::path empty = dir_ / "empty";
    fs::create_directories(empty);
    zd::RunDirectory::create(empty).writeConfig(sampleConfig());
    // Now a run folder: creating it again is the resume case.
    const auto again = zd::RunDirectory::create(empty);
    QVERIFY(zd::RunDirectory::isRunDirectory(again.path()));
  }

  void createRefusesForeignFolder() {
    const fs::path foreign = dir_ / "photos";
    fs::create_directories(foreign);
    std::ofstream(foreign / "holiday.jpg") << "x";
    const QString message = ioErrorOf([&] { zd::RunDirectory::create(foreign); });
    QVERIFY2(message.contains("not a run folder (no config.json)"), qPrintable(message));
    QVERIFY(message.contains(QString::fromStdString(foreign.string())));
    QVERIFY(fs::exists(foreign / "holiday.jpg"));
  }

  void createRefusesAFile() {
    const fs::path file = dir_ / "run.txt";
    std::ofstream(file) << "x";
    const QString message = ioErrorOf([&] { zd::RunDirectory::create(file); });
    QVERIFY2(message.contains("is not a folder"), qPrintable(message));
  }

  void openNeedsConfig() {
    const QString message = ioErrorOf([&] { zd::RunDirectory::open(dir_); });
    QCOMPARE(message, QString::fromStdString(dir_.string() + " is not a run directory (no config.json)"));
  }

  void configRoundTripsPrettyAndAtomic() {
    const auto run = zd::RunDirectory::create(dir_ / "r");
    run.writeConfig(sampleConfig());
    const std::string text = zd::readFile(run.configPath());
    QVERIFY(text.find("\n  \"search\": {") != std::string::npos);  // indented, one key a line
    const auto opened = zd::RunDirectory::open(dir_ / "r");
    QCOMPARE(zd::toJson(opened.readConfig()), zd::toJson(sampleConfig()));
    int files = 0;
    for (const auto& e : fs::directory_iterator(run.path())) {
      (void)e;
      ++files;
    }
    QCOMPARE(files, 1);  // no temporary left behind
  }

  void badConfigNamesTheFile_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not JSON") << "{\"search\": "
                              << "not valid JSON";
    QTest::newRow("bad value") << R"({"data": {"path": "a.npz"}, "search": {"epochs": 0}})"
                               << "config key 'search.epochs': must be at least 1, got 0";
  }
  void badConfigNamesTheFile() {
    QFETCH(QString, text);
    QFETCH(QString, reason);
    const auto run = zd::RunDirectory::create(dir_ / "r");
    zd::writeFileAtomically(run.configPath(), text.toStdString());
    try {
      run.readConfig();
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      const QString message = e.what();
      QVERIFY2(message.startsWith(QString::fromStdString(run.configPath().string() + ": ")), qPrintable(message));
      QVERIFY2(message.contains(reason), qPrintable(message));
    }
  }

  void writeJsonWritesPlainNamesOnly() {
    const auto run = zd::RunDirectory::create(dir_ / "r");
    run.writeJson("genotype.json", nlohmann::json{{"params", 807266}});
    const auto written = nlohmann::json::parse(zd::readFile(run.genotypePath()));
    QCOMPARE(written.at("params").get<int>(), 807266);
    QVERIFY_THROWS_EXCEPTION(zd::IoError, run.writeJson("../escape.json", nlohmann::json{}));
    QVERIFY_THROWS_EXCEPTION(zd::IoError, run.writeJson("", nlohmann::json{}));
  }

  void defaultRunNameHasDateAndTime() {
    const QString name = QString::fromStdString(zd::defaultRunName());
    QVERIFY2(QRegularExpression("^run-\\d{8}-\\d{6}$").match(name).hasMatch(), qPrintable(name));
  }
};

QTEST_GUILESS_MAIN(TestRunDirectory)
#include "test_run_directory.moc"
