#include "ui/main/results_panel.h"

#include "ui/dashboard/count_format.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

ResultsPanel::ResultsPanel(QWidget* parent) : QWidget(parent) {
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_ = new QLabel(tr("Not retrained yet."), this);
  status_->setObjectName(QStringLiteral("retrainStatus"));
  QFont big = status_->font();
  big.setPointSizeF(big.pointSizeF() * 1.3);
  status_->setFont(big);
  retrain_ = new QPushButton(tr("Retrain…"), this);
  retrain_->setEnabled(false);
  retrain_->setToolTip(tr("Retraining, test metrics and ONNX export are not available in this version yet."));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(summary_);
  layout->addWidget(status_);
  layout->addWidget(retrain_, 0, Qt::AlignLeft);
  layout->addStretch();
  clear();
}

void ResultsPanel::clear() {
  summary_->setText(tr("No search has finished yet. Start one with File › New search, or open an earlier run "
                       "with File › Open run directory."));
}

void ResultsPanel::showSearchResult(const QString& runDir, const QString& genotype, qint64 params, bool cancelled) {
  QString text = tr("<b>Run</b> %1<br>").arg(runDir.toHtmlEscaped());
  text += cancelled ? tr("The search was cancelled; its checkpoint is kept (File › Resume run).<br>")
                    : tr("The search finished.<br>");
  text += tr("<b>Architecture</b> (%1 parameters):<br><tt>%2</tt>")
              .arg(formatCount(static_cast<double>(params)),
                   genotype.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
  summary_->setText(text);
}
