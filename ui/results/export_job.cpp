// LibTorch (through the engine headers) before Qt: see the precompiled header in ui/CMakeLists.txt.
#include "core/export/onnx_export.h"
#include "core/run/export_verify.h"
#include "core/train/trained_model.h"

#include "ui/results/export_job.h"

#include "ui/dashboard/count_format.h"

#include <QObject>

bool onnxExportAvailable() { return true; }

ExportOutcome exportAndVerify(const QString& runDir, const QString& target) {
  const zd::TrainedModel model = zd::loadTrainedModel(runDir.toStdString());
  const zd::OnnxExportInfo info = zd::exportOnnx(model.network, model.card, target.toStdString());
  const zd::OnnxVerification check = zd::verifyRunExport(runDir.toStdString(), model, target.toStdString());
  ExportOutcome out;
  out.ok = check.passed();
  out.text = QObject::tr("<b>%1</b> written: %2 nodes, %3 parameters, %4 KiB; input <tt>image</tt> N×%5×%6×%6, "
                         "output <tt>logits</tt> N×%7.<br>Verified in OpenCV DNN against LibTorch: %8")
                 .arg(target.toHtmlEscaped())
                 .arg(info.nodes)
                 .arg(formatCount(static_cast<double>(info.parameters)))
                 .arg(info.bytes / 1024.0, 0, 'f', 1)
                 .arg(model.card.network.in_channels)
                 .arg(model.card.input_size)
                 .arg(model.card.network.classes)
                 .arg(QString::fromStdString(check.summary()).toHtmlEscaped());
  return out;
}
