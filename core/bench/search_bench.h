// `zodarts bench`: times the search loop — weight steps, perturbed-copy steps and
// architecture updates in their real proportion — on synthetic images, in phase 1,
// phase 2 (kernel mix + depth + penalty) and phase 2 "sparse" (the distributions of
// an annealed search: 2 ops per edge, 1 kernel size), against a convolution ceiling.
#pragma once

#include "core/search/search_options.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace zd {

struct BenchOptions {
  int channels = 16;  // C (the paper's)
  int cells = 3;      // N
  int batch = 16;
  int steps = 20;         // timed steps per setting (rounded up to whole rounds R)
  int warmup_steps = -1;  // untimed steps first (-1 = one round, R steps)
  int classes = 2;
  int image_size = 28;  // synthetic images, resized to `resize` as in §4
  int resize = 32;
  int in_channels = 1;
  bool skip_zero_ops = true;
  MemoryFormat memory_format = MemoryFormat::Auto;        // activation layout (SearchOptions::memory_format)
  ParallelCopies parallel_copies = ParallelCopies::Auto;  // SearchOptions::parallel_copies (CUDA: two streams)
  Precision precision = Precision::Fp32;                  // SearchOptions::precision (bf16: CUDA autocast)
  Estimator estimator = Estimator::Zo;                    // the architecture step (zo, darts1, darts2)
  bool cudnn_benchmark = true;                            // RunConfig::cudnn_benchmark
  std::string device = "auto";
  int threads = 0;  // 0 = all cores
  uint64_t seed = 0;
  std::string only;       // "phase1", "phase2", "sparse" or "train": time just that setting
  int train_batch = 128;  // batch of the retraining benchmark (§7's)
};

// Runs the benchmark and returns {"phase1": {...}, "phase2": {...}, "sparse": {...},
// "roofline_gmac_per_s": … (the better of a measurement before and after),
// "phase1_vs_roofline", "phase2_vs_roofline", "peak_rss_mib": …, "settings": {...}}; each phase has
// images_per_s (and images_per_s_reference_counting, 2B images per step as the
// reference's loader yields them), ms_per_step, gmac_per_s and gmac_per_step (conv multiply-accumulates
// of forward + backward, counted from what was actually computed). "train" times
// retraining steps (augmentation, mixup/CutMix, label-smoothed loss, SGD) of the
// discrete network of ALGORITHM.md §5's check genotype at C = channels: images_per_s,
// ms_per_step, params, batch. On CUDA also "gpu_name", "gpu_memory_mib" and
// "peak_gpu_mem_mib" (LibTorch's allocator, the most held at once over all settings).
nlohmann::json runSearchBench(const BenchOptions& options);

}  // namespace zd
