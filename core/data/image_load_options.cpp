#include "core/data/image_load_options.h"

#include "core/common/error.h"

#include <string>

namespace zd {

void checkImageLoadOptions(const ImageLoadOptions& o) {
  if (o.size < 1) throw ConfigError("image size must be >= 1, got " + std::to_string(o.size));
  if (o.max_pixels < 1) throw ConfigError("max_pixels must be >= 1, got " + std::to_string(o.max_pixels));
  if (o.threads < 0) throw ConfigError("threads must be >= 0, got " + std::to_string(o.threads));
  // Written so that NaN fails.
  if (!(o.train > 0 && o.val >= 0 && o.test >= 0))
    throw ConfigError("split fractions need train > 0 and val, test >= 0, got " + std::to_string(o.train) + "/" +
                      std::to_string(o.val) + "/" + std::to_string(o.test));
}

}  // namespace zd
