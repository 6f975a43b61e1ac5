#include "ui/wizard/advanced_dialog.h"

#include "ui/wizard/config_fields.h"

#include "core/common/memory_format.h"
#include "core/search/search_options.h"

#include <nlohmann/json.hpp>

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QVBoxLayout>

#include <functional>
#include <map>

namespace {

const char* kRetrainPrefix = "train.";

// Settings with a fixed set of values get a combo box.
const std::map<std::string, QStringList>& choices() {
  static const std::map<std::string, QStringList> kChoices = {
      {"search.method", enumWords<zd::Method>()},
      {"search.arch.estimator", enumWords<zd::Estimator>()},
      {"search.distribution", enumWords<zd::Distribution>()},
      {"search.memory_format", enumWords<zd::MemoryFormat>()},
      {"search.parallel_copies", enumWords<zd::ParallelCopies>()},
      {"search.precision", enumWords<zd::Precision>()},
      {"search.derive", enumWords<zd::DeriveMode>()},
      {"search.arch.perturbed_momentum", enumWords<zd::PerturbedMomentum>()},
      {"search.arch.penalty_gradient", enumWords<zd::PenaltyGradient>()},
      {"search.arch.penalty_path", enumWords<zd::PenaltyPath>()},
      {"search.arch.direct_gradient", enumWords<zd::DirectGradient>()},
  };
  return kChoices;
}

// Leaf keys of a JSON object, dotted ("search.weights.lr"), in document order.
void leafKeys(const nlohmann::json& j, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [name, value] : j.items()) {
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    if (value.is_object()) leafKeys(value, key, out);
    else out.push_back(key);
  }
}

}  // namespace

AdvancedDialog::AdvancedDialog(const zd::RunConfig& config, const std::set<std::string>& shownElsewhere,
                               QWidget* parent)
    : ConfigDialog(config, parent) {
  setWindowTitle(tr("Advanced settings"));
  auto* host = new QWidget(this);
  auto* form = new QFormLayout(host);
  const nlohmann::json all = zd::toJson(config);
  std::vector<std::string> keys;
  leafKeys(all, "", keys);
  for (const auto& key : keys) {
    // Retraining settings belong to the retrain dialog, not to the search.
    if (shownElsewhere.count(key) || key.rfind(kRetrainPrefix, 0) == 0) continue;
    // "search.weights.lr" reads as "weights.lr" here: the group names the optimiser.
    const QString label = QString::fromStdString(key.rfind("search.", 0) == 0 ? key.substr(7) : key);
    const nlohmann::json value = all.at(nlohmann::json::json_pointer(
        "/" + QString::fromStdString(key).replace(QLatin1Char('.'), QLatin1Char('/')).toStdString()));
    if (value.is_boolean()) {
      form->addRow(QString(), fields()->addCheck(key, label, host));
    } else if (choices().count(key)) {
      form->addRow(label, fields()->addChoice(key, label, choices().at(key), host));
    } else {
      auto* edit = fields()->addLine(key, label, host);
      edit->setMaximumWidth(140);
      form->addRow(label, edit);
    }
  }
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(host);
  scroll->setWidgetResizable(true);
  auto* body = new QVBoxLayout;
  body->addWidget(scroll, 1);
  finish(tr("Defaults are those of the ZO-DARTS++ paper (ALGORITHM.md)."), body,
         [](const zd::RunConfig&) { return zd::RunConfig{}; });
  resize(460, 600);
}
