// Build tool: renders the application's SVG icon to the PNG sizes of the hicolor
// icon theme (zodarts-render-icon ICON.svg OUT_DIR 16 32 48 …), so the PNGs are made
// from the one SVG and never drift from it. Qt SVG, offscreen; no window opens.
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QGuiApplication app(argc, argv);
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s ICON.svg OUT_DIR SIZE...\n", argv[0]);
    return 2;
  }
  QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
  if (!svg.isValid()) {
    std::fprintf(stderr, "%s: not a valid SVG\n", argv[1]);
    return 1;
  }
  const QDir out(QString::fromLocal8Bit(argv[2]));
  for (int i = 3; i < argc; ++i) {
    const int size = QString::fromLocal8Bit(argv[i]).toInt();
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
    painter.end();
    const QString dir = QStringLiteral("%1x%1/apps").arg(size);
    out.mkpath(dir);
    if (!image.save(out.filePath(dir + QStringLiteral("/zodarts-studio.png")))) {
      std::fprintf(stderr, "cannot write the %d px icon under %s\n", size, argv[2]);
      return 1;
    }
  }
  return 0;
}
