// The export of a build without the engine's ONNX module (ZODARTS_WITH_ONNX or
// ZODARTS_WITH_OPENCV off): see export_job.h.
#include "ui/results/export_job.h"

#include "core/common/error.h"

bool onnxExportAvailable() { return false; }

ExportOutcome exportAndVerify(const QString&, const QString&) {
  throw zd::ConfigError("this build has no ONNX export (configured with ZODARTS_WITH_ONNX=OFF or "
                        "ZODARTS_WITH_OPENCV=OFF)");
}
