// Mixup and CutMix of a training batch and the label-smoothed, mixed loss they are
// trained with (ALGORITHM.md §7: label smoothing 0.1, mixup α 0.1 or CutMix α 0.1
// chosen at random per batch). Pure functions; the only state is the caller's rng
// (saved in the training checkpoint), so a resumed run draws the same batches.
#pragma once

#include "core/train/train_options.h"

#include <torch/types.h>

#include <random>

namespace zd {

enum class MixKind { None, Mixup, CutMix };

// A batch after mixing: each image i mixes its own label labels_a[i] (weight λ) with
// its partner's labels_b[i] (weight 1 − λ).
struct MixedBatch {
  torch::Tensor images;    // float [B, C, H, W]
  torch::Tensor labels_a;  // int64 [B], the batch's own labels
  torch::Tensor labels_b;  // int64 [B], the partners' labels (= labels_a when unmixed)
  double lambda = 1.0;
  MixKind kind = MixKind::None;
};

// A rectangle of rows [y0, y1) and columns [x0, x1).
struct CutBox {
  int64_t y0 = 0, y1 = 0, x0 = 0, x1 = 0;
  int64_t area() const { return (y1 - y0) * (x1 - x0); }
};

// λ ~ Beta(α, α) (α > 0), drawn from rng through two Gamma(α) draws in log space, so
// small α (0.1: λ near 0 or 1) never divides 0 by 0.
double sampleBeta(double alpha, std::mt19937_64& rng);

// CutMix's box for weight λ in an H×W image (Yun et al. 2019): sides
// floor(H·√(1−λ)) × floor(W·√(1−λ)) around a centre uniform over the pixels, clipped
// to the image.
CutBox cutmixBox(int64_t height, int64_t width, double lambda, std::mt19937_64& rng);

// λ·x + (1 − λ)·x[partner] (partner: int64 [B] indices into the batch).
torch::Tensor mixupImages(const torch::Tensor& x, const torch::Tensor& partner, double lambda);

// x with the box replaced by the same box of x[partner].
torch::Tensor cutmixImages(const torch::Tensor& x, const torch::Tensor& partner, const CutBox& box);

// Mixes a float batch as options say: with probability mix_prob (and `mixing` on) the
// batch is mixed, by CutMix with probability cutmix_prob, else by mixup; partners are
// a random permutation of the batch. CutMix's λ is the unreplaced share of the image.
// Draws from rng only (the same rng state gives the same batch).
MixedBatch mixBatch(const torch::Tensor& images, const torch::Tensor& labels, const TrainOptions& options,
                    std::mt19937_64& rng);

// Mean over the batch of −Σ_k t_k · log softmax(logits)_k with the smoothed target
// t = (1 − ε)·one-hot(label) + ε/K (PyTorch's CrossEntropyLoss(label_smoothing=ε)).
torch::Tensor smoothedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& labels, double epsilon);

// λ · smoothedCE(logits, labels_a) + (1 − λ) · smoothedCE(logits, labels_b).
torch::Tensor mixedLoss(const torch::Tensor& logits, const MixedBatch& batch, double epsilon);

}  // namespace zd
