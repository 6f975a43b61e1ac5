// Parameter counts as people read them ("807k", "4.91M"), as Qt strings: the engine's
// one formatter (core/common/count_text.h), so the GUI shows what the CLI prints.
#pragma once

#include "core/common/count_text.h"

#include <QString>

inline QString formatCount(double count) { return QString::fromStdString(zd::formatCount(count)); }
