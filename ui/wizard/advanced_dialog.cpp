#include "ui/wizard/advanced_dialog.h"

#include "ui/wizard/config_fields.h"

#include <nlohmann/json.hpp>

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <functional>
#include <map>

namespace {

const char* kRetrainPrefix = "train.";

// Settings with a fixed set of values get a combo box.
const std::map<std::string, QStringList>& choices() {
  static const std::map<std::string, QStringList> kChoices = {
      {"search.arch.estimator", {QStringLiteral("zo"), QStringLiteral("darts1")}},
      {"search.distribution", {QStringLiteral("sparsemax"), QStringLiteral("softmax")}},
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
    : QDialog(parent), base_(config), config_(config), fields_(new ConfigFields(this)) {
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
    const nlohmann::json value = all.at(nlohmann::json::json_pointer("/" + QString::fromStdString(key)
                                                                               .replace(QLatin1Char('.'), QLatin1Char('/'))
                                                                               .toStdString()));
    if (value.is_boolean()) {
      form->addRow(QString(), fields_->addCheck(key, label, host));
    } else if (choices().count(key)) {
      form->addRow(label, fields_->addChoice(key, label, choices().at(key), host));
    } else {
      auto* edit = fields_->addLine(key, label, host);
      edit->setMaximumWidth(140);
      form->addRow(label, edit);
    }
  }
  fields_->load(config);

  auto* scroll = new QScrollArea(this);
  scroll->setWidget(host);
  scroll->setWidgetResizable(true);
  problemLabel_ = new QLabel(this);
  problemLabel_->setObjectName(QStringLiteral("problem"));
  problemLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
  problemLabel_->setWordWrap(true);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel |
                                       QDialogButtonBox::RestoreDefaults, this);
  ok_ = buttons->button(QDialogButtonBox::Ok);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this]() {
    fields_->load(zd::RunConfig{});
    check();
  });
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("Defaults are those of the ZO-DARTS++ paper (ALGORITHM.md)."), this));
  layout->addWidget(scroll, 1);
  layout->addWidget(problemLabel_);
  layout->addWidget(buttons);
  resize(460, 600);
  connect(fields_, &ConfigFields::edited, this, &AdvancedDialog::check);
  check();
}

void AdvancedDialog::check() {
  zd::RunConfig config;
  problem_ = fields_->store(base_, &config);
  fields_->highlight(problem_.isEmpty() ? std::string() : fields_->blamedKey());
  problemLabel_->setText(problem_);
  ok_->setEnabled(problem_.isEmpty());
  if (problem_.isEmpty()) config_ = config;
}
