// Differences between the LibTorch versions the project builds with (Debian's 1.13
// and current 2.x), each handled once here so that no other file needs an #if.
#pragma once

#include <torch/types.h>

#include <sstream>
#include <string>
#include <type_traits>

namespace zd {

// The key of parameter `p` in `optimizer.state()`: LibTorch 1.13 keys the map by
// the parameter's TensorImpl address printed as a string (c10::guts::to_string),
// 2.x by the address itself.
template <class Optimizer>
auto optimizerStateKey(const Optimizer& optimizer, const torch::Tensor& p) {
  using Key = typename std::decay_t<decltype(optimizer.state())>::key_type;
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream s;
    s << p.unsafeGetTensorImpl();
    return s.str();
  } else {
    return static_cast<Key>(p.unsafeGetTensorImpl());
  }
}

}  // namespace zd
