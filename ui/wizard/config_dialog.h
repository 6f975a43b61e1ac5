// A dialog of RunConfig fields (config_fields.h) validated as you type: the problem
// is shown in red and blocks OK; Restore defaults loads the defaults the subclass
// names. Shared by the wizard's Advanced dialog and the Results page's retrain
// dialog. Thread-safety: GUI thread only.
#pragma once

#include "core/run/run_config.h"

#include <QDialog>

#include <functional>

class ConfigFields;
class QLabel;
class QLayout;
class QPushButton;

class ConfigDialog : public QDialog {
  Q_OBJECT

 public:
  // The edited config; valid whenever problem() is empty.
  const zd::RunConfig& config() const { return config_; }
  QString problem() const { return problem_; }
  ConfigFields* fields() const { return fields_; }
  QPushButton* okButton() const { return ok_; }

 Q_SIGNALS:
  // The fields were checked (after each edit and after Restore defaults); config()
  // and problem() are up to date.
  void checked();

 protected:
  ConfigDialog(const zd::RunConfig& config, QWidget* parent);
  // Call once the subclass has added its fields to fields(): shows `config`, lays out
  // `intro`, `body`, the problem line and the buttons, and checks the fields.
  // `defaults(base)` is what Restore defaults loads.
  void finish(const QString& intro, QLayout* body, std::function<zd::RunConfig(const zd::RunConfig& base)> defaults);

 private:
  void check();

  zd::RunConfig base_;
  zd::RunConfig config_;
  ConfigFields* fields_;
  QLabel* problemLabel_ = nullptr;
  QPushButton* ok_ = nullptr;
  QString problem_;
};
