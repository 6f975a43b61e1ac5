// In-memory image sets: what every data source (MedMNIST .npz, image folders,
// DICOM) loads into, and what the search and training read from.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace zd {

// A set of images with integer class labels, kept as uint8 to save memory.
// images: uint8 [N, C, H, W] (C = 1 or 3), labels: int64 [N] in [0, classes).
// Plain value type; tensors are shared on copy (like torch::Tensor).
struct ImageSet {
  torch::Tensor images;
  torch::Tensor labels;

  int64_t size() const { return images.defined() ? images.size(0) : 0; }
  int64_t channels() const { return images.size(1); }
  int64_t height() const { return images.size(2); }
  int64_t width() const { return images.size(3); }

  // The images at `indices` (int64 [K]), in that order.
  ImageSet select(const torch::Tensor& indices) const;
  // Concatenation of two sets with the same image shape.
  static ImageSet concat(const ImageSet& a, const ImageSet& b);
  // Number of images per class, for `classes` classes.
  std::vector<int64_t> classCounts(int64_t classes) const;
};

// A labelled data set split three ways. The test split is used only after
// retraining; the search draws only on train (and val, merged, see splits.h).
struct Dataset {
  std::string source;                    // where it came from (path), for messages
  std::vector<std::string> class_names;  // index = label
  ImageSet train, val, test;

  int64_t numClasses() const { return static_cast<int64_t>(class_names.size()); }
  int64_t channels() const { return train.channels(); }
  int64_t imageSize() const { return train.height(); }
};

}  // namespace zd
