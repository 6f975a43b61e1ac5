// The study's plots, drawn by the project itself (no Python, no Qt in core): a chart
// model laid out once onto a Canvas, which draws it as SVG text or, with OpenCV, as a
// PNG. Two kinds: points with error bars in x and y (accuracy against parameters),
// and bars with error bars per category (search time per method).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace zd {

struct ChartPoint {
  double x = 0;  // ignored by bar charts (the category's index places it)
  double y = 0;
  double x_err = 0;  // half-length of the error bars (a standard deviation)
  double y_err = 0;
  std::string label;  // written beside the point (e.g. its budget)
};

struct ChartSeries {
  std::string name;                // in the legend
  std::vector<ChartPoint> points;  // bar charts: one per category, in order
};

struct Chart {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool bars = false;                    // grouped bars over `categories` instead of points
  std::vector<std::string> categories;  // bar charts: the groups along x
  std::vector<ChartSeries> series;
};

// What a chart is drawn with; coordinates in pixels from the top left.
class Canvas {
 public:
  struct Colour {
    unsigned char r, g, b;
  };
  virtual ~Canvas() = default;
  virtual void line(double x0, double y0, double x1, double y1, Colour c, double width) = 0;
  virtual void rect(double x, double y, double w, double h, Colour fill) = 0;
  virtual void circle(double x, double y, double radius, Colour fill) = 0;
  // anchor: 0 start, 1 middle, 2 end of the text at x; y is the baseline.
  virtual void text(double x, double y, const std::string& s, double size, Colour c, int anchor, bool vertical) = 0;
};

// Lays `chart` out on a width × height canvas: axes with round ticks, error bars,
// a legend outside the data (to the right), the title on top.
void drawChart(const Chart& chart, Canvas& canvas, int width, int height);

// The chart as a standalone SVG document.
std::string chartSvg(const Chart& chart, int width = 760, int height = 480);

// Writes the chart as PNG (atomically). False when the project was built without
// OpenCV (no PNG writer). Throws IoError naming the file.
bool writeChartPng(const Chart& chart, const std::filesystem::path& path, int width = 760, int height = 480);

// Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `target` of them.
std::vector<double> niceTicks(double lo, double hi, int target = 6);

}  // namespace zd
