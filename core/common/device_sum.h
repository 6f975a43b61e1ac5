// A running sum that stays on the device its terms come from: adding never makes the
// host wait for a GPU; take() reads it (one wait) and starts again from zero.
#pragma once

#include <torch/types.h>

namespace zd {

class DeviceSum {
 public:
  void add(const torch::Tensor& term) { sum_ = sum_.defined() ? sum_ + term : term.to(torch::kDouble); }
  double take() {
    if (!sum_.defined()) return 0;
    const double value = sum_.item<double>();
    sum_ = torch::Tensor();
    return value;
  }

 private:
  torch::Tensor sum_;  // double, 0-dim; undefined = 0
};

}  // namespace zd
