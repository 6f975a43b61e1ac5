// The test-split metrics of a retrained run as the Results page shows them, read from
// the run's metrics.json (written by zd::evaluateRun), so a live evaluation and an
// earlier run opened from disk go through the same file. Plain value type.
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

struct TestMetrics {
  qint64 samples = 0;
  double accuracy = 0;
  double auc = 0;
  bool aucDefined = false;
  QStringList classNames;                 // one per class
  QVector<QVector<qint64>> confusion;     // [true][predicted]
  QVector<double> precision, recall, f1;  // per class; NaN where undefined
  QVector<qint64> support;                // test images per class (row sums)
};

// Reads `file` (metrics.json); false with *error naming the file and the problem.
bool readTestMetrics(const QString& file, TestMetrics* out, QString* error);
