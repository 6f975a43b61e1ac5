// Editors bound to RunConfig keys ("search.epochs"). Each field is parsed as you
// type and the whole config is checked with zd::validate, so the wizard's messages
// are the engine's own, with the key replaced by the field's label
// ("Epochs: must be at least 1, got 0"). One mechanism serves every wizard page and
// the Advanced dialog, so a setting added to RunConfig needs no new GUI code there.
// Thread-safety: GUI thread only.
#pragma once

#include "core/run/run_config.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <map>
#include <string>
#include <vector>

class QWidget;
class QLineEdit;
class QCheckBox;
class QComboBox;

// The words an enum setting takes, from the engine's own list (for addChoice).
template <class E>
QStringList enumWords() {
  QStringList words;
  for (const auto& name : zd::enumNames<E>()) words << QString::fromStdString(name);
  return words;
}

class ConfigFields : public QObject {
  Q_OBJECT

 public:
  explicit ConfigFields(QObject* parent = nullptr);

  // A line edit for a number or text setting. `counts` lets a parameter count be
  // typed with a k or M suffix ("200k", "1.5M").
  QLineEdit* addLine(const std::string& key, const QString& label, QWidget* parent, bool counts = false);
  // A check box for a true/false setting.
  QCheckBox* addCheck(const std::string& key, const QString& label, QWidget* parent);
  // A combo box offering `values` for a setting; `editable` lets other values be
  // typed (e.g. any image size besides the usual ones).
  QComboBox* addChoice(const std::string& key, const QString& label, const QStringList& values, QWidget* parent,
                       bool editable = false);

  // Shows `config`'s values in the fields.
  void load(const zd::RunConfig& config);

  // Writes the fields into a copy of `base` and validates it. Returns "" and sets
  // `*out` when valid; otherwise the reason, naming the field by its label, and
  // leaves `*out` alone. Disabled fields are skipped (base's value stands). An empty
  // data.path in `base` is not this page's concern.
  QString store(const zd::RunConfig& base, zd::RunConfig* out) const;

  // The field the last store() blamed ("" when none), for highlighting.
  std::string blamedKey() const { return blamed_; }
  QWidget* editor(const std::string& key) const;
  QString label(const std::string& key) const;
  std::vector<std::string> keys() const;

  // Shows the field of `key` (if any) as wrong and clears the mark on the others.
  void highlight(const std::string& key) const;

 Q_SIGNALS:
  // A field's value changed (typed, or set by code other than load()).
  void edited();

 private:
  struct Field {
    QWidget* editor = nullptr;
    QString label;
    bool counts = false;
  };
  QString humanize(QString message) const;

  std::map<std::string, Field> fields_;
  mutable std::string blamed_;
};
