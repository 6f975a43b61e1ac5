#include "ui/wizard/config_fields.h"

#include "core/common/count_text.h"
#include "core/common/error.h"
#include "core/common/json_fields.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalBlocker>

#include <cmath>

namespace {

using nlohmann::json;

// What kind of JSON value a key holds, from the defaults (the one list of settings
// lives in run_config.cpp; asking it keeps the two from drifting apart).
json defaultValue(const std::string& key) { return zd::toJson(zd::RunConfig{}).at(zd::jsonPointer(key)); }

QString shownNumber(const json& v) { return QString::fromStdString(v.dump()); }

const char* kErrorStyle = "background-color: #ffe0e0;";

}  // namespace

ConfigFields::ConfigFields(QObject* parent) : QObject(parent) {}

QLineEdit* ConfigFields::addLine(const std::string& key, const QString& label, QWidget* parent, bool counts) {
  auto* edit = new QLineEdit(parent);
  edit->setObjectName(QString::fromStdString(key));
  edit->setToolTip(QStringLiteral("Config key %1").arg(QString::fromStdString(key)));
  connect(edit, &QLineEdit::textChanged, this, &ConfigFields::edited);
  fields_[key] = Field{edit, label, counts};
  return edit;
}

QCheckBox* ConfigFields::addCheck(const std::string& key, const QString& label, QWidget* parent) {
  auto* box = new QCheckBox(label, parent);
  box->setObjectName(QString::fromStdString(key));
  box->setToolTip(QStringLiteral("Config key %1").arg(QString::fromStdString(key)));
  connect(box, &QCheckBox::toggled, this, &ConfigFields::edited);
  fields_[key] = Field{box, label, false};
  return box;
}

QComboBox* ConfigFields::addChoice(const std::string& key, const QString& label, const QStringList& values,
                                   QWidget* parent, bool editable) {
  auto* combo = new QComboBox(parent);
  combo->setEditable(editable);
  combo->addItems(values);
  combo->setObjectName(QString::fromStdString(key));
  combo->setToolTip(QStringLiteral("Config key %1").arg(QString::fromStdString(key)));
  connect(combo, &QComboBox::currentTextChanged, this, &ConfigFields::edited);
  fields_[key] = Field{combo, label, false};
  return combo;
}

void ConfigFields::load(const zd::RunConfig& config) {
  const json all = zd::toJson(config);
  for (auto& [key, field] : fields_) {
    // Showing values is not editing them: no edited() per field half-way through.
    const QSignalBlocker quiet(field.editor);
    const json v = all.at(zd::jsonPointer(key));
    if (auto* edit = qobject_cast<QLineEdit*>(field.editor)) {
      if (field.counts && v.is_number()) edit->setText(QString::fromStdString(zd::exactCount(v.get<double>())));
      else edit->setText(v.is_string() ? QString::fromStdString(v.get<std::string>()) : shownNumber(v));
    } else if (auto* box = qobject_cast<QCheckBox*>(field.editor)) {
      box->setChecked(v.get<bool>());
    } else if (auto* combo = qobject_cast<QComboBox*>(field.editor)) {
      const QString text = v.is_string() ? QString::fromStdString(v.get<std::string>()) : shownNumber(v);
      // Items may show a label and carry their value as data (the device list).
      int index = combo->findData(text);
      if (index < 0) index = combo->findText(text);
      if (index < 0) {
        combo->addItem(text);
        index = combo->count() - 1;
      }
      combo->setCurrentIndex(index);
    }
  }
  highlight("");
}

