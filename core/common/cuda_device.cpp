// The engine built against a CUDA LibTorch (see cuda_device.h).
#include "core/common/cuda_device.h"

#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <ATen/cuda/CUDAEvent.h>
#include <cuda_runtime_api.h>
#include <torch/cuda.h>

namespace zd {
namespace {

// The allocator statistics' first entry sums all pools (StatType::AGGREGATE, an
// enum whose namespace moved between 2.x releases).
constexpr size_t kAggregate = 0;

}  // namespace

bool builtWithCuda() { return true; }

std::vector<GpuInfo> listGpus() {
  std::vector<GpuInfo> gpus;
  if (!torch::cuda::is_available()) return gpus;
  const int count = static_cast<int>(torch::cuda::device_count());
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, i) != cudaSuccess) continue;
    GpuInfo g;
    g.index = i;
    g.name = p.name;
    g.total_bytes = static_cast<int64_t>(p.totalGlobalMem);
    g.major = p.major;
    g.minor = p.minor;
    gpus.push_back(g);
  }
  return gpus;
}

int64_t freeDeviceBytes(const torch::Device& device) {
  if (!device.is_cuda()) return 0;
  c10::cuda::CUDAGuard guard(device.index());
  size_t free = 0, total = 0;
  if (cudaMemGetInfo(&free, &total) != cudaSuccess) return 0;
  // Memory LibTorch already caches but does not use counts as free for our tensors.
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index());
  const int64_t cached_unused = stats.reserved_bytes[kAggregate].current - stats.allocated_bytes[kAggregate].current;
  return static_cast<int64_t>(free) + std::max<int64_t>(0, cached_unused);
}

int64_t peakDeviceBytes(const torch::Device& device) {
  if (!device.is_cuda()) return 0;
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index());
  return stats.allocated_bytes[kAggregate].peak;
}

void resetPeakMemory(const torch::Device& device) {
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(device.index());
}

void synchronizeDevice(const torch::Device& device) {
  if (device.is_cuda()) c10::cuda::getCurrentCUDAStream(device.index()).synchronize();
}

torch::Tensor toDeviceAsync(const torch::Tensor& t, const torch::Device& device) {
  if (!device.is_cuda() || !t.is_cpu()) return t.to(device);  // nothing to pin (GPU to GPU is async anyway)
  // The pinned buffer stays reserved until the copy that reads it has run
  // (LibTorch's host allocator records the stream).
  return t.pin_memory().to(device, /*non_blocking=*/true);
}

void runOnTwoStreams(const torch::Device& device, const std::function<void()>& main,
                     const std::function<void()>& side) {
  if (!device.is_cuda()) {
    main();
    side();
    return;
  }
  const auto current = c10::cuda::getCurrentCUDAStream(device.index());
  const auto second = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index());
  at::cuda::CUDAEvent inputs_ready, side_done;
  inputs_ready.record(current);
  inputs_ready.block(second);
  {
    c10::cuda::CUDAStreamGuard guard(second);
    side();
    side_done.record(second);
  }
  main();
  side_done.block(current);
}

}  // namespace zd
