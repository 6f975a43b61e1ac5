#include "core/train/lr_schedule.h"

#include <cmath>

namespace zd {

double trainLrAt(const TrainOptions& o, int epoch) {
  const int w = o.warmup_epochs;
  if (epoch < w) return o.lr * (o.warmup_start + (1.0 - o.warmup_start) * epoch / w);
  const int span = o.epochs - w;
  if (span <= 0) return o.lr;
  const double pi = std::acos(-1.0);
  return o.lr_min + (o.lr - o.lr_min) * (1.0 + std::cos(pi * (epoch - w) / span)) / 2.0;
}

}  // namespace zd
