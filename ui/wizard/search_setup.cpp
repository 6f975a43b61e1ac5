#include "ui/wizard/search_setup.h"

#include <nlohmann/json.hpp>

void SearchSetup::setConfig(const zd::RunConfig& config) {
  // Comparing the JSON forms compares every setting without a hand-kept list.
  const bool changed = zd::toJson(config) != zd::toJson(config_);
  config_ = config;
  if (changed) Q_EMIT configChanged();
}

void SearchSetup::setFacts(const DataFacts& facts) {
  facts_ = facts;
  Q_EMIT factsChanged();
}
