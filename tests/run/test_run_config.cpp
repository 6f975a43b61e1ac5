#include "core/common/error.h"
#include "core/run/run_config.h"
#include "core/search/search_method.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using nlohmann::json;

namespace {

zd::RunConfig withData() {
  zd::RunConfig config;
  config.data.path = "organsmnist.npz";
  return config;
}

// The ConfigError message from reading `doc` onto a valid base, or "" when accepted.
QString errorFor(const json& doc) {
  try {
    zd::runConfigFromJson(doc, withData());
  } catch (const zd::ConfigError& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

json parse(const QString& text) { return json::parse(text.toStdString()); }

// {"search": {"epochs": 0}} from ("search.epochs", "0").
json documentWith(const QString& dotted_key, const QString& value) {
  json doc = json::object();
  doc[json::json_pointer("/" + QString(dotted_key).replace('.', '/').toStdString())] = parse(value);
  return doc;
}

}  // namespace

class TestRunConfig : public QObject {
  Q_OBJECT

 private slots:
  // A named method sets its switches (ALGORITHM.md §8); each one's switches name it
  // back, and no two methods share them.
  void methodsSetTheirSwitches_data() {
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("estimator");
    QTest::addColumn<QString>("distribution");
    QTest::addColumn<bool>("anneal");
    QTest::addColumn<bool>("sizeSearch");
    QTest::newRow("zo-darts++") << "zo-darts++"
                                << "zo"
                                << "sparsemax" << true << true;
    QTest::newRow("zo-darts+") << "zo-darts+"
                               << "zo"
                               << "sparsemax" << true << false;
    QTest::newRow("zo-darts") << "zo-darts"
                              << "zo"
                              << "softmax" << false << false;
    QTest::newRow("darts-v1") << "darts-v1"
                              << "darts1"
                              << "softmax" << false << false;
    QTest::newRow("darts-v2") << "darts-v2"
                              << "darts2"
                              << "softmax" << false << false;
  }
  void methodsSetTheirSwitches() {
    QFETCH(QString, method);
    QFETCH(QString, estimator);
    QFETCH(QString, distribution);
    QFETCH(bool, anneal);
    QFETCH(bool, sizeSearch);
    const auto config = zd::runConfigFromJson(documentWith("search.method", '"' + method + '"'), withData());
    const auto& s = config.search;
    QCOMPARE(QString(zd::nameOf(s.arch.estimator)), estimator);
    QCOMPARE(QString(zd::nameOf(s.distribution)), distribution);
    QCOMPARE(s.temperature.anneal, anneal);
    QCOMPARE(s.size_search, sizeSearch);
    QCOMPARE(QString(zd::nameOf(zd::methodOf(s))), method);
    // config.json names it, and reads back the same.
    const json written = zd::toJson(config);
    QCOMPARE(QString::fromStdString(written.at("search").at("method").get<std::string>()), method);
    QCOMPARE(zd::toJson(zd::runConfigFromJson(written)), written);
  }

  // Without a method, the switches name it: custom when no method has them.
  void switchesNameTheMethod() {
    QCOMPARE(zd::methodOf(zd::runConfigFromJson(json::object(), withData()).search), zd::Method::ZoDartsPP);
    const auto softmax_only = zd::runConfigFromJson(parse(R"({"search": {"distribution": "softmax"}})"), withData());
    QCOMPARE(zd::methodOf(softmax_only.search), zd::Method::Custom);
    QCOMPARE(zd::toJson(softmax_only).at("search").at("method").get<std::string>(), std::string("custom"));
    const auto zo_darts = zd::runConfigFromJson(
        parse(R"({"search": {"distribution": "softmax", "temperature": {"anneal": false}, "size_search": false}})"),
        withData());
    QCOMPARE(zd::methodOf(zo_darts.search), zd::Method::ZoDarts);
    // custom takes any switches.
    QCOMPARE(errorFor(parse(R"({"search": {"method": "custom", "arch": {"estimator": "darts2"}}})")), QString());
  }

  // A switch set against its method is refused, naming both.
  void switchAgainstTheMethodIsRefused() {
    QCOMPARE(errorFor(parse(R"({"search": {"method": "zo-darts++", "distribution": "softmax"}})")),
             QString("config key 'search.method': \"zo-darts++\" means search.distribution \"sparsemax\", got "
                     "\"softmax\": change one of them, or set search.method \"custom\" for an ablation"));
    QCOMPARE(errorFor(parse(R"({"search": {"method": "darts-v2", "size_search": true}})")),
             QString("config key 'search.method': \"darts-v2\" means search.size_search false, got true: change "
                     "one of them, or set search.method \"custom\" for an ablation"));
  }

  // random sets the estimator alone (the other switches do nothing when nothing is
  // searched), names itself back, and refuses a retraining that samples from the
  // distributions it does not have.
  void randomMethodIsTheEstimatorAlone() {
    const auto config = zd::runConfigFromJson(
        parse(R"({"search": {"method": "random", "distribution": "softmax", "size_search": false}})"), withData());
    QCOMPARE(config.search.arch.estimator, zd::Estimator::Random);
    QCOMPARE(zd::methodOf(config.search), zd::Method::Random);
    QCOMPARE(zd::toJson(config).at("search").at("method").get<std::string>(), std::string("random"));
    QVERIFY(errorFor(parse(R"({"search": {"method": "random"}, "train": {"derive": "sample"}})"))
                .contains("the random method searches none"));
  }

  void defaultsRoundTrip() {
    const zd::RunConfig config = withData();
    const json j = zd::toJson(config);
    // Through text, as config.json is read back.
    const zd::RunConfig back = zd::runConfigFromJson(json::parse(j.dump(2)));
    QCOMPARE(zd::toJson(back), j);
  }

  void documentMirrorsTheStructs() {
    const json j = zd::toJson(zd::RunConfig{});
    QCOMPARE(j.at("search").at("network").at("channels").get<int>(), 16);
    QCOMPARE(j.at("search").at("network").at("cells").get<int>(), 3);
    QCOMPARE(j.at("search").at("temperature").at("t0").get<double>(), 1.5);
    QCOMPARE(j.at("search").at("weights").at("lr_min").get<double>(), 0.001);
    QCOMPARE(j.at("search").at("arch").at("rounds").get<int>(), 10);
    QCOMPARE(j.at("search").at("budget").at("preset").get<std::string>(), std::string("none"));
    QCOMPARE(j.at("search").at("augment").at("crop_padding").get<int>(), 4);
    QCOMPARE(j.at("search").at("distribution").get<std::string>(), std::string("sparsemax"));
    QCOMPARE(j.at("search").at("epochs").get<int>(), 50);
    QCOMPARE(j.at("data").at("arch_fraction").get<double>(), 0.5);
    QCOMPARE(j.at("device").get<std::string>(), std::string("auto"));
    QCOMPARE(j.at("threads").get<int>(), 0);
    QCOMPARE(j.at("cudnn_benchmark").get<bool>(), true);
    QCOMPARE(j.at("search").at("precision").get<std::string>(), std::string("fp32"));
    QCOMPARE(j.at("out").get<std::string>(), std::string(""));
  }

  void changedValuesRoundTrip() {
    zd::RunConfig config = withData();
    config.search.distribution = zd::Distribution::Softmax;
    config.search.seed = 18446744073709551615ULL;  // the largest seed survives
    config.search.weights.weight_decay = 1.0 / 3.0;
    config.search.budget.preset = zd::BudgetPreset::Custom;
    config.search.budget.min_params = 200000;
    config.search.budget.max_params = 1.5e6;
    config.search.temperature.anneal = false;
    config.search.arch.estimator = zd::Estimator::Darts1;
    config.device = "cuda:1";
    config.out = "runs/a";
    const json j = zd::toJson(config);
    QCOMPARE(zd::toJson(zd::runConfigFromJson(json::parse(j.dump()))), j);
  }

  void partialDocumentKeepsBase() {
    zd::RunConfig base = withData();
    base.search.epochs = 30;
    base.search.network.channels = 8;
    const zd::RunConfig config = zd::runConfigFromJson(json{{"search", {{"batch", 64}}}}, base);
    QCOMPARE(config.search.batch, 64);
    QCOMPARE(config.search.epochs, 30);
    QCOMPARE(config.search.network.channels, 8);
    QCOMPARE(config.data.path, std::string("organsmnist.npz"));
  }

  void wholeFloatIsAnInteger() {
    const auto config = zd::runConfigFromJson(parse(R"({"search": {"epochs": 25.0}})"), withData());
    QCOMPARE(config.search.epochs, 25);
  }

  // Rows name one setting by its dotted key and give its JSON value; the document
  // holding just that setting is read onto a valid base.
  void boundaryValuesAccepted_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::newRow("switch_epoch == epochs (no phase 2)") << "search.switch_epoch"
                                                         << "50";
    QTest::newRow("switch_epoch 0") << "search.switch_epoch"
                                    << "0";
    QTest::newRow("resize 0 keeps the size") << "search.augment.resize"
                                             << "0";
    QTest::newRow("decay 1") << "search.temperature.decay"
                             << "1";
    QTest::newRow("lr_min == lr") << "search.weights.lr_min"
                                  << "0.1";
    QTest::newRow("cells 8") << "search.network.cells"
                             << "8";
    QTest::newRow("device cuda") << "device"
                                 << "\"cuda\"";
    QTest::newRow("device cuda:12") << "device"
                                    << "\"cuda:12\"";
    QTest::newRow("checkpoint never") << "search.checkpoint_every"
                                      << "0";
    QTest::newRow("preset small") << "search.budget.preset"
                                  << "\"small\"";
    QTest::newRow("derive argmax") << "search.derive"
                                   << "\"argmax\"";
    QTest::newRow("fresh momentum") << "search.arch.perturbed_momentum"
                                    << "\"fresh\"";
    QTest::newRow("projected penalty") << "search.arch.penalty_gradient"
                                       << "\"projected\"";
    QTest::newRow("count step cap") << "search.arch.max_count_step"
                                    << "0.25";
  }
  void boundaryValuesAccepted() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    QCOMPARE(errorFor(documentWith(key, value)), QString());
  }