QString ConfigFields::store(const zd::RunConfig& base, zd::RunConfig* out) const {
  blamed_.clear();
  json patch = json::object();
  for (const auto& [key, field] : fields_) {
    // A disabled field does not apply (e.g. the custom band under a preset): whatever
    // it shows, `base`'s value stands, so it can never block the others.
    if (!field.editor->isEnabled()) continue;
    const json kind = defaultValue(key);
    if (auto* box = qobject_cast<QCheckBox*>(field.editor)) {
      patch[zd::jsonPointer(key)] = box->isChecked();
      continue;
    }
    // A line edit or a combo box (whose text may be a number: the image size).
    const auto* combo = qobject_cast<QComboBox*>(field.editor);
    const QString text = (combo ? (combo->currentData().isValid() ? combo->currentData().toString()
                                                                  : combo->currentText())
                                : qobject_cast<QLineEdit*>(field.editor)->text())
                             .trimmed();
    if (kind.is_string()) {
      patch[zd::jsonPointer(key)] = text.toStdString();
      continue;
    }
    double number = 0;
    bool ok = false;
    if (field.counts) {
      const auto count = zd::parseCount(text.toStdString());
      ok = count.has_value();
      number = count.value_or(0);
    } else {
      number = text.toDouble(&ok);  // C locale: "1e-3", "0.75"
    }
    if (!ok || !std::isfinite(number)) {
      blamed_ = key;
      return text.isEmpty() ? QStringLiteral("%1: enter a value").arg(field.label)
             : field.counts
                 ? QStringLiteral("%1: \"%2\" is not a parameter count such as 200k or 1.5M").arg(field.label, text)
                 : QStringLiteral("%1: \"%2\" is not a number").arg(field.label, text);
    }
    if (kind.is_number_integer()) {
      if (number != std::floor(number)) {
        blamed_ = key;
        return QStringLiteral("%1: must be a whole number, got %2").arg(field.label, text);
      }
      if (kind.is_number_unsigned() && number < 0) {
        blamed_ = key;
        return QStringLiteral("%1: must be 0 or more, got %2").arg(field.label, text);
      }
      if (std::fabs(number) > 9.0e15) {
        blamed_ = key;
        return QStringLiteral("%1: %2 is too large").arg(field.label, text);
      }
      patch[zd::jsonPointer(key)] = static_cast<int64_t>(number);
    } else {
      patch[zd::jsonPointer(key)] = number;
    }
  }
  zd::RunConfig checked = base;
  // The data page owns data.path; other pages must not fail on its absence.
  const bool placeholder = checked.data.path.empty() && !fields_.count("data.path");
  if (placeholder) checked.data.path = "-";
  try {
    checked = zd::runConfigFromJson(patch, checked);
  } catch (const zd::Error& e) {
    return humanize(QString::fromStdString(e.what()));
  }
  if (placeholder) checked.data.path.clear();
  *out = checked;
  return QString();
}

QString ConfigFields::humanize(QString message) const {
  // The engine names settings by key; the user knows them by their labels. Longer
  // keys first, so "search.weights.lr" does not eat into "search.weights.lr_min".
  for (auto it = fields_.rbegin(); it != fields_.rend(); ++it) {
    const auto& [key, field] = *it;
    const QString k = QString::fromStdString(key);
    const QString prefix = QStringLiteral("config key '%1'").arg(k);
    if (message.startsWith(prefix)) blamed_ = key;
    message.replace(prefix, field.label);
    message.replace(k, QStringLiteral("\"%1\"").arg(field.label));
  }
  return message;
}

QWidget* ConfigFields::editor(const std::string& key) const {
  const auto it = fields_.find(key);
  return it == fields_.end() ? nullptr : it->second.editor;
}

QString ConfigFields::label(const std::string& key) const {
  const auto it = fields_.find(key);
  return it == fields_.end() ? QString() : it->second.label;
}

std::vector<std::string> ConfigFields::keys() const {
  std::vector<std::string> k;
  for (const auto& entry : fields_) k.push_back(entry.first);
  return k;
}

void ConfigFields::highlight(const std::string& key) const {
  for (const auto& [k, field] : fields_)
    field.editor->setStyleSheet(k == key ? QString::fromLatin1(kErrorStyle) : QString());
}
