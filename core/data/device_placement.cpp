#include "core/data/device_placement.h"

#include "core/common/cuda_device.h"

namespace zd {

int64_t imageBytes(const std::vector<const ImageSet*>& sets) {
  int64_t bytes = 0;
  for (const auto* s : sets) {
    if (s->images.defined()) bytes += s->images.numel() * s->images.element_size();
    if (s->labels.defined()) bytes += s->labels.numel() * s->labels.element_size();
  }
  return bytes;
}

bool keepDataOnDevice(int64_t bytes, const torch::Device& device) {
  return device.is_cuda() && 2 * bytes <= freeDeviceBytes(device);
}

std::string describePlacement(int64_t bytes, const torch::Device& device) {
  if (!device.is_cuda()) return "";
  const auto mib = [](int64_t b) { return std::to_string((b + (1 << 20) - 1) >> 20) + " MiB"; };
  if (keepDataOnDevice(bytes, device)) return "data: on the GPU once (" + mib(bytes) + ")";
  return "data: in host memory (" + mib(bytes) + "; the GPU has " + mib(freeDeviceBytes(device)) +
         " free), each batch sent through pinned memory";
}

ImageSet placedOn(const ImageSet& set, const torch::Device& device) {
  if (!set.images.defined() || set.images.device() == device) return set;
  return {set.images.to(device), set.labels.to(device)};
}

}  // namespace zd
