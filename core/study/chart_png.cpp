// PNG output of the study's charts, drawn with OpenCV (anti-aliased lines, Hershey
// text; the charts keep their text ASCII for it).
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/study/chart.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <string>

namespace zd {
namespace {

class PngCanvas : public Canvas {
 public:
  PngCanvas(int width, int height) : image(height, width, CV_8UC3, cv::Scalar(255, 255, 255)) {}
  cv::Mat image;

  void line(double x0, double y0, double x1, double y1, Colour c, double width) override {
    cv::line(image, point(x0, y0), point(x1, y1), bgr(c), std::max(1, static_cast<int>(std::lround(width))),
             cv::LINE_AA);
  }
  void rect(double x, double y, double w, double h, Colour fill) override {
    cv::rectangle(image, cv::Rect2d(x, y, w, h), bgr(fill), cv::FILLED, cv::LINE_AA);
  }
  void circle(double x, double y, double radius, Colour fill) override {
    cv::circle(image, point(x, y), static_cast<int>(std::lround(radius)), bgr(fill), cv::FILLED, cv::LINE_AA);
  }
  void text(double x, double y, const std::string& s, double size, Colour c, int anchor, bool vertical) override {
    const double scale = size / 30.0;  // Hershey simplex is about 30 px tall at scale 1
    int baseline = 0;
    const cv::Size extent = cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
    const double shift = anchor == 1 ? extent.width / 2.0 : anchor == 2 ? extent.width : 0.0;
    if (!vertical) {
      cv::putText(image, s, point(x - shift, y), cv::FONT_HERSHEY_SIMPLEX, scale, bgr(c), 1, cv::LINE_AA);
      return;
    }
    // Drawn flat on a patch, turned a quarter left and pasted centred on (x, y).
    cv::Mat patch(extent.height + baseline + 2, extent.width + 2, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::putText(patch, s, {1, extent.height + 1}, cv::FONT_HERSHEY_SIMPLEX, scale, bgr(c), 1, cv::LINE_AA);
    cv::Mat turned;
    cv::rotate(patch, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
    const int left = static_cast<int>(std::lround(x - turned.cols / 2.0));
    const int top = static_cast<int>(std::lround(y - turned.rows / 2.0));
    const cv::Rect where = cv::Rect(left, top, turned.cols, turned.rows) & cv::Rect(0, 0, image.cols, image.rows);
    if (where.area() > 0)
      turned(cv::Rect(where.x - left, where.y - top, where.width, where.height)).copyTo(image(where));
  }

 private:
  static cv::Point point(double x, double y) {
    return {static_cast<int>(std::lround(x)), static_cast<int>(std::lround(y))};
  }
  static cv::Scalar bgr(Colour c) { return cv::Scalar(c.b, c.g, c.r); }
};

}  // namespace

bool writeChartPng(const Chart& chart, const std::filesystem::path& path, int width, int height) {
  PngCanvas canvas(width, height);
  drawChart(chart, canvas, width, height);
  std::vector<unsigned char> bytes;
  if (!cv::imencode(".png", canvas.image, bytes)) throw IoError(path.string() + ": cannot encode the PNG");
  writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
  return true;
}

}  // namespace zd
