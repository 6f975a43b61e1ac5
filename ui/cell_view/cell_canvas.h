// The widget that shows cell graphs on screen (the painting itself is paintCells).
#pragma once

#include "ui/cell_view/cell_graph.h"

#include <QWidget>

// Thread-safety: GUI thread only, like every widget.
class CellCanvas : public QWidget {
  Q_OBJECT
 public:
  explicit CellCanvas(QWidget* parent = nullptr);

  // Shows `cells` (replacing what was shown) and repaints.
  void setCells(const QVector<CellGraph>& cells);
  const QVector<CellGraph>& cells() const { return cells_; }

  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QVector<CellGraph> cells_;
};
