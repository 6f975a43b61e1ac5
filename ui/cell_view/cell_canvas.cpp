#include "ui/cell_view/cell_canvas.h"

#include "ui/cell_view/cell_painter.h"

#include <QPainter>

CellCanvas::CellCanvas(QWidget* parent) : QWidget(parent) {
  setMinimumSize(360, 240);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void CellCanvas::setCells(const QVector<CellGraph>& cells) {
  if (cells == cells_) return;  // distributions often stand still between updates
  cells_ = cells;
  updateGeometry();
  update();
}

QSize CellCanvas::sizeHint() const { return preferredCellsSize(cells_.size()); }

void CellCanvas::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  paintCells(painter, cells_, rect());
}
