#include "core/common/cuda_device.h"

#include "ui/wizard/device_choices.h"

#include <QComboBox>
#include <QThread>

namespace {

QString gib(int64_t bytes) { return QString::number(static_cast<double>(bytes) / (1ll << 30), 'f', 1); }

}  // namespace

void addDeviceChoices(QComboBox* combo) {
  const auto gpus = zd::listGpus();
  const QString cores = QObject::tr("CPU (%1 cores)").arg(QThread::idealThreadCount());
  QString tip;
  if (gpus.empty()) {
    combo->addItem(QObject::tr("auto — %1: no CUDA GPU seen").arg(cores), QStringLiteral("auto"));
    tip = zd::builtWithCuda()
              ? QObject::tr("This build has CUDA, but no GPU is visible (driver, CUDA_VISIBLE_DEVICES?).")
              : QObject::tr("This build uses a CPU-only LibTorch. For NVIDIA GPUs, build with "
                            "packaging/setup_torch2.sh (LibTorch 2.x with CUDA).");
  } else {
    combo->addItem(QObject::tr("auto — cuda:0 (%1)").arg(QString::fromStdString(gpus.front().name)),
                   QStringLiteral("auto"));
    tip = QObject::tr("auto takes the first GPU.");
  }
  combo->addItem(cores, QStringLiteral("cpu"));
  for (const auto& g : gpus)
    combo->addItem(
        QObject::tr("cuda:%1 — %2, %3 GiB").arg(g.index).arg(QString::fromStdString(g.name), gib(g.total_bytes)),
        QStringLiteral("cuda:%1").arg(g.index));
  combo->setToolTip(tip + QObject::tr("\nConfig key: device"));
}
