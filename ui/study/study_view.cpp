#include "core/study/study_report.h"

#include "ui/study/study_view.h"

#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QSvgRenderer>
#include <QSvgWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace {

QString meanSdText(const zd::MeanSd& m, int digits) {
  if (m.n == 0) return QStringLiteral("—");
  return QStringLiteral("%1 ± %2").arg(m.mean, 0, 'f', digits).arg(m.sd, 0, 'f', digits);
}

QString number(double v, int digits) {
  return std::isfinite(v) ? QString::number(v, 'f', digits) : QStringLiteral("—");
}

QTableWidget* makeTable(const QStringList& headers, QWidget* parent) {
  auto* table = new QTableWidget(0, headers.size(), parent);
  table->setHorizontalHeaderLabels(headers);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->verticalHeader()->setVisible(false);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table->horizontalHeader()->setStretchLastSection(true);
  return table;
}

void setRow(QTableWidget* table, int row, const QStringList& values) {
  for (int c = 0; c < values.size(); ++c) {
    auto* item = new QTableWidgetItem(values[c]);
    item->setToolTip(values[c]);
    table->setItem(row, c, item);
  }
}

QString stateText(const zd::CellResult& r) {
  switch (r.status) {
    case zd::CellStatus::Done: return QObject::tr("done");
    case zd::CellStatus::Running:
      return r.progress.empty() ? QObject::tr("running (%1)").arg(QString::fromStdString(r.stage))
                                : QObject::tr("running — %1").arg(QString::fromStdString(r.progress));
    case zd::CellStatus::Failed: return QObject::tr("failed in %1").arg(QString::fromStdString(r.stage));
    case zd::CellStatus::Stopped:
      return r.progress.empty() ? QObject::tr("stopped (%1)").arg(QString::fromStdString(r.stage))
                                : QObject::tr("stopped — %1").arg(QString::fromStdString(r.progress));
    case zd::CellStatus::Pending: return QObject::tr("waiting");
  }
  return QString();
}

}  // namespace

StudyView::StudyView(QWidget* parent) : QWidget(parent), timer_(new QTimer(this)) {
  status_ = new QLabel(tr("No study open."), this);
  status_->setWordWrap(true);
  summary_ = makeTable({tr("Method"), tr("Budget"), tr("Cells done"), tr("Test accuracy (%)"), tr("Test AUC"),
                        tr("Parameters"), tr("Search (s)"), tr("Retraining (s)")},
                       this);
  summary_->horizontalHeader()->setStretchLastSection(false);
  cells_ = makeTable({tr("Cell"), tr("Method"), tr("Budget"), tr("Seed"), tr("State"), tr("Parameters"),
                      tr("Test accuracy (%)"), tr("Test AUC"), tr("Search (s)"), tr("Retraining (s)"), tr("Problem")},
                     this);
  accuracyPlot_ = new QSvgWidget(this);
  timePlot_ = new QSvgWidget(this);
  for (auto* plot : {accuracyPlot_, timePlot_}) plot->setMinimumSize(380, 240);

  auto* plots = new QHBoxLayout;
  plots->addWidget(accuracyPlot_);
  plots->addWidget(timePlot_);
  auto* top = new QWidget(this);
  auto* topLayout = new QVBoxLayout(top);
  topLayout->setContentsMargins(0, 0, 0, 0);
  topLayout->addWidget(summary_);
  topLayout->addLayout(plots, 1);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(top);
  split->addWidget(cells_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(status_);
  layout->addWidget(split, 1);

  timer_->setInterval(3000);
  connect(timer_, &QTimer::timeout, this, &StudyView::refresh);
}

bool StudyView::isWatching() const { return timer_->isActive(); }

bool StudyView::open(const QString& dir, QString* error) {
  try {
    zd::readStudyPlan(dir.toStdString());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
  dir_ = QDir(dir).absolutePath();
  refresh();
  return true;
}

void StudyView::refresh() {
  if (dir_.isEmpty()) return;
  zd::StudyPlan plan;
  std::vector<zd::CellResult> results;
  try {
    plan = zd::readStudyPlan(dir_.toStdString());
    results = zd::readStudyResults(dir_.toStdString());
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot read the study in %1: %2").arg(dir_, QString::fromUtf8(e.what())));
    return;
  }
  const auto groups = zd::summarizeStudy(plan, results);
  int done = 0, running = 0, failed = 0;
  for (const auto& r : results) {
    done += r.status == zd::CellStatus::Done;
    running += r.status == zd::CellStatus::Running;
    failed += r.status == zd::CellStatus::Failed;
  }
  QString text = tr("Study %1 on %2: %3 of %4 cells done")
                     .arg(dir_, QString::fromStdString(plan.base.data.path))
                     .arg(done)
                     .arg(results.size());
  if (running) text += tr(", %1 running").arg(running);
  if (failed) text += tr(", %1 failed (see the Problem column; zodarts study --resume retries them)").arg(failed);
  status_->setText(text + QStringLiteral("."));

  summary_->setRowCount(static_cast<int>(groups.size()));
  for (int i = 0; i < static_cast<int>(groups.size()); ++i) {
    const auto& g = groups[i];
    setRow(summary_, i,
           {QString::fromStdString(g.method), QString::fromStdString(g.budget),
            QStringLiteral("%1 / %2").arg(g.done).arg(g.cells), meanSdText(g.test_accuracy, 2),
            meanSdText(g.test_auc, 4), meanSdText(g.derived_params, 0), meanSdText(g.search_seconds, 0),
            meanSdText(g.retrain_seconds, 0)});
  }
  cells_->setRowCount(static_cast<int>(results.size()));
  for (int i = 0; i < static_cast<int>(results.size()); ++i) {
    const auto& r = results[i];
    const bool isDone = r.status == zd::CellStatus::Done;
    setRow(cells_, i,
           {QString::fromStdString(r.id), QString::fromStdString(r.method), QString::fromStdString(r.budget),
            QString::number(r.seed), stateText(r), r.derived_params > 0 ? QString::number(r.derived_params) : "—",
            isDone ? number(100.0 * r.test_accuracy, 2) : "—", isDone ? number(r.test_auc, 4) : "—",
            isDone ? number(r.search_seconds, 0) : "—", isDone ? number(r.retrain_seconds, 0) : "—",
            QString::fromStdString(r.error)});
  }
  // The summary is short (a row per method and budget): shown whole, no scrolling.
  int height = summary_->horizontalHeader()->height() + 2 * summary_->frameWidth();
  for (int r = 0; r < summary_->rowCount(); ++r) height += summary_->rowHeight(r);
  summary_->setFixedHeight(std::min(height, 360));
  accuracyPlot_->load(QByteArray::fromStdString(zd::chartSvg(zd::accuracyChart(groups))));
  timePlot_->load(QByteArray::fromStdString(zd::chartSvg(zd::searchTimeChart(plan, groups))));
  for (auto* plot : {accuracyPlot_, timePlot_}) plot->renderer()->setAspectRatioMode(Qt::KeepAspectRatio);
  // Watch while anything can still change; a finished study is read once.
  const bool unfinished = done + failed < static_cast<int>(results.size());
  if (unfinished && !timer_->isActive()) timer_->start();
  if (!unfinished) timer_->stop();
}
