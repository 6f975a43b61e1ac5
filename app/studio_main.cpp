// zodarts-studio: the ZO-DARTS++ Studio desktop application (ui/main/main_window.h).
#include "app/omp_wait_policy.h"
#include "ui/main/main_window.h"
#include "ui/main/screenshot_tour.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QThreadPool>

int main(int argc, char** argv) {
  zd::applyOmpWaitPolicy(argv);  // first: it may start this program again
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("ZO-DARTS++ Studio"));
  QApplication::setOrganizationName(QStringLiteral("zodarts"));
  QApplication::setApplicationVersion(QStringLiteral(ZODARTS_VERSION));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Point-and-click ZO-DARTS++ architecture search."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("run"), QStringLiteral("A run directory to open."),
                               QStringLiteral("[run]"));
  // Hidden: packaging/screenshots.sh drives the real application through a short search.
  QCommandLineOption tour(QStringLiteral("screenshot-tour"), QStringLiteral("Save screenshots to DIR."),
                          QStringLiteral("DIR"));
  QCommandLineOption tourData(QStringLiteral("tour-data"), QStringLiteral("Data set of the tour."),
                              QStringLiteral("PATH"));
  QCommandLineOption tourRun(QStringLiteral("tour-run"), QStringLiteral("Run folder of the tour."),
                             QStringLiteral("DIR"));
  for (auto* option : {&tour, &tourData, &tourRun}) {
    option->setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(*option);
  }
  parser.process(app);

  MainWindow window;
  window.show();
  if (!parser.positionalArguments().isEmpty()) window.openRun(parser.positionalArguments().first());

  ScreenshotTour* screenshots = nullptr;
  if (parser.isSet(tour)) {
    screenshots = new ScreenshotTour(&window, parser.value(tourData), parser.value(tour), parser.value(tourRun), &app);
    QObject::connect(screenshots, &ScreenshotTour::done, &app, [&window](int code) {
      window.setStopConfirmation([]() { return true; });
      QCoreApplication::exit(code);
    });
    screenshots->start();
  }
  const int code = app.exec();
  // Background work of the wizard (loading, sampling, timing) ends before LibTorch
  // and Qt are torn down.
  QThreadPool::globalInstance()->waitForDone();
  return code;
}
