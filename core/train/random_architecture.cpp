#include "core/train/random_architecture.h"

#include "core/common/error.h"
#include "core/nas/param_count.h"
#include "core/train/genotype_sampling.h"

namespace zd {

Genotype randomArchitecture(const CountShape& shape, int max_depth, const std::optional<ParamWindow>& window,
                            std::mt19937_64& rng, int max_draws) {
  ArchDistributions uniform;
  uniform.alpha.assign(kStages * kEdges, std::vector<double>(kOps, 1.0));
  uniform.beta.assign(kStages * kEdges, std::vector<double>(kKernels, 1.0));
  uniform.gamma.assign(kStages, std::vector<double>(static_cast<size_t>(max_depth), 1.0));
  for (int draw = 0; draw < std::max(1, max_draws); ++draw) {
    Genotype g = sampleGenotype(uniform, max_depth, rng);
    if (!window) return g;
    const int64_t params = exactParams(g, shape.in_channels, shape.channels, shape.classes);
    if (params >= window->min && params <= window->max) return g;
  }
  const ParamWindow space = spaceSizeRange(shape, max_depth);
  throw ConfigError("random architecture: none of " + std::to_string(max_draws) + " draws has a size in " +
                    std::to_string(window->min) + "-" + std::to_string(window->max) + " parameters (the space spans " +
                    std::to_string(space.min) + "-" + std::to_string(space.max) + "); widen the band");
}

}  // namespace zd
