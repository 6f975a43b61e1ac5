// The `zodarts predict MODEL.onnx IMAGE... [--json]` subcommand: classifies image
// files with an exported model through OpenCV's DNN module (not LibTorch),
// preprocessing each image as the file's metadata says.
#pragma once

namespace CLI {
class App;
}

namespace zd {

CLI::App* addPredictCommand(CLI::App& app);
// Prints one result per image; returns 1 when some image could not be classified
// (each named with its reason), 0 otherwise. Throws zd::Error for an unusable model.
int runPredictCommand();

}  // namespace zd
