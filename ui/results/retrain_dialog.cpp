#include "ui/results/retrain_dialog.h"

#include "ui/dashboard/count_format.h"
#include "ui/wizard/config_fields.h"
#include "ui/wizard/device_choices.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace {

// One row of the dialog: a config key, its label and what it does.
struct Row {
  const char* key;
  const char* label;
  const char* help;
  enum Kind { Line, Check, Choice, Device } kind = Line;
};

struct Group {
  const char* title;
  std::vector<Row> rows;
};

// Every key of TrainOptions (train_options.h) appears once; the test of this dialog
// checks that none is missing.
const std::vector<Group>& groups() {
  static const std::vector<Group> kGroups = {
      {"Network and optimiser",
       {{"train.epochs", "Epochs", "Retraining epochs (the paper: 300; on a CPU try 20–50 first)"},
        {"train.channels", "Channels C",
         "Channels of stage 1 (stages have C, 2C, 4C); the search's width "
         "by default (0 also means it): another width changes the network's size"},
        {"train.batch", "Batch", "Images per step"},
        {"train.lr", "Learning rate", "Peak SGD learning rate, reached after the warm-up"},
        {"train.lr_min", "Final learning rate", "The cosine schedule ends here"},
        {"train.warmup_epochs", "Warm-up epochs", "Linear warm-up from the start fraction to the peak"},
        {"train.warmup_start", "Warm-up start", "Fraction of the peak learning rate at epoch 0"},
        {"train.momentum", "Momentum", "SGD momentum"},
        {"train.nesterov", "Nesterov momentum", "", Row::Check},
        {"train.weight_decay", "Weight decay", "L2 weight decay of SGD"},
        {"train.grad_clip", "Gradient clip", "Gradient-norm clip (0 = off)"}}},
      {"Regularisation",
       {{"train.label_smoothing", "Label smoothing", "ε: targets (1−ε)·one-hot + ε/K"},
        {"train.mixing", "Mixup / CutMix", "", Row::Check},
        {"train.mix_prob", "Mixed batches", "Probability that a batch is mixed"},
        {"train.cutmix_prob", "CutMix share", "Of the mixed batches: CutMix with this probability, else mixup"},
        {"train.mixup_alpha", "Mixup α", "λ ~ Beta(α, α)"},
        {"train.cutmix_alpha", "CutMix α", "λ ~ Beta(α, α); the box covers 1−λ of the image"},
        {"train.augment.resize", "Input size", "Images are resized to this side (0 = keep)"},
        {"train.augment.crop_padding", "Crop padding", "Random crop after zero padding by this many pixels"},
        {"train.augment.flip", "Random horizontal flip", "", Row::Check}}},
      {"Architecture and run",
       {{"train.derive", "Architecture",
         "argmax: the search's final genotype; sample: drawn from its final "
         "distributions",
         Row::Choice},
        {"train.derive_seed", "Sampling seed", "Seed of the draw when sampling"},
        {"train.seed", "Seed", "Weight initialisation, batch order, augmentation and mixing"},
        {"train.checkpoint_every", "Checkpoint every", "Epochs between checkpoints (0 = never)"},
        {"device", "Device", "", Row::Device},
        {"threads", "CPU threads", "0 = all cores"}}},
  };
  return kGroups;
}

}  // namespace

