#include "core/nas/check_genotype.h"

namespace zd {

Genotype checkGenotype() {
  Genotype g;
  g.stages = {
      StageGenotype::fromString(
          "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|", 1),
      StageGenotype::fromString(
          "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|", 2),
      StageGenotype::fromString("|nor_conv_7x7~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|", 3)};
  return g;
}

}  // namespace zd
