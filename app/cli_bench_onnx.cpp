#include "app/cli_bench_onnx.h"

#include "core/bench/onnx_bench.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace zd {
namespace {

OnnxBenchOptions onnx_bench_options;

}  // namespace

CLI::App* addBenchOnnxCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench-onnx", "Time an exported model in OpenCV DNN (ms per image at batch 1 "
                                               "and 64) and print JSON");
  auto& o = onnx_bench_options;
  cmd->add_option("--channels", o.channels, "C, channels of stage 1")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--classes", o.classes, "Classes")->capture_default_str()->check(CLI::Range(2, 10000));
  cmd->add_option("--in-channels", o.in_channels, "Image channels (1 or 3)")
      ->capture_default_str()
      ->check(CLI::IsMember({1, 3}));
  cmd->add_option("--input-size", o.input_size, "Network input side (a multiple of 4)")->capture_default_str();
  cmd->add_option("--batches", o.batches, "Batch sizes to time")->capture_default_str()->expected(1, -1);
  cmd->add_option("--runs", o.runs, "Timed passes per batch size (median reported)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--warmup", o.warmup, "Untimed passes first")->capture_default_str();
  cmd->add_option("--threads", o.threads, "OpenCV threads (0 = OpenCV's default)")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Random seed of the weights")->capture_default_str();
  return cmd;
}

int runBenchOnnxCommand() {
  std::printf("%s\n", runOnnxBench(onnx_bench_options).dump(2).c_str());
  return 0;
}

}  // namespace zd
