// The `zodarts bench-onnx` subcommand: exported-model latency in OpenCV DNN
// (core/bench/onnx_bench.h), printed as JSON.
#pragma once

namespace CLI {
class App;
}

namespace zd {

CLI::App* addBenchOnnxCommand(CLI::App& app);
int runBenchOnnxCommand();

}  // namespace zd
