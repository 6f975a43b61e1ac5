// The engine built against a CPU-only LibTorch: no GPU to ask (see cuda_device.h).
#include "core/common/cuda_device.h"

namespace zd {

bool builtWithCuda() { return false; }
std::vector<GpuInfo> listGpus() { return {}; }
int64_t freeDeviceBytes(const torch::Device&) { return 0; }
int64_t peakDeviceBytes(const torch::Device&) { return 0; }
void resetPeakMemory(const torch::Device&) {}
void synchronizeDevice(const torch::Device&) {}
torch::Tensor toDeviceAsync(const torch::Tensor& t, const torch::Device& device) { return t.to(device); }

void runOnTwoStreams(const torch::Device&, const std::function<void()>& main, const std::function<void()>& side) {
  main();
  side();
}

}  // namespace zd
