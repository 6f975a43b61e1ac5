// The search's real step, SearchEngine::step (the network's and its perturbed copy's
// weight steps and, every R-th step, the architecture update), timed on synthetic
// images shaped like a data set. `zodarts bench` and the wizard's run-time estimate
// both time through it, so the two measure the same code the search runs.
#pragma once

#include "core/data/image_set.h"
#include "core/search/budget.h"
#include "core/search/search_engine.h"
#include "core/search/search_options.h"

#include <torch/types.h>

#include <cstdint>
#include <random>
#include <vector>

namespace zd {

// The synthetic images: channels, classes and side before the search's resize.
struct SyntheticImages {
  int64_t channels = 1;
  int64_t classes = 2;
  int64_t size = 28;
};

class SearchStepTimer {
 public:
  SearchStepTimer(const SearchOptions& options, const SupernetOptions& network, const BudgetBand& band,
                  const SyntheticImages& images, torch::Device device);

  SearchEngine& engine() { return engine_; }
  std::mt19937_64& rng() { return rng_; }

  struct Timing {
    std::vector<double> seconds;  // of each timed step, the device waited for
    double macs = 0;              // conv multiply-accumulates of the timed steps (forward + backward)
    double totalSeconds() const;
    double medianSeconds() const;
  };
  // `warmup` untimed steps (the first steps of a phase allocate), then `steps` timed ones.
  Timing run(int warmup, int steps);

 private:
  std::pair<torch::Tensor, torch::Tensor> batch();

  SearchOptions options_;
  torch::Device device_;
  SearchEngine engine_;
  std::mt19937_64 rng_;
  ImageSet images_;
};

}  // namespace zd
