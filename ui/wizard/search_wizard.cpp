#include "core/common/error.h"
#include "core/run/run_directory.h"

#include "ui/wizard/search_wizard.h"

#include "ui/study/compare_page.h"
#include "ui/wizard/band_preview.h"
#include "ui/wizard/budget_page.h"
#include "ui/wizard/data_page.h"
#include "ui/wizard/run_page.h"
#include "ui/wizard/schedule_page.h"
#include "ui/wizard/search_setup.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace {

const char* kConfigKey = "wizard/config";

// A new run folder next to the previous one (or under ~/zodarts-runs).
std::string freshRunFolder(const std::string& previous) {
  QString parent = previous.empty() ? QDir::home().filePath(QStringLiteral("zodarts-runs"))
                                    : QFileInfo(QString::fromStdString(previous)).absolutePath();
  return QDir(parent).filePath(QString::fromStdString(zd::defaultRunName())).toStdString();
}

}  // namespace

SearchWizard::SearchWizard(QWidget* parent) : QWizard(parent), setup_(new SearchSetup(this)) {
  setWindowTitle(tr("New search"));
  setWizardStyle(QWizard::ModernStyle);
  setOption(QWizard::NoBackButtonOnStartPage);
  setButtonText(QWizard::FinishButton, tr("Start"));
  zd::RunConfig config = rememberedConfig();
  config.out = freshRunFolder(config.out);
  setup_->setConfig(config);

  // One band for both pages that show it, following every page's settings.
  preview_ = new BandPreview(setup_, this);
  data_ = new DataPage(setup_, this);
  budget_ = new BudgetPage(setup_, preview_, this);
  schedule_ = new SchedulePage(setup_, this);
  compare_ = new ComparePage(setup_, this);
  run_ = new RunPage(setup_, preview_, this);
  setPage(Data, data_);
  setPage(Budget, budget_);
  setPage(Schedule, schedule_);
  setPage(Compare, compare_);
  setPage(Run, run_);
  resize(760, 680);
}

zd::RunConfig SearchWizard::config() const { return setup_->config(); }

zd::RunConfig SearchWizard::rememberedConfig() {
  const QString saved = QSettings().value(QString::fromLatin1(kConfigKey)).toString();
  if (saved.isEmpty()) return zd::RunConfig{};
  try {
    zd::RunConfig base;
    base.data.path = "-";  // a remembered file that has gone away is the data page's to report
    const auto json = nlohmann::json::parse(saved.toStdString());
    zd::RunConfig config = zd::runConfigFromJson(json, base);
    if (config.data.path == "-") config.data.path.clear();
    return config;
  } catch (const std::exception&) {
    // Settings from an older version that no longer validate: start from the defaults.
    return zd::RunConfig{};
  }
}

void SearchWizard::accept() {
  QSettings settings;
  settings.setValue(QString::fromLatin1(kConfigKey), QString::fromStdString(zd::toJson(config()).dump()));
  QWizard::accept();
}
