// Precompiled header of the GUI layer: LibTorch first (Qt's `signals`/`slots`
// macros would break its headers), then Qt Widgets and QCustomPlot.
#pragma once
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <QtWidgets>
#include <qcustomplot.h>
