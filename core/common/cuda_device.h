// What the engine asks of a CUDA GPU beyond LibTorch's portable API: its name and
// memory, peak-memory statistics, asynchronous host-to-device copies, and a second
// stream. The CPU-only build (Debian's LibTorch 1.13) compiles cuda_device_none.cpp,
// where there is no GPU to ask; the CUDA build compiles cuda_device.cpp.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace zd {

// Whether this build of the engine was linked against a CUDA LibTorch.
bool builtWithCuda();

struct GpuInfo {
  int index = 0;
  std::string name;  // e.g. "NVIDIA H200"
  int64_t total_bytes = 0;
  int major = 0, minor = 0;  // compute capability
};
// Every CUDA device LibTorch sees (empty without CUDA or without a GPU). Asks the
// devices' properties only: no CUDA context is made (the GUI lists them).

std::vector<GpuInfo> listGpus();

// Bytes free on `device` now (0 on the CPU).
int64_t freeDeviceBytes(const torch::Device& device);
// Peak bytes LibTorch's caching allocator held on `device` since the last reset
// (0 on the CPU); resetPeakMemory starts a new window.
int64_t peakDeviceBytes(const torch::Device& device);
void resetPeakMemory(const torch::Device& device);
// Waits for every kernel queued on `device` (no-op on the CPU).
void synchronizeDevice(const torch::Device& device);

// `t` on `device` without making the host wait: host tensors go through pinned
// memory and a non-blocking copy on CUDA; on the CPU (or when `t` is already
// there) it is `t` itself.
torch::Tensor toDeviceAsync(const torch::Tensor& t, const torch::Device& device);

// Runs `main` on the current stream and `side` on a second stream of `device`, so
// that their kernels may overlap on the GPU; `side` starts after the work already
// queued and the current stream waits for it at the end. Without CUDA (or on
// the CPU) it runs main, then side.
void runOnTwoStreams(const torch::Device& device, const std::function<void()>& main, const std::function<void()>& side);

}  // namespace zd
