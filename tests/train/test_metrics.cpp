#include "core/common/error.h"
#include "core/train/metrics.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <random>

namespace {

using Rows = QList<QList<double>>;

// [N, K] probabilities from literal rows, in `dtype`.
torch::Tensor probs(const Rows& rows, torch::ScalarType dtype = torch::kDouble) {
  std::vector<double> flat;
  for (const auto& r : rows)
    for (double v : r) flat.push_back(v);
  const int64_t n = rows.size(), k = n ? rows[0].size() : 0;
  return torch::tensor(flat, torch::kDouble).reshape({n, k}).to(dtype);
}

// Binary probabilities: class-1 score s, class-0 score 1 − s.
torch::Tensor binary(const QList<double>& s) {
  Rows rows;
  for (double v : s) rows.push_back({1.0 - v, v});
  return probs(rows);
}

torch::Tensor labelsOf(const QList<qint64>& y) {
  return torch::tensor(std::vector<int64_t>(y.begin(), y.end()), torch::kLong);
}

// Equal, or both NaN (undefined).
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || qFuzzyCompare(a, b) || a == b; }

bool same(const std::vector<double>& a, const QList<double>& b) {
  if (a.size() != static_cast<size_t>(b.size())) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[int(i)])) return false;
  return true;
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

class TestMetrics : public QObject {
  Q_OBJECT

 private slots:
  void binaryAucMatchesSklearn_data() {
    QTest::addColumn<QList<double>>("scores");  // probability of class 1
    QTest::addColumn<QList<qint64>>("labels");
    QTest::addColumn<double>("expected");
    QTest::newRow("perfect") << QList<double>{0.1, 0.2, 0.8, 0.9} << QList<qint64>{0, 0, 1, 1} << 1.0;
    QTest::newRow("reversed") << QList<double>{0.9, 0.8, 0.2, 0.1} << QList<qint64>{0, 0, 1, 1} << 0.0;
    QTest::newRow("all scores equal") << QList<double>{0.5, 0.5, 0.5, 0.5, 0.5} << QList<qint64>{0, 1, 1, 0, 1} << 0.5;
    // Ranks 0.1→1, 0.35→2, 0.4→3, 0.8→4; positives 0.35, 0.8: R = 6,
    // U = 6 − 2·3/2 = 3, AUC = 3 / (2·2) = 0.75.
    QTest::newRow("one swapped pair") << QList<double>{0.1, 0.4, 0.35, 0.8} << QList<qint64>{0, 0, 1, 1} << 0.75;
    // Ties across classes: 0.2 (neg, pos) share rank 1.5, 0.6 (neg, pos) share 3.5,
    // 0.9 (pos) is 5. R = 3.5 + 5 + 1.5 = 10, U = 10 − 3·4/2 = 4, AUC = 4 / (3·2) = 2/3.
    QTest::newRow("ties across classes") << QList<double>{0.2, 0.6, 0.6, 0.9, 0.2} << QList<qint64>{0, 0, 1, 1, 1}
                                         << 2.0 / 3.0;
    // Pairs (pos, neg): 0.7 vs {0.7, 0.1, 0.3} → ½ + 1 + 1; 0.2 vs them → 0 + 1 + 0.
    // U = 3.5 over 2·3 pairs → 7/12.
    QTest::newRow("unsorted, imbalanced")
        << QList<double>{0.7, 0.7, 0.2, 0.1, 0.3} << QList<qint64>{1, 0, 1, 0, 0} << 7.0 / 12.0;
  }
  void binaryAucMatchesSklearn() {
    QFETCH(QList<double>, scores);
    QFETCH(QList<qint64>, labels);
    QFETCH(double, expected);
    const zd::ClassificationMetrics m = zd::computeMetrics(binary(scores), labelsOf(labels));
    QVERIFY(m.auc_defined);
    QCOMPARE(m.auc, expected);
    QVERIFY(m.classes_absent.empty());
    QCOMPARE(m.samples, qint64(scores.size()));
  }

