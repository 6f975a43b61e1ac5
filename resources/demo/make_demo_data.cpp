// zodarts-make-demo: builds the demo data set resources/demo/brain_regions_28.npz
// (see README.md here) from Debian's mricron-data templates: 28×28 patches of axial
// slices of the Colin27 ("ch2") T1 MRI, labelled by the AAL atlas region group at
// the patch centre. Deterministic: the same inputs and seed give the same file.
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/data/npz_writer.h"
#include "core/data/portable_random.h"

#include <CLI/CLI.hpp>
#include <nifti2_io.h>
#include <torch/types.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// The six classes, each a group of AAL regions chosen by name (the atlas's own lobe
// grouping, Tzourio-Mazoyer et al. 2002). Regions on lobe borders or in the limbic
// lobe (Rolandic operculum, paracentral lobule, insula, cingulum, hippocampus,
// parahippocampal, amygdala, fusiform, olfactory) are left out so every label is
// unambiguous.
struct RegionGroup {
  const char* name;
  std::vector<std::string> prefixes;
};
const std::vector<RegionGroup> kGroups = {
    {"frontal", {"Precentral", "Frontal_", "Supp_Motor_Area", "Rectus"}},
    {"parietal", {"Postcentral", "Parietal_", "SupraMarginal", "Angular", "Precuneus"}},
    {"temporal", {"Temporal_", "Heschl"}},
    {"occipital", {"Calcarine", "Cuneus", "Lingual", "Occipital_"}},
    {"cerebellum", {"Cerebelum_", "Vermis_"}},
    {"deep grey matter", {"Caudate", "Putamen", "Pallidum", "Thalamus"}},
};

enum Split { kTrain = 0, kVal = 1, kTest = 2 };
const char* const kSplitNames[] = {"train", "val", "test"};

struct Settings {
  fs::path out;
  fs::path templates = "/usr/share/mricron/templates";
  int patch = 28;                                 // output patch side in pixels
  double patch_mm = 28.0;                         // field of view of a patch
  double block_mm = 4.0;                          // thickness of a block of axial slices
  double gap_mm = 3.0;                            // slices left out between blocks (no near-duplicates across splits)
  double grid_mm = 2.0;                           // in-plane spacing of candidate patch centres
  std::array<int, 3> per_class = {350, 50, 100};  // images per class in train/val/test (70/10/20)
  uint64_t seed = 2002;
};

// A scalar volume on a voxel grid, with its voxel → world (mm) matrix.
struct Volume {
  int64_t nx = 0, ny = 0, nz = 0;
  double to_world[4][4] = {};
  std::vector<float> data;  // x fastest, as in NIfTI

  float at(int64_t i, int64_t j, int64_t k) const { return data[static_cast<size_t>((k * ny + j) * nx + i)]; }
  double spacing(int axis) const { return std::abs(to_world[axis][axis]); }
};

Volume readVolume(const fs::path& path) {
  std::unique_ptr<nifti_image, void (*)(nifti_image*)> nim(nifti_image_read(path.c_str(), 1), nifti_image_free);
  if (!nim || !nim->data) throw zd::DataError(path.string() + ": cannot read NIfTI image");
  Volume v;
  v.nx = nim->nx;
  v.ny = nim->ny;
  v.nz = nim->nz;
  const nifti_dmat44& m = nim->sform_code > 0 ? nim->sto_xyz : nim->qto_xyz;
  if (nim->sform_code <= 0 && nim->qform_code <= 0)
    throw zd::DataError(path.string() + ": no sform or qform, the image has no world space");
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) v.to_world[r][c] = m.m[r][c];
  // The patch geometry below assumes voxel axes along +x, +y, +z (true of both templates).
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      if ((r == c) != (std::abs(m.m[r][c]) > 1e-6) || (r == c && m.m[r][c] < 0))
        throw zd::DataError(path.string() + ": only axis-aligned RAS volumes are supported");
  const auto n = static_cast<size_t>(nim->nvox);
  v.data.resize(n);
  const auto convert = [&](auto* p) {
    for (size_t i = 0; i < n; ++i) v.data[i] = static_cast<float>(p[i]);
  };
  switch (nim->datatype) {
    case DT_UINT8: convert(static_cast<const uint8_t*>(nim->data)); break;
    case DT_INT16: convert(static_cast<const int16_t*>(nim->data)); break;
    case DT_UINT16: convert(static_cast<const uint16_t*>(nim->data)); break;
    case DT_INT32: convert(static_cast<const int32_t*>(nim->data)); break;
    case DT_FLOAT32: convert(static_cast<const float*>(nim->data)); break;
    case DT_FLOAT64: convert(static_cast<const double*>(nim->data)); break;
    default: throw zd::DataError(path.string() + ": unsupported voxel type " + nifti_datatype_string(nim->datatype));
  }
  return v;
}

