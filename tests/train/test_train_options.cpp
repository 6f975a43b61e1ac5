// TrainOptions: §7's defaults, the JSON round trip (alone and as RunConfig's `train`
// section), partial documents, and messages that name the bad key.
#include "core/common/error.h"
#include "core/run/run_config.h"
#include "core/train/train_options.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using nlohmann::json;

namespace {
QString configErrorMessage(const std::function<void()>& f) {
  try {
    f();
  } catch (const zd::ConfigError& e) {
    return QString::fromUtf8(e.what());
  } catch (const std::exception& e) {
    return QString("UNEXPECTED EXCEPTION TYPE: ") + e.what();
  }
  return "NO EXCEPTION";
}
}  // namespace

class TestTrainOptions : public QObject {
  Q_OBJECT

 private slots:
  void defaultsAreTheReferenceProtocol() {
    const zd::TrainOptions o;
    QCOMPARE(o.epochs, 300);
    QCOMPARE(o.batch, 128);
    QCOMPARE(o.channels, 0);  // the search's width
    QCOMPARE(o.lr, 0.1);
    QCOMPARE(o.momentum, 0.9);
    QCOMPARE(o.weight_decay, 3e-4);
    QCOMPARE(o.warmup_epochs, 10);
    QCOMPARE(o.warmup_start, 0.01);
    QCOMPARE(o.lr_min, 0.0);
    QCOMPARE(o.label_smoothing, 0.1);
    QCOMPARE(o.mixup_alpha, 0.1);
    QCOMPARE(o.cutmix_alpha, 0.1);
    QCOMPARE(o.augment.resize, 32);
    QCOMPARE(o.augment.crop_padding, 4);
    QVERIFY(o.augment.flip);
    QCOMPARE(QString::fromLatin1(zd::nameOf(o.derive)), QString("argmax"));
  }

  void roundTrip() {
    zd::TrainOptions o;
    o.epochs = 7;
    o.nesterov = true;
    o.lr_min = 1e-5;
    o.mixing = false;
    o.augment.resize = 0;
    o.derive = zd::TrainDerive::Sample;
    o.derive_seed = 18446744073709551615ULL;  // the largest seed
    const json j = zd::toJson(o);
    QCOMPARE(j.at("augment").at("resize").get<int>(), 0);
    const auto back = zd::trainOptionsFromJson(json::parse(j.dump()));
    QCOMPARE(zd::toJson(back), j);
    QCOMPARE(back.derive_seed, o.derive_seed);
  }

  void partialKeepsTheBase() {
    zd::TrainOptions base;
    base.batch = 64;
    const auto o = zd::trainOptionsFromJson(json::parse(R"({"epochs": 5, "augment": {"flip": false}})"), base);
    QCOMPARE(o.epochs, 5);
    QCOMPARE(o.batch, 64);
    QVERIFY(!o.augment.flip);
    QCOMPARE(o.augment.crop_padding, 4);
  }

  void badInputNamesTheKey_data() {
    QTest::addColumn<QString>("document");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown key") << R"({"epoch": 5})"
                                 << "config key 'train.epoch': unknown";
    QTest::newRow("unknown nested key") << R"({"augment": {"size": 5}})"
                                        << "config key 'train.augment.size': unknown";
    QTest::newRow("wrong type") << R"({"epochs": "many"})"
                                << "config key 'train.epochs': expected an integer";
    QTest::newRow("fraction") << R"({"epochs": 2.5})"
                              << "config key 'train.epochs': expected an integer";
    QTest::newRow("out of range") << R"({"epochs": 0})"
                                  << "config key 'train.epochs': must be at least 1, got 0";
    QTest::newRow("negative seed") << R"({"seed": -1})"
                                   << "config key 'train.seed': expected a non-negative integer";
    QTest::newRow("derive") << R"({"derive": "best"})"
                            << "config key 'train.derive': expected \"argmax\" or \"sample\"";
    QTest::newRow("group not object") << R"({"augment": 3})"
                                      << "config key 'train.augment': expected an object";
    QTest::newRow("lr_min above lr") << R"({"lr_min": 0.5})"
                                     << "config key 'train.lr_min': must be between 0 and lr";
    QTest::newRow("smoothing") << R"({"label_smoothing": 1})"
                               << "config key 'train.label_smoothing'";
    QTest::newRow("not an object") << R"([1])"
                                   << "config key 'train': expected an object";
  }
  void badInputNamesTheKey() {
    QFETCH(QString, document);
    QFETCH(QString, expected);
    const auto j = json::parse(document.toStdString());
    const QString message = configErrorMessage([&] { zd::trainOptionsFromJson(j); });
    QVERIFY2(message.startsWith(expected), qPrintable(message));
  }

  void runConfigCarriesTheTrainSection() {
    zd::RunConfig c;
    c.data.path = "x.npz";
    c.train.epochs = 12;
    c.train.augment.crop_padding = 2;
    const json j = zd::toJson(c);
    QCOMPARE(j.at("train").at("epochs").get<int>(), 12);
    const auto back = zd::runConfigFromJson(json::parse(j.dump()));
    QCOMPARE(zd::toJson(back), j);
    // A config without a train section (a search's older config.json) keeps the defaults.
    const auto older = zd::runConfigFromJson(json::parse(R"({"data": {"path": "x.npz"}})"));
    QCOMPARE(older.train.epochs, 300);
    const QString message = configErrorMessage([] {
      zd::runConfigFromJson(json::parse(R"({"data": {"path": "x.npz"}, "train": {"batch": 0}})"));
    });
    QVERIFY2(message.startsWith("config key 'train.batch': must be at least 1"), qPrintable(message));
  }
};

QTEST_GUILESS_MAIN(TestTrainOptions)
#include "test_train_options.moc"
