#include "core/data/medmnist_classes.h"

#include "core/common/ascii_lower.h"

#include <cctype>

namespace zd {
namespace {

struct KnownSet {
  const char* name;
  int64_t channels;
  std::vector<std::string> classes;  // in label order, as medmnist's INFO gives them
};

const std::vector<KnownSet>& knownSets() {
  static const std::vector<std::string> organs = {"bladder",     "femur-left",   "femur-right", "heart",
                                                  "kidney-left", "kidney-right", "liver",       "lung-left",
                                                  "lung-right",  "pancreas",     "spleen"};
  static const std::vector<KnownSet> kSets = {
      {"pathmnist",
       3,
       {"adipose", "background", "debris", "lymphocytes", "mucus", "smooth muscle", "normal colon mucosa",
        "cancer-associated stroma", "colorectal adenocarcinoma epithelium"}},
      {"dermamnist",
       3,
       {"actinic keratoses and intraepithelial carcinoma", "basal cell carcinoma", "benign keratosis-like lesions",
        "dermatofibroma", "melanoma", "melanocytic nevi", "vascular lesions"}},
      {"octmnist", 1, {"choroidal neovascularization", "diabetic macular edema", "drusen", "normal"}},
      {"pneumoniamnist", 1, {"normal", "pneumonia"}},
      // Diabetic-retinopathy grades, an ordinal scale ("0" … "4" in medmnist).
      {"retinamnist", 3, {"grade 0", "grade 1", "grade 2", "grade 3", "grade 4"}},
      {"breastmnist", 1, {"malignant", "normal, benign"}},
      {"bloodmnist",
       3,
       {"basophil", "eosinophil", "erythroblast",
        "immature granulocytes (myelocytes, metamyelocytes and promyelocytes)", "lymphocyte", "monocyte", "neutrophil",
        "platelet"}},
      {"tissuemnist",
       1,
       {"Collecting Duct, Connecting Tubule", "Distal Convoluted Tubule", "Glomerular endothelial cells",
        "Interstitial endothelial cells", "Leukocytes", "Podocytes", "Proximal Tubule Segments",
        "Thick Ascending Limb"}},
      {"organamnist", 1, organs},
      {"organcmnist", 1, organs},
      {"organsmnist", 1, organs},
  };
  return kSets;
}

// "pathmnist" or "pathmnist_128": the set's name, optionally "_" and digits.
bool stemNames(const std::string& stem, const std::string& set) {
  if (stem.compare(0, set.size(), set) != 0) return false;
  if (stem.size() == set.size()) return true;
  if (stem[set.size()] != '_' || stem.size() == set.size() + 1) return false;
  for (size_t i = set.size() + 1; i < stem.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(stem[i]))) return false;
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> medmnistClassNames(const std::string& file_stem, int64_t classes,
                                                           int64_t channels) {
  const std::string stem = asciiLower(file_stem);
  for (const auto& set : knownSets())
    if (stemNames(stem, set.name) && static_cast<int64_t>(set.classes.size()) == classes && set.channels == channels)
      return set.classes;
  return std::nullopt;
}

}  // namespace zd
