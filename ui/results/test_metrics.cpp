#include "ui/results/test_metrics.h"

#include "core/common/error.h"
#include "core/train/metrics.h"

#include <nlohmann/json.hpp>

#include <QFile>

#include <numeric>

bool readTestMetrics(const QString& file, TestMetrics* out, QString* error) {
  QFile in(file);
  if (!in.open(QIODevice::ReadOnly)) {
    if (error) *error = file + QStringLiteral(": cannot read it (") + in.errorString() + QStringLiteral(")");
    return false;
  }
  try {
    const auto j = nlohmann::json::parse(in.readAll().toStdString());
    const zd::ClassificationMetrics m = zd::metricsFromJson(j);
    TestMetrics t;
    t.samples = m.samples;
    t.accuracy = m.accuracy;
    t.auc = m.auc;
    t.aucDefined = m.auc_defined;
    if (j.contains("classes"))
      for (const auto& name : j.at("classes")) t.classNames.append(QString::fromStdString(name.get<std::string>()));
    for (const auto& row : m.confusion) {
      t.confusion.append(QVector<qint64>(row.begin(), row.end()));
      t.support.append(std::accumulate(row.begin(), row.end(), qint64{0}));
    }
    t.precision = QVector<double>(m.precision.begin(), m.precision.end());
    t.recall = QVector<double>(m.recall.begin(), m.recall.end());
    t.f1 = QVector<double>(m.f1.begin(), m.f1.end());
    *out = std::move(t);
    return true;
  } catch (const std::exception& e) {
    if (error) *error = file + QStringLiteral(": ") + QString::fromStdString(e.what());
    return false;
  }
}
