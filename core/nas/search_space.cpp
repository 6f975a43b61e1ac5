#include "core/nas/search_space.h"

namespace zd {

std::string opName(Op op, int kernel) {
  switch (op) {
    case Op::None: return "none";
    case Op::Skip: return "skip_connect";
    case Op::Conv1x1: return "nor_conv_1x1";
    case Op::KernelConv: {
      const std::string k = std::to_string(kernel);
      return "nor_conv_" + k + "x" + k;
    }
    case Op::AvgPool: return "avg_pool_3x3";
  }
  return "unknown";
}

}  // namespace zd
