// When a loop reads a step's loss for its progress event. On the CPU every step
// (the value is already there); on a GPU the read makes the host wait for the
// queued kernels and stalls the pipeline, so at most every `interval` seconds and
// at the last step of an epoch.
#pragma once

#include <torch/types.h>

#include <chrono>

namespace zd {

class ProgressThrottle {
 public:
  explicit ProgressThrottle(const torch::Device& device, double interval_seconds = 0.5)
      : every_step_(!device.is_cuda()), interval_(interval_seconds) {}

  bool due(bool last_step_of_epoch) {
    const auto now = std::chrono::steady_clock::now();
    if (!every_step_ && !last_step_of_epoch && std::chrono::duration<double>(now - last_).count() < interval_)
      return false;
    last_ = now;
    return true;
  }

 private:
  bool every_step_;
  double interval_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace zd