std::string describe(const Volume& v) {
  std::ostringstream s;
  s << v.nx << "×" << v.ny << "×" << v.nz << " at " << v.spacing(0) << " mm";
  return s.str();
}

bool sameSpace(const Volume& a, const Volume& b) {
  if (a.nx != b.nx || a.ny != b.ny || a.nz != b.nz) return false;
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c)
      if (std::abs(a.to_world[r][c] - b.to_world[r][c]) > 1e-4) return false;
  return true;
}

// The atlas on the T1 grid: nearest neighbour, through world coordinates (both are axis-aligned).
Volume resampleNearest(const Volume& atlas, const Volume& grid) {
  Volume out = grid;
  std::vector<std::vector<int64_t>> src(3);
  const int64_t n[3] = {grid.nx, grid.ny, grid.nz}, m[3] = {atlas.nx, atlas.ny, atlas.nz};
  for (int a = 0; a < 3; ++a)
    for (int64_t i = 0; i < n[a]; ++i) {
      const double world = grid.to_world[a][a] * static_cast<double>(i) + grid.to_world[a][3];
      const auto s = static_cast<int64_t>(std::lround((world - atlas.to_world[a][3]) / atlas.to_world[a][a]));
      src[static_cast<size_t>(a)].push_back(s >= 0 && s < m[a] ? s : -1);
    }
  for (int64_t k = 0; k < grid.nz; ++k)
    for (int64_t j = 0; j < grid.ny; ++j)
      for (int64_t i = 0; i < grid.nx; ++i) {
        const int64_t si = src[0][static_cast<size_t>(i)], sj = src[1][static_cast<size_t>(j)],
                      sk = src[2][static_cast<size_t>(k)];
        out.data[static_cast<size_t>((k * grid.ny + j) * grid.nx + i)] = (si < 0 || sj < 0 || sk < 0)
                                                                             ? 0.0f
                                                                             : atlas.at(si, sj, sk);
      }
  return out;
}

// AAL label → class index (−1: background or a left-out region), from aal.nii.txt.
std::vector<int> classOfLabel(const fs::path& names_file) {
  std::ifstream in(names_file);
  if (!in) throw zd::DataError(names_file.string() + ": cannot read the AAL region names");
  std::vector<int> cls(256, -1);
  std::string line, left_out;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    int index = 0;
    std::string name;
    if (!(s >> index >> name) || index <= 0 || index >= 256) continue;
    for (size_t g = 0; g < kGroups.size(); ++g)
      for (const auto& prefix : kGroups[g].prefixes)
        if (name.rfind(prefix, 0) == 0) cls[static_cast<size_t>(index)] = static_cast<int>(g);
    if (cls[static_cast<size_t>(index)] < 0) left_out += " " + name;
  }
  std::cout << "AAL regions left out:" << left_out << "\n";
  return cls;
}

