#include "ui/wizard/data_page.h"

#include "ui/worker/background_task.h"
#include "ui/wizard/config_fields.h"
#include "ui/wizard/search_setup.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

namespace {

// Typing a file name loads it once the user pauses this long, not at every keystroke.
constexpr int kLoadDelayMs = 400;
constexpr int kThumbnailPixels = 40;
constexpr int kShareFieldWidth = 70;
const char* kProblemStyle = "color: #b00020;";

}  // namespace

DataPage::DataPage(SearchSetup* setup, QWidget* parent)
    : QWizardPage(parent), setup_(setup), fields_(new ConfigFields(this)), debounce_(new QTimer(this)) {
  setTitle(tr("Data"));
  setSubTitle(tr("Choose a MedMNIST-style .npz file, a folder with one sub-folder per class (PNG, JPEG, TIFF, "
                 "DICOM …) or a CSV manifest. You can also drop it here."));
  setAcceptDrops(true);

  path_ = fields_->addLine("data.path", tr("Data"), this);
  path_->setPlaceholderText(tr("/path/to/data.npz or /path/to/image-folder"));
  path_->setAcceptDrops(false);  // a dropped file goes to the page, which loads it
  auto* load = new QPushButton(tr("Load"), this);
  auto* openFile = new QPushButton(tr("File…"), this);
  auto* openFolder = new QPushButton(tr("Folder…"), this);
  auto* pathRow = new QHBoxLayout;
  pathRow->addWidget(path_, 1);
  pathRow->addWidget(load);
  pathRow->addWidget(openFile);
  pathRow->addWidget(openFolder);

  // How image files are read (a .npz is already sized and split).
  auto* imagesBox = new QGroupBox(tr("Image files"), this);
  auto* size = fields_->addChoice("data.images.size", tr("Target size"),
                                  {QStringLiteral("28"), QStringLiteral("32"), QStringLiteral("64"),
                                   QStringLiteral("128"), QStringLiteral("224")},
                                  imagesBox, /*editable=*/true);
  auto* pad = fields_->addCheck("data.images.pad", tr("Pad to a square (instead of a centre crop)"), imagesBox);
  auto* splitRow = new QHBoxLayout;
  const std::pair<const char*, QString> shares[] = {{"data.images.train", tr("Train share")},
                                                    {"data.images.val", tr("Val share")},
                                                    {"data.images.test", tr("Test share")}};
  for (const auto& [key, label] : shares) {
    auto* edit = fields_->addLine(key, label, imagesBox);
    edit->setMaximumWidth(kShareFieldWidth);
    splitRow->addWidget(new QLabel(label.section(QLatin1Char(' '), 0, 0).toLower(), imagesBox));
    splitRow->addWidget(edit);
  }
  splitRow->addStretch();
  auto* imagesForm = new QFormLayout(imagesBox);
  imagesForm->addRow(tr("Target size (pixels)"), size);
  imagesForm->addRow(QString(), pad);
  imagesForm->addRow(tr("Split when not pre-split"), splitRow);

  auto* archFraction = fields_->addLine("data.arch_fraction", tr("Architecture share"), this);
  archFraction->setMaximumWidth(kShareFieldWidth);
  archFraction->setToolTip(tr("Share of train+val that trains the architecture; the rest trains the weights "
                              "(the test split is never used by the search)"));

  problemLabel_ = new QLabel(this);
  problemLabel_->setObjectName(QStringLiteral("problem"));
  problemLabel_->setWordWrap(true);
  warnings_ = new QLabel(this);
  warnings_->setObjectName(QStringLiteral("warnings"));
  warnings_->setStyleSheet(QStringLiteral("color: #a05a00;"));
  warnings_->setWordWrap(true);
  summary_ = new QPlainTextEdit(this);
  summary_->setReadOnly(true);
  summary_->setMaximumHeight(130);
  auto* thumbsHost = new QWidget(this);
  thumbs_ = new QGridLayout(thumbsHost);
  thumbs_->setSpacing(2);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(thumbsHost);
  scroll->setWidgetResizable(true);
  scroll->setMinimumHeight(150);

  auto* form = new QFormLayout;
  form->addRow(tr("Data set"), pathRow);
  form->addRow(tr("Architecture share"), archFraction);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(imagesBox);
  layout->addWidget(problemLabel_);
  layout->addWidget(warnings_);
  layout->addWidget(summary_);
  layout->addWidget(scroll, 1);

  debounce_->setSingleShot(true);
  debounce_->setInterval(kLoadDelayMs);
  connect(debounce_, &QTimer::timeout, this, &DataPage::startLoad);
  connect(fields_, &ConfigFields::edited, this, &DataPage::check);
  auto loadTyped = [this]() {
    loadedKey_.clear();  // read again, e.g. after files were added to the folder
    setDataPath(path_->text().trimmed());
  };
  connect(load, &QPushButton::clicked, this, loadTyped);
  connect(path_, &QLineEdit::returnPressed, this, loadTyped);
  connect(openFile, &QPushButton::clicked, this, [this]() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Open a data set"), path_->text(),
                                                      tr("Data sets (*.npz *.csv);;All files (*)"));
    if (!file.isEmpty()) setDataPath(file);
  });
  connect(openFolder, &QPushButton::clicked, this, [this]() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open an image folder"), path_->text());
    if (!dir.isEmpty()) setDataPath(dir);
  });
}

