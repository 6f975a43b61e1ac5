#include "ui/dashboard/plot_legend.h"

#include <qcustomplot.h>

void placeLegendBelow(QCustomPlot* plot, int columns) {
  QCPLegend* legend = plot->legend;
  legend->setVisible(true);
  legend->setFont(QFont(plot->font().family(), 7));
  legend->setBorderPen(Qt::NoPen);
  legend->setBrush(Qt::NoBrush);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(columns);
  legend->setRowSpacing(0);
  legend->setColumnSpacing(8);
  // A row of its own under the axis rect (adding the legend takes it out of the
  // axis rect's inset layout), as small as its entries allow.
  auto* row = new QCPLayoutGrid;
  plot->plotLayout()->addElement(1, 0, row);
  row->setMargins(QMargins(4, 0, 4, 2));
  row->addElement(0, 0, legend);
  plot->plotLayout()->setRowStretchFactor(1, 0.001);
}