// Robust intensity window of the brain: the 0.5th and 99.5th percentiles of T1 > 0.
std::pair<float, float> brainWindow(const Volume& t1) {
  std::vector<float> brain;
  for (const float v : t1.data)
    if (v > 0) brain.push_back(v);
  if (brain.empty()) throw zd::DataError("the T1 image is empty");
  const auto pct = [&](double p) {
    auto it = brain.begin() + static_cast<std::ptrdiff_t>(p * static_cast<double>(brain.size() - 1));
    std::nth_element(brain.begin(), it, brain.end());
    return *it;
  };
  return {pct(0.005), pct(0.995)};
}

struct Centre {
  int64_t i, j, k;
};

// One patch: patch×patch pixels, each the mean of a box of voxels (anti-aliasing),
// anterior at the top, the subject's left on the left; outside the volume is 0.
void extractPatch(const Volume& t1, const Centre& c, int patch, int64_t box, float lo, float hi, uint8_t* out) {
  const int64_t half = patch * box / 2;
  for (int r = 0; r < patch; ++r)
    for (int q = 0; q < patch; ++q) {
      double sum = 0;
      for (int64_t dr = 0; dr < box; ++dr)
        for (int64_t dq = 0; dq < box; ++dq) {
          const int64_t j = c.j + half - 1 - (r * box + dr), i = c.i - half + q * box + dq;
          if (i >= 0 && i < t1.nx && j >= 0 && j < t1.ny) sum += t1.at(i, j, c.k);
        }
      const double v = (sum / static_cast<double>(box * box) - lo) / (hi - lo) * 255.0;
      out[r * patch + q] = static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 255.0)));
    }
}

// Which split an axial slice belongs to: blocks of block_mm, separated by gap_mm
// of unused slices, cycling train, val, train, test — so every split spans the whole
// head (and so every class), while neighbouring slices never straddle two splits.
int splitOfSlice(int64_t k, int64_t first_slice, const Settings& s, double dz) {
  static const int kCycle[] = {kTrain, kVal, kTrain, kTest};
  const double z = static_cast<double>(k - first_slice) * dz;
  const double period = s.block_mm + s.gap_mm;
  const auto block = static_cast<int64_t>(std::floor(z / period));
  if (z - static_cast<double>(block) * period >= s.block_mm) return -1;  // in a gap
  return kCycle[block % 4];
}

