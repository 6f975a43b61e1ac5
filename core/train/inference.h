// Running a trained network over a whole image set in evaluation mode (running
// BatchNorm statistics, no augmentation): the logits behind validation, test metrics
// and the parity checks of export. Thread-safety: one caller per network at a time.
#pragma once

#include "core/data/image_set.h"
#include "core/nas/discrete_network.h"

#include <torch/types.h>

namespace zd {

// Logits [N, K] (float32, on the CPU) of uint8 images [N, C, H, W] scaled to [0, 1],
// `batch` at a time on `device` (where the network already is). Puts the network in
// eval mode and leaves it there.
torch::Tensor predictLogits(DiscreteNetwork& network, const torch::Tensor& images_u8, int64_t batch,
                            const torch::Device& device);

// Mean cross-entropy and accuracy (argmax, ties → lower index) of logits against labels.
struct Evaluation {
  double loss = 0;
  double accuracy = 0;
  int64_t count = 0;
};
Evaluation evaluateLogits(const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace zd
