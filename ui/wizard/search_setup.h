// The search being set up in the wizard: the RunConfig its pages edit together and
// what the data page learned about the data. Each page commits only valid values,
// so config() is always valid apart from a missing data path or output folder.
// Thread-safety: GUI thread only.
#pragma once

#include "core/run/run_config.h"
#include "ui/wizard/data_probe.h"

#include <QObject>

class SearchSetup : public QObject {
  Q_OBJECT

 public:
  explicit SearchSetup(QObject* parent = nullptr) : QObject(parent) {}

  const zd::RunConfig& config() const { return config_; }
  // Replaces the config; emits configChanged() when anything differs.
  void setConfig(const zd::RunConfig& config);

  const DataFacts& facts() const { return facts_; }
  void setFacts(const DataFacts& facts);

 Q_SIGNALS:
  void configChanged();
  void factsChanged();

 private:
  zd::RunConfig config_;
  DataFacts facts_;
};
