// Where a run keeps its images: on the GPU once (index, augment and convert there,
// with no host copy per step) when they fit, else on the host, from which each
// batch is sent through pinned memory.
#pragma once

#include "core/data/image_set.h"

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace zd {

// Bytes of images and labels in `sets`.
int64_t imageBytes(const std::vector<const ImageSet*>& sets);

// Whether `bytes` of data should live on `device`: a CUDA device with at least
// twice that free (the rest is for the networks' activations). Never the CPU.
bool keepDataOnDevice(int64_t bytes, const torch::Device& device);

// What keepDataOnDevice decided, for the run's log ("" on the CPU), e.g.
// "data: on the GPU once (211 MiB)".
std::string describePlacement(int64_t bytes, const torch::Device& device);

// `set` on `device` (its tensors moved; the same set when already there).
ImageSet placedOn(const ImageSet& set, const torch::Device& device);

}  // namespace zd