void DataPage::initializePage() {
  fields_->load(setup_->config());
  check();
}

bool DataPage::isComplete() const { return problem_.isEmpty() && !loading_; }

void DataPage::setDataPath(const QString& path) {
  loadNow_ = true;
  if (path_->text() == path) check();
  else path_->setText(path);    // checks
  if (debounce_->isActive()) {  // chosen, not typed: no need to wait for more keys
    debounce_->stop();
    startLoad();
  }
}

void DataPage::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void DataPage::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.first().isLocalFile()) setDataPath(urls.first().toLocalFile());
}

void DataPage::check() {
  const QString path = path_->text().trimmed();
  const bool loadNow = loadNow_;
  loadNow_ = false;
  std::string blamed = "data.path";
  zd::RunConfig config;
  // The path first: the engine's message for an empty one speaks of the CLI's --data.
  if (path.isEmpty()) {
    problem_ = tr("Data: choose a .npz file, an image folder or a CSV manifest");
  } else if (!QFileInfo::exists(path)) {
    problem_ = tr("Data: %1 does not exist").arg(path);
  } else {
    problem_ = fields_->store(setup_->config(), &config);
    blamed = fields_->blamedKey();
  }

  if (problem_.isEmpty()) {
    setup_->setConfig(config);
    // What decides the loaded images: config.data but for the architecture share.
    nlohmann::json data = zd::toJson(config).at("data");
    data.erase("arch_fraction");
    const QString key = QString::fromStdString(data.dump());
    // A typed folder is read only on request (Enter, Load, Browse, drop): pausing
    // at "/" while typing must not start reading the whole disk. Files, and new
    // settings for a folder already requested, load by themselves.
    const bool mayLoad = QFileInfo(path).isFile() || loadNow || path == requestedPath_;
    if (key != loadedKey_ && mayLoad) {
      loadedKey_ = key;
      requestedPath_ = path;
      loadError_.clear();
      loading_ = true;
      ++generation_;
      debounce_->start();
    } else if (key != loadedKey_) {
      problem_ = tr("Data: press Enter or Load to read the folder %1").arg(path);
      loading_ = false;
      ++generation_;
    }
    if (problem_.isEmpty() && !loadError_.isEmpty()) problem_ = loadError_;
  } else {
    // The path or a setting is wrong: forget what was loaded for the old one.
    loadedKey_.clear();
    loading_ = false;
    ++generation_;
  }
  fields_->highlight(problem_.isEmpty() ? std::string() : blamed);
  const bool busy = loading_ && problem_.isEmpty();
  problemLabel_->setText(busy ? tr("Loading %1 …").arg(path) : problem_);
  problemLabel_->setStyleSheet(busy ? QString() : QString::fromLatin1(kProblemStyle));
  Q_EMIT completeChanged();
}

void DataPage::startLoad() {
  const int generation = generation_;
  const zd::RunConfig config = setup_->config();
  runInBackground<DataFacts>(
      this, [config]() { return probeDataset(config); },
      [this, generation](DataFacts facts) {
        if (generation != generation_) return;  // the user has moved on
        loading_ = false;
        if (!facts.valid()) loadError_ = tr("Data: %1 has fewer than 2 classes").arg(facts.path);
        else setup_->setFacts(facts);
        showFacts();
        check();
      },
      [this, generation](QString message) {
        if (generation != generation_) return;
        loading_ = false;
        loadError_ = message;
        showFacts();
        check();
      });
}

void DataPage::showFacts() {
  while (QLayoutItem* item = thumbs_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  const DataFacts& facts = setup_->facts();
  if (!loadError_.isEmpty() || facts.path != path_->text().trimmed()) {
    summary_->clear();
    warnings_->clear();
    return;
  }
  summary_->setPlainText(facts.summary);
  warnings_->setText(facts.warnings.join(QLatin1Char('\n')));
  for (int k = 0; k < facts.thumbnails.size(); ++k) {
    thumbs_->addWidget(new QLabel(facts.class_names.value(k), thumbs_->parentWidget()), k, 0);
    for (int i = 0; i < facts.thumbnails[k].size(); ++i) {
      auto* image = new QLabel(thumbs_->parentWidget());
      image->setPixmap(QPixmap::fromImage(facts.thumbnails[k][i].scaled(kThumbnailPixels, kThumbnailPixels,
                                                                        Qt::KeepAspectRatio,
                                                                        Qt::SmoothTransformation)));
      thumbs_->addWidget(image, k, i + 1);
    }
  }
}