zd::Dataset makeDataset(const Settings& s) {
  Volume t1 = readVolume(s.templates / "ch2better.nii.gz");
  Volume atlas = readVolume(s.templates / "aal.nii.gz");
  std::cout << "T1 " << describe(t1) << ", atlas " << describe(atlas) << "\n";
  if (!sameSpace(t1, atlas)) {
    std::cout << "different voxel grids: atlas resampled onto the T1 grid (nearest neighbour)\n";
    atlas = resampleNearest(atlas, t1);
  }
  const std::vector<int> cls = classOfLabel(s.templates / "aal.nii.txt");
  const auto [lo, hi] = brainWindow(t1);
  std::cout << "intensity window (0.5th–99.5th percentile of the brain): " << lo << " – " << hi << "\n";

  const double voxel = t1.spacing(0), dz = t1.spacing(2);
  const auto box = std::max<int64_t>(1, std::lround(s.patch_mm / s.patch / voxel));
  const auto grid = std::max<int64_t>(1, std::lround(s.grid_mm / voxel));
  const int64_t half = s.patch * box / 2;

  // Candidate centres per split and class: on an in-plane grid, inside the brain,
  // in a region of one of the groups, with the whole patch inside the volume.
  int64_t first_slice = t1.nz;
  for (int64_t k = 0; k < t1.nz && first_slice == t1.nz; ++k)
    for (int64_t j = 0; j < t1.ny && first_slice == t1.nz; ++j)
      for (int64_t i = 0; i < t1.nx; ++i)
        if (cls[static_cast<size_t>(atlas.at(i, j, k))] >= 0) {
          first_slice = k;
          break;
        }
  const size_t n_classes = kGroups.size();
  std::vector<std::vector<std::vector<Centre>>> candidates(3, std::vector<std::vector<Centre>>(n_classes));
  for (int64_t k = first_slice; k < t1.nz; ++k) {
    const int split = splitOfSlice(k, first_slice, s, dz);
    if (split < 0) continue;
    for (int64_t j = half; j + half <= t1.ny; j += grid)
      for (int64_t i = half; i + half <= t1.nx; i += grid) {
        const int c = cls[static_cast<size_t>(atlas.at(i, j, k))];
        if (c >= 0 && t1.at(i, j, k) > 0)
          candidates[static_cast<size_t>(split)][static_cast<size_t>(c)].push_back({i, j, k});
      }
  }

  std::mt19937_64 rng(s.seed);
  zd::Dataset data;
  for (const auto& g : kGroups) data.class_names.push_back(g.name);
  for (int split = 0; split < 3; ++split) {
    const int per_class = s.per_class[static_cast<size_t>(split)];
    std::vector<std::pair<Centre, int64_t>> chosen;
    for (size_t c = 0; c < n_classes; ++c) {
      auto& pool = candidates[static_cast<size_t>(split)][c];
      if (static_cast<int>(pool.size()) < per_class)
        throw zd::DataError(std::string("only ") + std::to_string(pool.size()) + " candidate patches for '" +
                            kGroups[c].name + "' in " + kSplitNames[split] + ", need " + std::to_string(per_class));
      std::cout << kSplitNames[split] << " " << kGroups[c].name << ": " << pool.size() << " candidates\n";
      zd::portableShuffle(pool, rng);
      for (int n = 0; n < per_class; ++n) chosen.push_back({pool[static_cast<size_t>(n)], static_cast<int64_t>(c)});
    }
    zd::portableShuffle(chosen, rng);  // mix the classes, as in MedMNIST
    const auto n = static_cast<int64_t>(chosen.size());
    zd::ImageSet set{torch::empty({n, 1, s.patch, s.patch}, torch::kUInt8), torch::empty({n}, torch::kInt64)};
    for (int64_t m = 0; m < n; ++m) {
      extractPatch(t1, chosen[static_cast<size_t>(m)].first, s.patch, box, lo, hi, set.images[m].data_ptr<uint8_t>());
      set.labels.data_ptr<int64_t>()[m] = chosen[static_cast<size_t>(m)].second;
    }
    (split == kTrain ? data.train : split == kVal ? data.val : data.test) = set;
  }
  return data;
}

void report(const zd::Dataset& data) {
  std::printf("%-18s %7s %7s %7s\n", "class", "train", "val", "test");
  const auto tr = data.train.classCounts(data.numClasses()), va = data.val.classCounts(data.numClasses()),
             te = data.test.classCounts(data.numClasses());
  for (size_t c = 0; c < data.class_names.size(); ++c)
    std::printf("%-18s %7lld %7lld %7lld\n", data.class_names[c].c_str(), static_cast<long long>(tr[c]),
                static_cast<long long>(va[c]), static_cast<long long>(te[c]));
  std::printf("%-18s %7lld %7lld %7lld\n", "total", static_cast<long long>(data.train.size()),
              static_cast<long long>(data.val.size()), static_cast<long long>(data.test.size()));
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  CLI::App app{"Builds the ZO-DARTS++ Studio demo data set (brain region patches) from mricron-data."};
  app.add_option("--out", s.out, "the .npz to write (classes.txt is written beside it)")->required();
  app.add_option("--templates", s.templates, "folder with ch2better.nii.gz, aal.nii.gz, aal.nii.txt");
  app.add_option("--seed", s.seed, "random seed");
  CLI11_PARSE(app, argc, argv);
  try {
    const zd::Dataset data = makeDataset(s);
    zd::writeMedmnistNpz(s.out, data);
    std::string names;
    for (const auto& n : data.class_names) names += n + "\n";
    zd::writeFileAtomically(s.out.parent_path() / "classes.txt", names);
    report(data);
    std::cout << "wrote " << s.out.string() << " (" << fs::file_size(s.out) << " bytes)\n";
  } catch (const std::exception& e) {
    std::cerr << "zodarts-make-demo: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
