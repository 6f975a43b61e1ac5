#include "ui/study/study_launch.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

QString zodartsExecutable() {
  const QString env = qEnvironmentVariable("ZODARTS_CLI");
  if (!env.isEmpty() && QFileInfo(env).isExecutable()) return env;
  const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("zodarts"));
  if (QFileInfo(beside).isExecutable()) return beside;
  return QStandardPaths::findExecutable(QStringLiteral("zodarts"));
}

bool startStudy(const zd::StudyPlan& plan, const QString& dir, int jobs, QString* error) {
  auto fail = [error](const QString& message) {
    if (error) *error = message;
    return false;
  };
  const QString program = zodartsExecutable();
  if (program.isEmpty())
    return fail(QObject::tr("The zodarts program was not found beside %1 or on PATH; studies run in it.")
                    .arg(QCoreApplication::applicationFilePath()));
  const QDir folder(dir);
  if (folder.exists() && !folder.isEmpty())
    return fail(QObject::tr("%1 already holds files; choose a new folder for the study.").arg(dir));
  try {
    zd::expandStudy(plan, dir.toStdString());  // refuses a bad plan before anything is written
    zd::writeStudyPlan(dir.toStdString(), plan);
  } catch (const std::exception& e) {
    return fail(QString::fromUtf8(e.what()));
  }
  QProcess process;
  process.setProgram(program);
  process.setArguments({QStringLiteral("study"), QStringLiteral("--resume"), dir, QStringLiteral("--jobs"),
                        QString::number(std::max(1, jobs))});
  process.setStandardOutputFile(folder.filePath(QStringLiteral("study_output.log")), QIODevice::Append);
  process.setStandardErrorFile(folder.filePath(QStringLiteral("study_output.log")), QIODevice::Append);
  if (!process.startDetached()) return fail(QObject::tr("Cannot start %1: %2").arg(program, process.errorString()));
  return true;
}
