// Device and thread selection, done once per run and passed in.
#pragma once

#include "core/common/memory_format.h"

#include <torch/types.h>

#include <string>

namespace zd {

// Parses "auto" | "cpu" | "cuda" | "cuda:N". auto = the first CUDA device when
// LibTorch sees one, else the CPU. Throws ConfigError naming the value when it is
// malformed or names a GPU that is not there.
torch::Device resolveDevice(const std::string& spec);

// Sets LibTorch's intra-op thread count: `threads` > 0 as given, 0 = all cores.
// (Debian's LibTorch starts with one thread; without this every figure halves.)
// Returns the count in force afterwards.
int configureThreads(int threads);

// cuDNN autotuning (the config's cudnn_benchmark): on, cuDNN times its convolution
// algorithms for each new shape and keeps the fastest. No effect without CUDA.
void configureCudnn(bool benchmark);

// Whether activations should be channels-last for `memory_format` on `device`: auto
// picks channels-last on the CPU, where it makes pooling and BatchNorm faster.
bool useChannelsLast(MemoryFormat memory_format, const torch::Device& device);
// Short human-readable description, e.g. "CPU (2 threads)" or "CUDA:0 (NVIDIA H200, 139.8 GiB)".
std::string describeDevice(const torch::Device& device);

}  // namespace zd
