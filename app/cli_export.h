// The `zodarts export RUN_DIR [--onnx FILE]` subcommand: the retrained model of a run
// as an ONNX file (core/export/onnx_export.h).
#pragma once

namespace CLI {
class App;
}

namespace zd {

CLI::App* addExportCommand(CLI::App& app);
// Exports; throws zd::Error (exit non-zero) with a message naming the file at fault.
int runExportCommand();

}  // namespace zd
