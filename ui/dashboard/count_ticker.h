// A QCustomPlot axis ticker that labels parameter counts in k/M ("250k", "1.20M").
#pragma once

#include <qcustomplot.h>

// Thread-safety: used by the plot that owns it, on the GUI thread.
class CountTicker : public QCPAxisTicker {
 protected:
  QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;
};