  void invalidValueNamesKey_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::newRow("epochs 0") << "search.epochs"
                              << "0";
    QTest::newRow("switch after the end") << "search.switch_epoch"
                                          << "51";
    QTest::newRow("switch negative") << "search.switch_epoch"
                                     << "-1";
    QTest::newRow("channels 0") << "search.network.channels"
                                << "0";
    QTest::newRow("cells 9") << "search.network.cells"
                             << "9";
    QTest::newRow("batch 0") << "search.batch"
                             << "0";
    QTest::newRow("t0 0") << "search.temperature.t0"
                          << "0";
    QTest::newRow("decay 1.5") << "search.temperature.decay"
                               << "1.5";
    QTest::newRow("every 0") << "search.temperature.every"
                             << "0";
    QTest::newRow("lr 0") << "search.weights.lr"
                          << "0";
    QTest::newRow("lr_min above lr") << "search.weights.lr_min"
                                     << "0.5";
    QTest::newRow("momentum 1") << "search.weights.momentum"
                                << "1";
    QTest::newRow("weight decay < 0") << "search.weights.weight_decay"
                                      << "-1e-4";
    QTest::newRow("grad clip 0") << "search.weights.grad_clip"
                                 << "0";
    QTest::newRow("arch lr 0") << "search.arch.lr"
                               << "0";
    QTest::newRow("beta1 1") << "search.arch.beta1"
                             << "1";
    QTest::newRow("beta2 < 0") << "search.arch.beta2"
                               << "-0.1";
    QTest::newRow("rounds 0") << "search.arch.rounds"
                              << "0";
    QTest::newRow("mu_scale 0") << "search.arch.mu_scale"
                                << "0";
    QTest::newRow("estimator") << "search.arch.estimator"
                               << "\"darts9\"";
    QTest::newRow("preset") << "search.budget.preset"
                            << "\"huge\"";
    QTest::newRow("custom without band") << "search.budget.preset"
                                         << "\"custom\"";
    QTest::newRow("percentiles reversed") << "search.budget.small_lo"
                                          << "30";
    QTest::newRow("percentile > 100") << "search.budget.large_hi"
                                      << "101";
    QTest::newRow("lambda0 < 0") << "search.budget.lambda0"
                                 << "-1";
    QTest::newRow("scale 0") << "search.budget.scale"
                             << "0";
    QTest::newRow("samples 5") << "search.budget.samples"
                               << "5";
    QTest::newRow("resize 4") << "search.augment.resize"
                              << "4";
    QTest::newRow("crop padding < 0") << "search.augment.crop_padding"
                                      << "-1";
    QTest::newRow("checkpoint < 0") << "search.checkpoint_every"
                                    << "-1";
    QTest::newRow("memory format") << "search.memory_format"
                                   << "\"nhwc\"";
    QTest::newRow("parallel copies") << "search.parallel_copies"
                                     << "\"sometimes\"";
    QTest::newRow("precision") << "search.precision"
                               << "\"fp16\"";
    QTest::newRow("derive") << "search.derive"
                            << "\"sample\"";
    QTest::newRow("derive band without a budget") << "search.derive"
                                                  << "\"band\"";
    QTest::newRow("perturbed momentum") << "search.arch.perturbed_momentum"
                                        << "\"zero\"";
    QTest::newRow("penalty gradient") << "search.arch.penalty_gradient"
                                      << "\"half\"";
    QTest::newRow("direct gradient") << "search.arch.direct_gradient"
                                     << "\"none\"";
    QTest::newRow("count step < 0") << "search.arch.max_count_step"
                                    << "-0.5";
    QTest::newRow("budget from run without a preset") << "search.budget.from_run"
                                                      << "\"runs/free\"";
    QTest::newRow("arch fraction 1") << "data.arch_fraction"
                                     << "1";
    QTest::newRow("arch fraction 0") << "data.arch_fraction"
                                     << "0";
    QTest::newRow("threads < 0") << "threads"
                                 << "-2";
    QTest::newRow("device gpu") << "device"
                                << "\"gpu\"";
    QTest::newRow("device cuda:x") << "device"
                                   << "\"cuda:x\"";
  }
  void invalidValueNamesKey() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    // "custom without band" fails on min_params; every other row on its own key.
    const QString named = key == "search.budget.preset" && value == "\"custom\"" ? "search.budget.min_params" : key;
    const QString message = errorFor(documentWith(key, value));
    // A value out of range "must be ..."; a word outside an enum's choices was "expected" one of them.
    QVERIFY2(message.startsWith("config key '" + named + "': must be ") ||
                 message.startsWith("config key '" + named + "': expected "),
             qPrintable(message));
  }

  void wrongTypeMessage_data() {
    QTest::addColumn<QString>("doc");
    QTest::addColumn<QString>("message");
    QTest::newRow("string for int") << R"({"search": {"epochs": "ten"}})"
                                    << R"(config key 'search.epochs': expected an integer, got "ten")";
    QTest::newRow("fraction for int") << R"({"search": {"epochs": 10.5}})"
                                      << "config key 'search.epochs': expected an integer, got 10.5";
    QTest::newRow("too large for int")
        << R"({"search": {"batch": 1e12}})"
        << "config key 'search.batch': expected an integer up to 2147483647, got 1000000000000.0";
    QTest::newRow("negative seed") << R"({"search": {"seed": -1}})"
                                   << "config key 'search.seed': expected a non-negative integer, got -1";
    QTest::newRow("string for bool") << R"({"search": {"size_search": "yes"}})"
                                     << R"(config key 'search.size_search': expected true or false, got "yes")";
    QTest::newRow("unknown distribution")
        << R"({"search": {"distribution": "tanh"}})"
        << R"(config key 'search.distribution': expected "sparsemax" or "softmax", got "tanh")";
    QTest::newRow("number for string") << R"({"device": 3})"
                                       << "config key 'device': expected a string, got 3";
    QTest::newRow("string for number") << R"({"search": {"weights": {"lr": "0.1"}}})"
                                       << R"(config key 'search.weights.lr': expected a number, got "0.1")";
    QTest::newRow("number for group") << R"({"search": 5})"
                                      << "config key 'search': expected an object, got 5";
  }
  void wrongTypeMessage() {
    QFETCH(QString, doc);
    QFETCH(QString, message);
    QCOMPARE(errorFor(parse(doc)), message);
  }

  void unknownKeySuggestion_data() {
    QTest::addColumn<QString>("doc");
    QTest::addColumn<QString>("message");
    QTest::newRow("typo") << R"({"search": {"epohcs": 10}})"
                          << "config key 'search.epohcs': unknown (did you mean 'search.epochs'?)";
    QTest::newRow("wrong level") << R"({"epochs": 10})"
                                 << "config key 'epochs': unknown (did you mean 'search.epochs'?)";
    QTest::newRow("nested typo")
        << R"({"search": {"weights": {"lrmin": 0.01}}})"
        << "config key 'search.weights.lrmin': unknown (did you mean 'search.weights.lr_min'?)";
    QTest::newRow("group typo") << R"({"serch": {}})"
                                << "config key 'serch': unknown (did you mean 'search'?)";
    QTest::newRow("nothing close") << R"({"colour_scheme": "dark"})"
                                   << "config key 'colour_scheme': unknown";
  }
  void unknownKeySuggestion() {
    QFETCH(QString, doc);
    QFETCH(QString, message);
    QCOMPARE(errorFor(parse(doc)), message);
  }

  void emptyDataPathTellsWhatToDo() {
    try {
      zd::runConfigFromJson(json::object());
      QFAIL("expected ConfigError");
    } catch (const zd::ConfigError& e) {
      QCOMPARE(QString(e.what()), QString("data.path is empty: give the data set with --data PATH"));
    }
  }

  void topLevelMustBeObject() { QVERIFY(errorFor(json::array()).contains("JSON object")); }
};

QTEST_GUILESS_MAIN(TestRunConfig)
#include "test_run_config.moc"
