#include "ui/wizard/config_dialog.h"

#include "ui/wizard/config_fields.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

ConfigDialog::ConfigDialog(const zd::RunConfig& config, QWidget* parent)
    : QDialog(parent), base_(config), config_(config), fields_(new ConfigFields(this)) {}

void ConfigDialog::finish(const QString& intro, QLayout* body,
                          std::function<zd::RunConfig(const zd::RunConfig& base)> defaults) {
  fields_->load(base_);
  problemLabel_ = new QLabel(this);
  problemLabel_->setObjectName(QStringLiteral("problem"));
  problemLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
  problemLabel_->setWordWrap(true);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel |
                                           QDialogButtonBox::RestoreDefaults,
                                       this);
  ok_ = buttons->button(QDialogButtonBox::Ok);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
          [this, defaults = std::move(defaults)]() {
            fields_->load(defaults(base_));
            check();
          });
  auto* introLabel = new QLabel(intro, this);
  introLabel->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(introLabel);
  layout->addLayout(body);
  layout->addWidget(problemLabel_);
  layout->addWidget(buttons);
  connect(fields_, &ConfigFields::edited, this, &ConfigDialog::check);
  check();
}

void ConfigDialog::check() {
  zd::RunConfig config;
  problem_ = fields_->store(base_, &config);
  fields_->highlight(problem_.isEmpty() ? std::string() : fields_->blamedKey());
  problemLabel_->setText(problem_);
  ok_->setEnabled(problem_.isEmpty());
  if (problem_.isEmpty()) config_ = config;
  Q_EMIT checked();
}
