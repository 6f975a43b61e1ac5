#include "core/study/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace zd {

std::vector<double> niceTicks(double lo, double hi, int target) {
  if (!(hi > lo)) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / std::max(1, target);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double m : {1.0, 2.0, 5.0})
    if (m * magnitude >= raw * (1 - 1e-9)) {  // the tolerance keeps 0.12 / 6 a step of 0.02
      step = m * magnitude;
      break;
    }
  // Whole multiples of the step, each computed afresh (no accumulated rounding).
  const auto first = static_cast<long long>(std::floor(lo / step + 1e-9));
  const auto last = static_cast<long long>(std::ceil(hi / step - 1e-9));
  std::vector<double> ticks;
  for (long long k = first; k <= last; ++k) ticks.push_back(k == 0 ? 0.0 : k * step);
  return ticks;
}

namespace {

const Canvas::Colour kInk{40, 40, 40};
const Canvas::Colour kGrid{225, 225, 225};
const Canvas::Colour kWhite{255, 255, 255};
// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
const Canvas::Colour kPalette[] = {{0, 114, 178}, {213, 94, 0},   {0, 158, 115},  {204, 121, 167},
                                   {230, 159, 0}, {86, 180, 233}, {240, 228, 66}, {0, 0, 0}};

Canvas::Colour colourOf(size_t i) { return kPalette[i % (sizeof kPalette / sizeof kPalette[0])]; }

std::string tickText(double v, double step) {
  char buf[32];
  const double a = std::abs(v);
  if (a >= 1e6 && step >= 1e5) std::snprintf(buf, sizeof buf, "%gM", v / 1e6);
  else if (a >= 1e3 && step >= 100) std::snprintf(buf, sizeof buf, "%gk", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return !(hi >= lo); }
};

}  // namespace

