// Built without OpenCV: the charts exist as SVG only.
#include "core/study/chart.h"

namespace zd {

bool writeChartPng(const Chart&, const std::filesystem::path&, int, int) { return false; }

}  // namespace zd
