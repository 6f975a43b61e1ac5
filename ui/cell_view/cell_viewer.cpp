#include "ui/cell_view/cell_viewer.h"

#include "ui/cell_view/cell_canvas.h"
#include "ui/cell_view/cell_painter.h"
#include "ui/dashboard/run_model.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSvgGenerator>
#include <QVBoxLayout>

using namespace zd;  // the engine's value types (events, search-space constants)

namespace {

bool fail(QString* error, const QString& message) {
  if (error) *error = message;
  return false;
}

}  // namespace

CellViewer::CellViewer(QWidget* parent)
    : QWidget(parent), canvas_(new CellCanvas), note_(new QLabel), sourceBox_(new QComboBox),
      saveButton_(new QPushButton(tr("Save picture…"))) {
  sourceBox_->addItem(tr("Search distributions (every nonzero op)"));
  sourceBox_->addItem(tr("Derived architecture (genotype)"));
  sourceBox_->setToolTip(tr("During the search every op with nonzero sparsemax probability is drawn, "
                            "line width by probability; the genotype keeps the argmax op of each edge."));
  connect(sourceBox_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int i) { setSource(i == 0 ? Source::Distributions : Source::Genotype); });
  connect(saveButton_, &QPushButton::clicked, this, &CellViewer::saveWithDialog);
  note_->setWordWrap(true);

  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Show:")));
  bar->addWidget(sourceBox_);
  bar->addStretch();
  bar->addWidget(saveButton_);
  auto* scroll = new QScrollArea;
  scroll->setWidget(canvas_);
  scroll->setWidgetResizable(true);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(note_);
  layout->addWidget(scroll, 1);
}

const QVector<CellGraph>& CellViewer::cells() const { return canvas_->cells(); }

void CellViewer::setModel(RunModel* model) {
  if (model_) disconnect(model_, nullptr, this, nullptr);
  model_ = model;
  if (model_) connect(model_, &RunModel::changed, this, &CellViewer::updateFromModel);
  updateFromModel();
}

void CellViewer::setSource(Source source) {
  source_ = source;
  const int index = source == Source::Distributions ? 0 : 1;
  if (sourceBox_->currentIndex() != index) sourceBox_->setCurrentIndex(index);  // re-enters once
  updateFromModel();
}

void CellViewer::display(const QVector<CellGraph>& cells, const QString& note) {
  canvas_->setCells(cells);
  note_->setText(note);
}

void CellViewer::setGenotype(const zd::Genotype& genotype) {
  const auto cells = cellsFromGenotype(genotype);
  display(cells, cells.isEmpty() ? tr("No derived architecture yet.")
                                 : tr("Derived architecture: the argmax op of each edge; 'none' edges are absent."));
}

void CellViewer::setDistributions(const ArchDistributions& distributions, int maxDepth) {
  display(cellsFromDistributions(distributions, maxDepth),
          tr("Current search distributions: every op with nonzero probability, line width by probability."));
}

void CellViewer::updateFromModel() {
  if (!model_) return;
  const RunPlotData& d = model_->data();
  const bool haveDistributions = !d.latest.alpha.empty();
  if (source_ == Source::Distributions && haveDistributions) setDistributions(d.latest, model_->maxDepth());
  else if (!d.genotype.empty()) setGenotype(d.genotype);
  else display({}, tr("The architecture appears after the first architecture update."));
}

bool CellViewer::savePng(const QString& path, QString* error) const {
  const QSize size = preferredCellsSize(cells().size());
  QImage image(size, QImage::Format_ARGB32);
  {
    QPainter painter(&image);
    paintCells(painter, cells(), QRectF(QPointF(0, 0), size));
  }
  QSaveFile file(path);  // written to a temporary file and renamed: never half a picture
  if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit())
    return fail(error, tr("%1: cannot write the PNG picture (%2)").arg(path, file.errorString()));
  return true;
}

bool CellViewer::saveSvg(const QString& path, QString* error) const {
  const QSize size = preferredCellsSize(cells().size());
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly))
    return fail(error, tr("%1: cannot write the SVG picture (%2)").arg(path, file.errorString()));
  {
    QSvgGenerator svg;
    svg.setOutputDevice(&file);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(QStringLiteral("ZO-DARTS++ cells"));
    QPainter painter;
    if (!painter.begin(&svg)) return fail(error, tr("%1: cannot start the SVG renderer").arg(path));
    paintCells(painter, cells(), QRectF(QPointF(0, 0), size));
    painter.end();
  }
  if (!file.commit()) return fail(error, tr("%1: cannot write the SVG picture (%2)").arg(path, file.errorString()));
  return true;
}

void CellViewer::saveWithDialog() {
  QString filter;
  QString path = QFileDialog::getSaveFileName(this, tr("Save cell picture"), QStringLiteral("cells.png"),
                                              tr("PNG image (*.png);;SVG drawing (*.svg)"), &filter);
  if (path.isEmpty()) return;
  const bool svg = path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive) ||
                   (filter.contains(QLatin1String("svg")) &&
                    !path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive));
  if (svg && !path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) path += QLatin1String(".svg");
  QString error;
  if (!(svg ? saveSvg(path, &error) : savePng(path, &error)))
    QMessageBox::warning(this, tr("Save cell picture"), error);
}
