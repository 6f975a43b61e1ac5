#include "app/cli_export.h"

#include "core/common/device.h"
#include "core/export/onnx_export.h"
#include "core/run/export_verify.h"
#include "core/train/trained_model.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>

namespace zd {
namespace {

std::string export_run_dir;
std::string export_onnx;
int export_verify_images = 64;
std::string export_device = "auto";

}  // namespace

CLI::App* addExportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "Export a run's retrained model to ONNX (opset 13, run it with "
                                           "`zodarts predict` or any ONNX runtime)");
  cmd->add_option("run_dir", export_run_dir, "Run directory holding model.pt and model.json (from `zodarts train`)")
      ->required();
  cmd->add_option("--onnx", export_onnx, "Output file (default: RUN_DIR/model.onnx)");
  cmd->add_option("--verify-images", export_verify_images,
                  "Run this many test images through the written file (OpenCV DNN) and through the "
                  "retrained network (LibTorch) and compare their logits; 0 = skip")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--device", export_device,
                  "where the retrained network computes the reference logits of --verify-images: auto | cpu | "
                  "cuda | cuda:N (the ONNX file itself holds no device)")
      ->capture_default_str();
  return cmd;
}

int runExportCommand() {
  const std::filesystem::path run_dir(export_run_dir);
  const std::filesystem::path file = export_onnx.empty() ? run_dir / "model.onnx" : std::filesystem::path(export_onnx);
  const torch::Device device = resolveDevice(export_device);  // refused before any work
  const TrainedModel model = loadTrainedModel(run_dir);
  const OnnxExportInfo info = exportOnnx(model.network, model.card, file);
  std::printf("wrote %s (%lld nodes, %lld parameters, %.1f KiB)\n", file.string().c_str(),
              static_cast<long long>(info.nodes), static_cast<long long>(info.parameters), info.bytes / 1024.0);
  std::printf("input  `image`: N x %lld x %d x %d float32 — %s\n",
              static_cast<long long>(model.card.network.in_channels), model.card.input_size, model.card.input_size,
              model.card.preprocessingText().c_str());
  std::printf("output `logits`: N x %lld (softmax for probabilities)\n",
              static_cast<long long>(model.card.network.classes));
  if (export_verify_images == 0) return 0;
  const OnnxVerification check = verifyRunExport(run_dir, model, file, export_verify_images, device);
  std::printf("verified: %s\n", check.summary().c_str());
  return check.passed() ? 0 : 3;
}

}  // namespace zd
