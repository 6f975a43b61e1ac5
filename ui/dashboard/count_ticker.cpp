#include "ui/dashboard/count_ticker.h"

#include "ui/dashboard/count_format.h"

QString CountTicker::getTickLabel(double tick, const QLocale&, QChar, int) { return formatCount(tick); }
