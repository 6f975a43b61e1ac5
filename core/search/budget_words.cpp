#include "core/search/budget_words.h"

#include "core/common/count_text.h"

namespace zd {

std::string applyBudgetWord(const std::string& value, BudgetOptions& budget) {
  const auto preset = enumFromName<BudgetPreset>(value);
  if (preset && *preset != BudgetPreset::Custom) {
    budget.preset = *preset;
    budget.min_params = 0;
    budget.max_params = 0;
    return "";
  }
  const auto colon = value.find(':');
  if (colon == std::string::npos)
    return "expected none, small, medium, large or MIN:MAX (parameter counts, e.g. 200k:1.5M), got '" + value + "'";
  const auto lo = parseCount(value.substr(0, colon));
  const auto hi = parseCount(value.substr(colon + 1));
  if (!lo || !hi)
    return "MIN and MAX in '" + value +
           "' must be parameter counts such as 135000, 200k, 1.5M or 2e5 (M for million: m is refused)";
  if (*lo >= *hi) return "MIN must be below MAX, got '" + value + "'";
  budget.preset = BudgetPreset::Custom;
  budget.min_params = *lo;
  budget.max_params = *hi;
  return "";
}

std::string budgetWord(const BudgetOptions& budget) {
  if (budget.preset != BudgetPreset::Custom) return nameOf(budget.preset);
  return exactCount(budget.min_params) + ":" + exactCount(budget.max_params);
}

}  // namespace zd