  void rankAucEqualsPairCounting() {
    // Scores on a coarse grid, so ties are frequent; AUC = (#pos>neg + ½·#ties) / (n⁺n⁻).
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 50; ++trial) {
      const int n = 2 + int(rng() % 60);
      std::vector<double> s(n);
      std::vector<bool> pos(n);
      for (int i = 0; i < n; ++i) {
        s[i] = double(rng() % 6) / 5.0;
        pos[i] = rng() % 3 == 0;
      }
      int64_t twice_u = 0, np = 0, nn = 0;
      for (int i = 0; i < n; ++i) {
        np += pos[i];
        nn += !pos[i];
        for (int j = 0; j < n; ++j)
          if (pos[i] && !pos[j]) twice_u += s[i] > s[j] ? 2 : s[i] == s[j] ? 1 : 0;
      }
      const double auc = zd::rankAuc(s, pos);
      if (np == 0 || nn == 0) {
        QVERIFY(std::isnan(auc));
      } else {
        QCOMPARE(auc, double(twice_u) / (2.0 * double(np) * double(nn)));
      }
    }
  }

  void multiclass_data() {
    QTest::addColumn<int>("dtype");
    QTest::newRow("double") << int(torch::kDouble);
    QTest::newRow("float") << int(torch::kFloat);
  }
  void multiclass() {
    QFETCH(int, dtype);
    // Rows, label, argmax:
    //   s0 [0.7 0.2 0.1] y0 → 0     s3 [0.4 0.4 0.2] y1 → 0 (tie: lower index)
    //   s1 [0.5 0.4 0.1] y0 → 0     s4 [0.1 0.3 0.6] y2 → 2
    //   s2 [0.2 0.6 0.2] y1 → 1     s5 [0.5 0.0 0.5] y2 → 0 (tie: lower index)
    // OvR, column c against label c:
    //   class 0: pos {.7 .5} vs neg {.2 .4 .1 .5}: 4 + (3 + ½) = 7.5 of 8 → 0.9375
    //   class 1: pos {.6 .4} vs neg {.2 .4 .3 0}:  4 + (3 + ½) = 7.5 of 8 → 0.9375
    //   class 2: pos {.6 .5} vs neg {.1 .1 .2 .2}: 8 of 8 → 1
    //   macro = (0.9375 + 0.9375 + 1) / 3 = 2.875 / 3.
    const Rows rows{{0.7, 0.2, 0.1}, {0.5, 0.4, 0.1}, {0.2, 0.6, 0.2},
                    {0.4, 0.4, 0.2}, {0.1, 0.3, 0.6}, {0.5, 0.0, 0.5}};
    const auto m = zd::computeMetrics(probs(rows, torch::ScalarType(dtype)), labelsOf({0, 0, 1, 1, 2, 2}));
    QCOMPARE(m.samples, qint64(6));
    QCOMPARE(m.accuracy, 4.0 / 6.0);
    QVERIFY(m.auc_defined);
    QCOMPARE(m.auc, 2.875 / 3.0);
    QVERIFY(m.classes_absent.empty());
    const std::vector<std::vector<int64_t>> confusion{{2, 0, 0}, {1, 1, 0}, {1, 0, 1}};
    QVERIFY(m.confusion == confusion);
    // Precision = diagonal / column sum: 2/4, 1/1, 1/1; recall = diagonal / row sum: 2/2, 1/2, 1/2;
    // F1 = 2PR/(P+R) = 2/3 for each class.
    QVERIFY(same(m.precision, {0.5, 1.0, 1.0}));
    QVERIFY(same(m.recall, {1.0, 0.5, 0.5}));
    QVERIFY(same(m.f1, {2.0 / 3, 2.0 / 3, 2.0 / 3}));
  }

  void absentClassLeftOutOfMacroAuc() {
    // Class 1 has no sample. OvR: class 0: pos {.6 .3} vs neg {.2 .4}: 2 + 1 = 3 of 4 → 0.75;
    // class 2: pos {.5 .5} vs neg {.1 .3}: 4 of 4 → 1; macro over {0, 2} = 0.875.
    const Rows rows{{0.6, 0.3, 0.1}, {0.3, 0.4, 0.3}, {0.2, 0.3, 0.5}, {0.4, 0.1, 0.5}};
    const auto m = zd::computeMetrics(probs(rows), labelsOf({0, 0, 2, 2}));
    QVERIFY(m.auc_defined);
    QCOMPARE(m.auc, 0.875);
    QCOMPARE(m.classes_absent, std::vector<int>{1});
    QCOMPARE(m.accuracy, 0.75);
    // s1 is predicted 1: precision(1) = 0/1, recall(1) undefined (no samples) → F1 undefined.
    QVERIFY(same(m.precision, {1.0, 0.0, 1.0}));
    QVERIFY(same(m.recall, {0.5, kNaN, 1.0}));
    QVERIFY(same(m.f1, {2.0 / 3, kNaN, 1.0}));
  }

  void undefinedAuc_data() {
    QTest::addColumn<Rows>("rows");
    QTest::addColumn<QList<qint64>>("labels");
    QTest::addColumn<QList<int>>("absent");
    QTest::newRow("binary, only class 0") << Rows{{0.9, 0.1}, {0.2, 0.8}} << QList<qint64>{0, 0} << QList<int>{1};
    QTest::newRow("binary, only class 1") << Rows{{0.9, 0.1}, {0.2, 0.8}} << QList<qint64>{1, 1} << QList<int>{0};
    QTest::newRow("3 classes, only class 2")
        << Rows{{0.2, 0.3, 0.5}, {0.1, 0.1, 0.8}} << QList<qint64>{2, 2} << QList<int>{0, 1};
  }
  void undefinedAuc() {
    QFETCH(Rows, rows);
    QFETCH(QList<qint64>, labels);
    QFETCH(QList<int>, absent);
    const auto m = zd::computeMetrics(probs(rows), labelsOf(labels));
    QVERIFY(!m.auc_defined);
    QVERIFY(std::isnan(m.auc));
    QCOMPARE(m.classes_absent, std::vector<int>(absent.begin(), absent.end()));
    const nlohmann::json j = zd::toJson(m, {});
    QVERIFY(j.at("auc").is_null());
    QCOMPARE(j.at("auc_defined").get<bool>(), false);
  }

  void binaryPrecisionUndefinedWithoutPredictions() {
    // Both predicted 0: precision(0) = 1/2, recall(0) = 1/1, F1(0) = 2/3; class 1 is
    // never predicted → precision(1) undefined, recall(1) = 0/1, F1 undefined.
    // AUC: pos 0.4 vs neg 0.1 → 1.
    const auto m = zd::computeMetrics(probs({{0.9, 0.1}, {0.6, 0.4}}), labelsOf({0, 1}));
    QCOMPARE(m.auc, 1.0);
    QCOMPARE(m.accuracy, 0.5);
    QVERIFY(same(m.precision, {0.5, kNaN}));
    QVERIFY(same(m.recall, {1.0, 0.0}));
    QVERIFY(same(m.f1, {2.0 / 3, kNaN}));
  }

  void argmaxTiesGoToLowerIndex_data() {
    QTest::addColumn<QList<double>>("row");
    QTest::addColumn<int>("predicted");
    QTest::newRow("binary half") << QList<double>{0.5, 0.5} << 0;
    QTest::newRow("tie at the top, later") << QList<double>{0.2, 0.4, 0.4} << 1;
    QTest::newRow("three-way") << QList<double>{0.25, 0.25, 0.25, 0.25} << 0;
    QTest::newRow("no tie") << QList<double>{0.1, 0.2, 0.7} << 2;
  }
  void argmaxTiesGoToLowerIndex() {
    QFETCH(QList<double>, row);
    QFETCH(int, predicted);
    for (int label = 0; label < row.size(); ++label) {
      const auto m = zd::computeMetrics(probs({row}), labelsOf({label}));
      QCOMPARE(m.accuracy, label == predicted ? 1.0 : 0.0);
      QCOMPARE(m.confusion[label][predicted], int64_t(1));
    }
  }

  void acceptsOtherLabelLayouts() {
    // MedMNIST's [N, 1] labels, uint8 labels and float probabilities give the same result.
    const Rows rows{{0.7, 0.3}, {0.4, 0.6}, {0.55, 0.45}};
    const auto ref = zd::computeMetrics(probs(rows), labelsOf({0, 1, 1}));
    const auto col = zd::computeMetrics(probs(rows, torch::kFloat),
                                        labelsOf({0, 1, 1}).reshape({3, 1}).to(torch::kUInt8));
    QCOMPARE(col.auc, ref.auc);
    QCOMPARE(col.accuracy, ref.accuracy);
    QVERIFY(col.confusion == ref.confusion);
  }

  void rejectsInvalidInput_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("message");
    QTest::newRow("undefined") << "undefined"
                               << "probabilities are undefined";
    QTest::newRow("1-D probabilities") << "1d"
                                       << "must be [N, K]";
    QTest::newRow("no samples") << "empty"
                                << "no samples";
    QTest::newRow("one class") << "k1"
                               << "at least 2 classes";
    QTest::newRow("label count") << "count"
                                 << "labels must be [3]";
    QTest::newRow("label too large") << "high"
                                     << "label 3 is outside [0, 3)";
    QTest::newRow("negative label") << "negative"
                                    << "label -1 is outside";
    QTest::newRow("float labels") << "float labels"
                                  << "integer class indices";
    QTest::newRow("integer probabilities") << "int probs"
                                           << "floating point";
    QTest::newRow("NaN score") << "nan"
                               << "sample 1: probability of class 2 is not finite";
    QTest::newRow("logits") << "logits"
                            << "not logits";
  }
  void rejectsInvalidInput() {
    QFETCH(QString, input);
    QFETCH(QString, message);
    const Rows ok{{0.2, 0.3, 0.5}, {0.6, 0.2, 0.2}, {0.1, 0.8, 0.1}};
    torch::Tensor p = probs(ok), y = labelsOf({2, 0, 1});
    if (input == "undefined") p = torch::Tensor();
    if (input == "1d") p = p.reshape({-1});
    if (input == "empty") p = torch::zeros({0, 3}, torch::kDouble), y = labelsOf({});
    if (input == "k1") p = torch::ones({3, 1}, torch::kDouble);
    if (input == "count") y = labelsOf({2, 0});
    if (input == "high") y = labelsOf({2, 3, 1});
    if (input == "negative") y = labelsOf({2, 0, -1});
    if (input == "float labels") y = y.to(torch::kFloat);
    if (input == "int probs") p = p.to(torch::kLong);
    if (input == "nan") p[1][2] = kNaN;
    if (input == "logits") p = probs({{2.0, -1.0, 0.5}, {0.6, 0.2, 0.2}, {0.1, 0.8, 0.1}});
    try {
      zd::computeMetrics(p, y);
      QFAIL("expected DataError");
    } catch (const zd::DataError& e) {
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
  }

  void jsonRoundTrip() {
    const Rows rows{{0.6, 0.3, 0.1}, {0.3, 0.4, 0.3}, {0.2, 0.3, 0.5}, {0.4, 0.1, 0.5}};
    const auto m = zd::computeMetrics(probs(rows), labelsOf({0, 0, 2, 2}));
    const nlohmann::json j = zd::toJson(m, {"benign", "normal", "malignant"});
    QCOMPARE(j.at("samples").get<int64_t>(), int64_t(4));
    QCOMPARE(j.at("auc").get<double>(), 0.875);
    QCOMPARE(j.at("auc_kind").get<std::string>(), std::string("macro_ovr"));
    QCOMPARE(j.at("classes").get<std::vector<std::string>>(),
             (std::vector<std::string>{"benign", "normal", "malignant"}));
    QVERIFY(j.at("recall")[1].is_null());  // undefined → null, never NaN in the file
    QCOMPARE(j.at("confusion")[0][1].get<int64_t>(), int64_t(1));

    const auto back = zd::metricsFromJson(nlohmann::json::parse(j.dump()));
    QCOMPARE(back.samples, m.samples);
    QCOMPARE(back.accuracy, m.accuracy);
    QCOMPARE(back.auc, m.auc);
    QCOMPARE(back.auc_defined, m.auc_defined);
    QCOMPARE(back.classes_absent, m.classes_absent);
    QVERIFY(back.confusion == m.confusion);
    QVERIFY(same(back.precision, QList<double>(m.precision.begin(), m.precision.end())));
    QVERIFY(same(back.recall, QList<double>(m.recall.begin(), m.recall.end())));
    QVERIFY(same(back.f1, QList<double>(m.f1.begin(), m.f1.end())));
  }

  void jsonRejectsBadInput_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("not an object") << "[1]"
                                   << "must be an object";
    QTest::newRow("no confusion") << R"({"samples": 1})"
                                  << "'confusion' missing";
    QTest::newRow("ragged confusion") << R"({"confusion": [[1, 0], [0]]})"
                                      << "'confusion' must be a K×K";
    QTest::newRow("short precision")
        << R"({"confusion": [[1, 0], [0, 1]], "samples": 2, "accuracy": 1, "auc": 1, "auc_defined": true,
              "classes_absent": [], "precision": [1], "recall": [1, 1], "f1": [1, 1]})"
        << "'precision' must be an array of 2";
  }
  void jsonRejectsBadInput() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    try {
      zd::metricsFromJson(nlohmann::json::parse(text.toStdString()));
      QFAIL("expected DataError");
    } catch (const zd::DataError& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
    }
  }

  void classNamesMustMatch() {
    const auto m = zd::computeMetrics(probs({{0.9, 0.1}, {0.2, 0.8}}), labelsOf({0, 1}));
    QVERIFY_THROWS_EXCEPTION(zd::DataError, zd::toJson(m, {"only one"}));
    QVERIFY_THROWS_EXCEPTION(zd::DataError, zd::toMarkdown(m, {"a", "b", "c"}));
  }

  void markdownReport() {
    const Rows rows{{0.6, 0.3, 0.1}, {0.3, 0.4, 0.3}, {0.2, 0.3, 0.5}, {0.4, 0.1, 0.5}};
    const auto m = zd::computeMetrics(probs(rows), labelsOf({0, 0, 2, 2}));
    const QString md = QString::fromStdString(zd::toMarkdown(m, {"benign", "nor|mal", "malignant"}));
    QVERIFY2(md.contains("| Accuracy | 75.00 % |"), qPrintable(md));
    QVERIFY2(md.contains("| AUC (macro one-vs-rest) | 0.8750 |"), qPrintable(md));
    QVERIFY2(md.contains("left out of the macro AUC): nor\\|mal"), qPrintable(md));
    // Class 1: 0 samples, precision 0, recall and F1 undefined.
    QVERIFY2(md.contains("| nor\\|mal | 0 | 0.0000 | — | — |"), qPrintable(md));
    QVERIFY2(md.contains("| benign | 1 | 1 | 0 |"), qPrintable(md));  // confusion row: true benign
  }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "test_metrics.moc"
