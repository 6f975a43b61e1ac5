#include "ui/results/retrain_dialog.h"

#include "ui/wizard/config_fields.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLineEdit>

namespace {

// One row of the dialog: a config key, its label and what it does.
struct Row {
  const char* key;
  const char* label;
  const char* help;
  enum Kind { Line, Check, Choice } kind = Line;
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
        {"train.channels", "Channels C", "Channels of stage 1 (stages have C, 2C, 4C)"},
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
       {{"train.derive", "Architecture", "argmax: the search's final genotype; sample: drawn from its final "
                                         "distributions",
         Row::Choice},
        {"train.derive_seed", "Sampling seed", "Seed of the draw when sampling"},
        {"train.seed", "Seed", "Weight initialisation, batch order, augmentation and mixing"},
        {"train.checkpoint_every", "Checkpoint every", "Epochs between checkpoints (0 = never)"},
        {"device", "Device", "auto, cpu, cuda or cuda:N"},
        {"threads", "CPU threads", "0 = all cores"}}},
  };
  return kGroups;
}

}  // namespace

RetrainDialog::RetrainDialog(const zd::RunConfig& config, QWidget* parent) : ConfigDialog(config, parent) {
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
      } else if (row.kind == Row::Choice) {
        editor = fields()->addChoice(row.key, label, {QStringLiteral("argmax"), QStringLiteral("sample")}, box);
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
  finish(tr("The architecture the search derived is trained from scratch on the training split; the epoch with "
            "the best validation accuracy is kept, then scored on the test split. Defaults are the paper's protocol "
            "(ALGORITHM.md §7)."),
         columns, [](const zd::RunConfig& base) {
           zd::RunConfig defaults = base;
           defaults.train = zd::TrainOptions{};
           return defaults;
         });
  okButton()->setText(tr("Retrain"));
}