RetrainDialog::RetrainDialog(const zd::RunConfig& config, const SearchOutcome& search, QWidget* parent)
    : ConfigDialog(config, parent), search_(search) {
  setWindowTitle(tr("Retrain the architecture"));
  auto* columns = new QHBoxLayout;
  for (const Group& group : groups()) {
    auto* box = new QGroupBox(tr(group.title), this);
    auto* form = new QFormLayout(box);
    for (const Row& row : group.rows) {
      const QString label = tr(row.label);
      QWidget* editor = nullptr;
      if (row.kind == Row::Check) {
        editor = fields()->addCheck(row.key, label, box);
        form->addRow(QString(), editor);
      } else if (row.kind == Row::Device) {
        auto* combo = fields()->addChoice(row.key, label, {}, box);
        addDeviceChoices(combo);
        editor = combo;
        form->addRow(label, editor);
        continue;  // keeps the device list's own tooltip
      } else if (row.kind == Row::Choice) {
        editor = fields()->addChoice(row.key, label, enumWords<zd::TrainDerive>(), box);
        form->addRow(label, editor);
      } else {
        auto* edit = fields()->addLine(row.key, label, box);
        edit->setMaximumWidth(110);
        editor = edit;
        form->addRow(label, edit);
      }
      editor->setToolTip(tr(row.help));
    }
    columns->addWidget(box, 0, Qt::AlignTop);
  }
  size_ = new QLabel(this);
  size_->setObjectName(QStringLiteral("size"));
  size_->setWordWrap(true);
  auto* body = new QVBoxLayout;
  body->addLayout(columns);
  body->addWidget(size_);
  const int searchChannels = static_cast<int>(search.searchChannels);
  finish(tr("The architecture the search derived is trained from scratch on the training split; the epoch with "
            "the best validation accuracy is kept, then scored on the test split. Defaults are the paper's protocol "
            "(ALGORITHM.md §7) at the search's width, so the retrained network has the size the search chose."),
         body, [searchChannels](const zd::RunConfig& base) {
           zd::RunConfig defaults = base;
           defaults.train = zd::TrainOptions{};
           if (searchChannels > 0) defaults.train.channels = searchChannels;
           return defaults;
         });
  okButton()->setText(tr("Retrain"));
  // After every check, typed or Restore defaults (which loads the fields quietly).
  connect(this, &ConfigDialog::checked, this, &RetrainDialog::updateSize);
  updateSize();
}

QString RetrainDialog::sizeText() const { return size_->text(); }

void RetrainDialog::updateSize() {
  outside_ = false;
  size_->setStyleSheet(QString());
  const auto* edit = qobject_cast<QLineEdit*>(fields()->editor("train.channels"));
  bool ok = false;
  const int64_t typed = edit ? edit->text().trimmed().toLongLong(&ok) : -1;
  // 0 is the search's width, as the engine reads train.channels.
  const int64_t c = ok && typed == 0 ? search_.searchChannels : typed;
  if (!ok || c < 1) {  // the problem line says what is wrong with the width
    size_->clear();
    return;
  }
  const int64_t params = search_.paramsAt(c);
  if (params < 0) {
    size_->setText(tr("C = %1: the size at this width is unknown (the run's genotype.json does not say the "
                      "architecture, the image channels or the classes).")
                       .arg(c));
    return;
  }
  const auto* derive = qobject_cast<QComboBox*>(fields()->editor("train.derive"));
  const bool sampled = derive && derive->currentText() == QLatin1String("sample");
  QString text = sampled ? tr("C = %1: the search's derived architecture has %2 parameters (a sampled one differs)")
                         : tr("C = %1: %2 parameters");
  text = text.arg(c).arg(formatCount(static_cast<double>(params)));
  if (c == search_.searchChannels) text += tr(", the search's width");
  if (search_.hasBand()) {
    outside_ = !insideBand(static_cast<double>(params), search_.bandMin, search_.bandMax);
    text += (outside_ ? tr(", outside the band %1") : tr(", inside the band %1"))
                .arg(bandRange(search_.bandMin, search_.bandMax));
  } else {
    text += tr(" (the search had no budget band)");
  }
  if (search_.searchChannels > 0 && c != search_.searchChannels)
    text += tr(" (at the search's width C = %1: %2)")
                .arg(search_.searchChannels)
                .arg(formatCount(static_cast<double>(search_.paramsAt(search_.searchChannels))));
  text += QLatin1Char('.');
  if (outside_) size_->setStyleSheet(QStringLiteral("color: #b00020;"));
  size_->setText(text);
}