void drawChart(const Chart& chart, Canvas& canvas, int width, int height) {
  canvas.rect(0, 0, width, height, kWhite);
  const double legend_w = 170;
  const double left = 78, right = width - legend_w - 16, top = 44, bottom = height - 58;
  canvas.text(width / 2.0, 26, chart.title, 16, kInk, 1, false);

  Range xr, yr;
  const size_t groups = chart.bars ? chart.categories.size() : 0;
  for (const auto& s : chart.series)
    for (const auto& p : s.points) {
      if (!chart.bars) {
        xr.add(p.x - p.x_err);
        xr.add(p.x + p.x_err);
      }
      yr.add(p.y - p.y_err);
      yr.add(p.y + p.y_err);
    }
  if (chart.bars) {
    xr = {-0.5, groups - 0.5};
    yr.add(0);
  }
  if (yr.empty()) yr = {0, 1};
  if (xr.empty()) xr = {0, 1};
  const auto yt = niceTicks(yr.lo, yr.hi);
  const double y0 = yt.front(), y1 = yt.back();
  std::vector<double> xt;
  double x0 = xr.lo, x1 = xr.hi;
  if (!chart.bars) {
    const double pad = (xr.hi - xr.lo) * 0.06 + (xr.hi == xr.lo ? std::max(1.0, std::abs(xr.hi) * 0.1) : 0.0);
    xt = niceTicks(xr.lo - pad, xr.hi + pad);
    x0 = xt.front();
    x1 = xt.back();
  }
  auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * (right - left); };
  auto py = [&](double y) { return bottom - (y - y0) / (y1 - y0) * (bottom - top); };

  const double ystep = yt.size() > 1 ? yt[1] - yt[0] : 1;
  for (double t : yt) {
    canvas.line(left, py(t), right, py(t), kGrid, 1);
    canvas.text(left - 8, py(t) + 4, tickText(t, ystep), 12, kInk, 2, false);
  }
  if (chart.bars) {
    for (size_t g = 0; g < groups; ++g)
      canvas.text(px(double(g)), bottom + 18, chart.categories[g], 12, kInk, 1, false);
  } else {
    const double xstep = xt.size() > 1 ? xt[1] - xt[0] : 1;
    for (double t : xt) {
      canvas.line(px(t), top, px(t), bottom, kGrid, 1);
      canvas.text(px(t), bottom + 18, tickText(t, xstep), 12, kInk, 1, false);
    }
  }
  canvas.line(left, bottom, right, bottom, kInk, 1.2);
  canvas.line(left, top, left, bottom, kInk, 1.2);
  canvas.text((left + right) / 2, height - 18, chart.x_label, 13, kInk, 1, false);
  canvas.text(20, (top + bottom) / 2, chart.y_label, 13, kInk, 1, true);

  const size_t n = std::max<size_t>(1, chart.series.size());
  for (size_t si = 0; si < chart.series.size(); ++si) {
    const auto colour = colourOf(si);
    const auto& s = chart.series[si];
    for (size_t pi = 0; pi < s.points.size(); ++pi) {
      const auto& p = s.points[pi];
      if (!std::isfinite(p.y)) continue;
      if (chart.bars) {
        if (pi >= groups) break;
        const double slot = (px(1) - px(0)) * 0.8 / n;
        const double bx = px(double(pi)) - slot * n / 2 + slot * si;
        canvas.rect(bx + 1, py(std::max(p.y, 0.0)), slot - 2, std::abs(py(p.y) - py(0)), colour);
        const double cx = bx + slot / 2;
        if (p.y_err > 0) {
          canvas.line(cx, py(p.y - p.y_err), cx, py(p.y + p.y_err), kInk, 1.2);
          canvas.line(cx - 4, py(p.y + p.y_err), cx + 4, py(p.y + p.y_err), kInk, 1.2);
          canvas.line(cx - 4, py(p.y - p.y_err), cx + 4, py(p.y - p.y_err), kInk, 1.2);
        }
        continue;
      }
      const double cx = px(p.x), cy = py(p.y);
      if (p.y_err > 0) {
        canvas.line(cx, py(p.y - p.y_err), cx, py(p.y + p.y_err), colour, 1.4);
        canvas.line(cx - 4, py(p.y + p.y_err), cx + 4, py(p.y + p.y_err), colour, 1.4);
        canvas.line(cx - 4, py(p.y - p.y_err), cx + 4, py(p.y - p.y_err), colour, 1.4);
      }
      if (p.x_err > 0) {
        canvas.line(px(p.x - p.x_err), cy, px(p.x + p.x_err), cy, colour, 1.4);
        canvas.line(px(p.x - p.x_err), cy - 4, px(p.x - p.x_err), cy + 4, colour, 1.4);
        canvas.line(px(p.x + p.x_err), cy - 4, px(p.x + p.x_err), cy + 4, colour, 1.4);
      }
      canvas.circle(cx, cy, 5, colour);
      if (!p.label.empty()) canvas.text(cx + 8, cy - 8, p.label, 11, colour, 0, false);
    }
  }
  // The legend sits right of the plot area, so it never covers data.
  for (size_t si = 0; si < chart.series.size(); ++si) {
    const double ly = top + 10 + 22.0 * si;
    canvas.rect(right + 18, ly - 10, 14, 14, colourOf(si));
    canvas.text(right + 38, ly + 2, chart.series[si].name, 13, kInk, 0, false);
  }
}

namespace {

std::string escapeXml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

class SvgCanvas : public Canvas {
 public:
  std::string body;

  void line(double x0, double y0, double x1, double y1, Colour c, double width) override {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>\n", x0,
                  y0, x1, y1, colour(c).c_str(), width);
    body += buf;
  }
  void rect(double x, double y, double w, double h, Colour fill) override {
    char buf[200];
    std::snprintf(buf, sizeof buf, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x, y,
                  w, h, colour(fill).c_str());
    body += buf;
  }
  void circle(double x, double y, double radius, Colour fill) override {
    char buf[160];
    std::snprintf(buf, sizeof buf, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>\n", x, y, radius,
                  colour(fill).c_str());
    body += buf;
  }
  void text(double x, double y, const std::string& s, double size, Colour c, int anchor, bool vertical) override {
    static const char* kAnchors[] = {"start", "middle", "end"};
    char buf[240];
    std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" fill=\"%s\" text-anchor=\"%s\"%s>",
                  x, y, size, colour(c).c_str(), kAnchors[std::clamp(anchor, 0, 2)],
                  vertical ? (" transform=\"rotate(-90 " + std::to_string(x) + " " + std::to_string(y) + ")\"").c_str()
                           : "");
    body += buf + escapeXml(s) + "</text>\n";
  }

 private:
  static std::string colour(Colour c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
    return buf;
  }
};

}  // namespace

std::string chartSvg(const Chart& chart, int width, int height) {
  SvgCanvas canvas;
  drawChart(chart, canvas, width, height);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         std::to_string(width) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) +
         " " + std::to_string(height) + "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n" +
         canvas.body + "</svg>\n";
}

}  // namespace zd
