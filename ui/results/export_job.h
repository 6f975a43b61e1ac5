// The Results page's export: the run's retrained model written to ONNX and checked
// against the network (core/run/export_verify.h). Its implementation depends on the
// build: export_job.cpp when the engine has its ONNX module, export_job_none.cpp
// (which says so) when it was configured without ONNX or OpenCV — chosen in
// ui/CMakeLists.txt, so no ui/ file needs a build-dependent #if.
#pragma once

#include <QString>

// What an export produced, as the page shows it. Plain value type.
struct ExportOutcome {
  QString text;     // rich text: the file, its size and shape, the verification
  bool ok = false;  // written and verified within tolerance
};

// False when this build cannot export (then exportAndVerify throws).
bool onnxExportAvailable();

// Exports the model of `runDir` to `target` and verifies it on the run's test
// images. Blocking (call it off the GUI thread); throws zd::Error naming the file at
// fault. Thread-safe for distinct targets.
ExportOutcome exportAndVerify(const QString& runDir, const QString& target);
