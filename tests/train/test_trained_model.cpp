// The trained model in a run directory: the model card's JSON round trip and its
// messages, and a save/load round trip that gives identical eval-mode outputs.
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/train/trained_model.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <filesystem>
#include <unistd.h>  // getpid

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Every op, every kernel size, a disconnected stage-3 cell, depths 1..3.
zd::Genotype genotype() {
  zd::Genotype g;
  g.stages = {zd::StageGenotype::fromString(
                  "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|", 1),
              zd::StageGenotype::fromString(
                  "|nor_conv_7x7~0|+|avg_pool_3x3~0|none~1|+|nor_conv_1x1~0|skip_connect~1|nor_conv_3x3~2|", 2),
              zd::StageGenotype::fromString("|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|", 3)};
  return g;
}

zd::ModelCard card() {
  zd::ModelCard c;
  c.genotype = genotype();
  c.network = {3, 4, 4};
  c.data_size = 28;
  c.input_size = 32;
  c.pad = true;
  c.class_names = {"a", "b", "c", "d"};
  c.best_epoch = 17;
  c.val_accuracy = 0.8125;
  return c;
}

template <class E>
QString messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return QString::fromUtf8(e.what());
  } catch (const std::exception& e) {
    return QString("UNEXPECTED EXCEPTION TYPE: ") + e.what();
  }
  return "NO EXCEPTION";
}

}  // namespace

class TestTrainedModel : public QObject {
  Q_OBJECT
  fs::path dir_;

