#include "core/common/device.h"

#include "core/common/cuda_device.h"
#include "core/common/error.h"

#include <ATen/Context.h>
#include <torch/cuda.h>
#include <torch/utils.h>

#include <cstdio>
#include <thread>

namespace zd {

torch::Device resolveDevice(const std::string& spec) {
  if (spec == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (spec == "cpu") return torch::Device(torch::kCPU);
  if (spec.rfind("cuda", 0) == 0) {
    int index = 0;
    if (spec.size() > 4) {
      if (spec[4] != ':' || spec.size() == 5 || spec.find_first_not_of("0123456789", 5) != std::string::npos)
        throw ConfigError("device '" + spec + "': expected auto, cpu, cuda or cuda:N");
      index = std::stoi(spec.substr(5));
    }
    if (!torch::cuda::is_available())
      throw ConfigError("device '" + spec + "': this build of LibTorch sees no CUDA GPU (use --device cpu)");
    const auto count = static_cast<int>(torch::cuda::device_count());
    if (index >= count)
      throw ConfigError("device '" + spec + "': only " + std::to_string(count) + " CUDA device(s) found");
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw ConfigError("device '" + spec + "': expected auto, cpu, cuda or cuda:N");
}

int configureThreads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  return torch::get_num_threads();
}

std::string describeDevice(const torch::Device& device) {
  if (device.is_cuda()) {
    std::string text = "CUDA:" + std::to_string(device.index());
    for (const auto& g : listGpus())
      if (g.index == device.index()) {
        char memory[32];
        std::snprintf(memory, sizeof memory, "%.1f GiB", static_cast<double>(g.total_bytes) / (1ll << 30));
        text += " (" + g.name + ", " + memory + ")";
      }
    return text;
  }
  return "CPU (" + std::to_string(torch::get_num_threads()) + " threads)";
}

void configureCudnn(bool benchmark) { at::globalContext().setBenchmarkCuDNN(benchmark); }

bool useChannelsLast(MemoryFormat memory_format, const torch::Device& device) {
  switch (memory_format) {
    case MemoryFormat::ChannelsLast: return true;
    case MemoryFormat::Contiguous: return false;
    case MemoryFormat::Auto: break;
  }
  return device.is_cpu();
}

}  // namespace zd
