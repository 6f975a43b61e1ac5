// The retraining learning-rate schedule (ALGORITHM.md §7): a linear warm-up from
// 1 % of the peak, then cosine annealing to lr_min. Thread-safety: pure function.
#pragma once

#include "core/train/train_options.h"

namespace zd {

// Learning rate of `epoch` (0-based, constant within the epoch). With W =
// warmup_epochs, s = warmup_start, E = epochs:
//   epoch < W:  lr · (s + (1 − s) · epoch / W)            (s·lr at epoch 0, lr at W)
//   otherwise:  lr_min + (lr − lr_min) · (1 + cos(π · (epoch − W) / (E − W))) / 2
// so the cosine starts at lr and would reach lr_min at epoch E, one past the last.
// When W >= E the whole run is warm-up.
double trainLrAt(const TrainOptions& options, int epoch);

}  // namespace zd