 private slots:
  void initTestCase() {
    torch::set_num_threads(2);
    dir_ = fs::temp_directory_path() / ("zd_trained_model_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  void cardRoundTrip() {
    const auto c = card();
    const json j = c.toJson();
    QCOMPARE(j.at("preprocessing").get<std::string>(), c.preprocessingText());
    const auto back = zd::ModelCard::fromJson(json::parse(j.dump()));
    QVERIFY(back.genotype == c.genotype);
    QCOMPARE(back.network.in_channels, int64_t{3});
    QCOMPARE(back.network.classes, int64_t{4});
    QCOMPARE(back.network.channels, int64_t{4});
    QCOMPARE(back.toJson(), j);
    QVERIFY(QString::fromStdString(c.preprocessingText()).contains("zero-pad"));
    QVERIFY(QString::fromStdString(c.preprocessingText()).contains("28x28"));
    // Without a validation split the accuracy is NaN, written as null.
    auto no_val = c;
    no_val.val_accuracy = std::nan("");
    QVERIFY(std::isnan(zd::ModelCard::fromJson(json::parse(no_val.toJson().dump())).val_accuracy));
  }

  void badCardNamesTheKey_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");  // JSON; empty = remove the key
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown") << "colour"
                             << "1"
                             << "model card key 'colour': unknown";
    QTest::newRow("missing classes") << "classes"
                                     << ""
                                     << "model card key 'classes': missing";
    QTest::newRow("classes type") << "classes"
                                  << "\"four\""
                                  << "model card key 'classes': expected an integer";
    QTest::newRow("one class") << "classes"
                               << "1"
                               << "model card key 'classes': must be at least 2";
    QTest::newRow("channels 2") << "in_channels"
                                << "2"
                                << "model card key 'in_channels': must be 1 or 3";
    QTest::newRow("names count") << "class_names"
                                 << "[\"a\"]"
                                 << "model card key 'class_names': must be an array of 4";
    QTest::newRow("genotype") << "genotype"
                              << "{\"stages\": []}"
                              << "model card key 'genotype': genotype JSON key";
    QTest::newRow("version") << "version"
                             << "2"
                             << "model card key 'version': 2, but this zodarts reads version 1";
    QTest::newRow("pad") << "pad"
                         << "\"yes\""
                         << "model card key 'pad': expected true or false";
  }
  void badCardNamesTheKey() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    json j = card().toJson();
    if (value.isEmpty()) j.erase(key.toStdString());
    else j[key.toStdString()] = json::parse(value.toStdString());
    const QString message = messageOf<zd::ConfigError>([&] { zd::ModelCard::fromJson(j); });
    QVERIFY2(message.startsWith(expected), qPrintable(message));
  }

  void saveLoadGivesIdenticalOutputs() {
    const auto c = card();
    torch::manual_seed(1);
    zd::DiscreteNetwork net(c.genotype, c.network);
    {
      // Move the running statistics away from their initial values.
      torch::NoGradGuard no_grad;
      net->train();
      for (int i = 0; i < 3; ++i) net->forward(torch::rand({8, 3, 32, 32}) * 2);
    }
    net->eval();
    const auto x = torch::rand({5, 3, 32, 32});
    const auto expected = net->forward(x);
    const auto run = dir_ / "roundtrip";
    fs::create_directories(run);
    zd::saveTrainedModel(run, net, c);
    QVERIFY(fs::exists(run / "model.pt") && fs::exists(run / "model.json"));
    auto loaded = zd::loadTrainedModel(run);
    QVERIFY(!loaded.network->is_training());
    QVERIFY(loaded.card.genotype == c.genotype);
    QVERIFY(torch::equal(loaded.network->forward(x), expected));
  }

  void weightsThatDoNotFitAreAClearError() {
    const auto run = dir_ / "mismatch";
    fs::create_directories(run);
    auto c = card();
    zd::DiscreteNetwork net(c.genotype, c.network);
    zd::saveTrainedModel(run, net, c);
    // The card now claims another kernel on stage 1's conv edge: a 5×5 where 3×3 was saved.
    auto other = c;
    other.genotype.stages[0].edges[0].kernel = 5;
    zd::writeFileAtomically(run / "model.json", other.toJson().dump());
    QString message = messageOf<zd::DataError>([&] { zd::loadTrainedModel(run); });
    QVERIFY2(message.contains("model.pt") && message.contains("do not fit") && message.contains("[4, 4, 3, 3]"),
             qPrintable(message));
    // One cell more in stage 1 than the weights hold.
    other = c;
    other.genotype.stages[0].depth = 2;
    zd::writeFileAtomically(run / "model.json", other.toJson().dump());
    message = messageOf<zd::DataError>([&] { zd::loadTrainedModel(run); });
    QVERIFY2(message.contains("stage0_cell1") && message.contains("missing"), qPrintable(message));
    // One cell fewer: the archive holds a module the network does not have.
    other = c;
    other.genotype.stages[1].depth = 1;
    zd::writeFileAtomically(run / "model.json", other.toJson().dump());
    message = messageOf<zd::DataError>([&] { zd::loadTrainedModel(run); });
    QVERIFY2(message.contains("unexpected 'stage1_cell1'"), qPrintable(message));
  }

  void missingOrMalformedFiles() {
    const auto empty = dir_ / "empty";
    fs::create_directories(empty);
    QString message = messageOf<zd::IoError>([&] { zd::loadTrainedModel(empty); });
    QVERIFY2(message.contains("model.json") && message.contains("zodarts train"), qPrintable(message));
    zd::writeFileAtomically(empty / "model.json", "{not json");
    message = messageOf<zd::ConfigError>([&] { zd::loadTrainedModel(empty); });
    QVERIFY2(message.contains("model.json") && message.contains("not valid JSON"), qPrintable(message));
    zd::writeFileAtomically(empty / "model.json", card().toJson().dump());
    message = messageOf<zd::IoError>([&] { zd::loadTrainedModel(empty); });
    QVERIFY2(message.contains("model.pt") && message.contains("missing"), qPrintable(message));
    zd::writeFileAtomically(empty / "model.pt", "garbage");
    message = messageOf<zd::IoError>([&] { zd::loadTrainedModel(empty); });
    QVERIFY2(message.contains("model.pt") && message.contains("unreadable"), qPrintable(message));
  }
};

QTEST_GUILESS_MAIN(TestTrainedModel)
#include "test_trained_model.moc"
