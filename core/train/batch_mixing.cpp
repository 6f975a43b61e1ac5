#include "core/train/batch_mixing.h"

#include "core/common/cuda_device.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace zd {
namespace {

// log of a Gamma(α, 1) draw: Gamma(α) = Gamma(α + 1) · U^(1/α) (Marsaglia–Tsang's
// boost), kept in log space because for α = 0.1 the draw underflows a double.
double logGamma(double alpha, std::mt19937_64& rng) {
  std::gamma_distribution<double> g(alpha + 1.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  double uniform = u(rng);
  while (uniform <= 0.0) uniform = u(rng);
  return std::log(g(rng)) + std::log(uniform) / alpha;
}

torch::Tensor permutation(int64_t n, std::mt19937_64& rng) {
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), int64_t{0});
  std::shuffle(idx.begin(), idx.end(), rng);
  return torch::tensor(idx, torch::kLong);
}

}  // namespace

double sampleBeta(double alpha, std::mt19937_64& rng) {
  const double lx = logGamma(alpha, rng);
  const double ly = logGamma(alpha, rng);
  // X / (X + Y) = 1 / (1 + exp(log Y − log X)).
  return 1.0 / (1.0 + std::exp(ly - lx));
}

CutBox cutmixBox(int64_t height, int64_t width, double lambda, std::mt19937_64& rng) {
  const double ratio = std::sqrt(std::clamp(1.0 - lambda, 0.0, 1.0));
  const auto cut_h = static_cast<int64_t>(std::floor(static_cast<double>(height) * ratio));
  const auto cut_w = static_cast<int64_t>(std::floor(static_cast<double>(width) * ratio));
  std::uniform_int_distribution<int64_t> cy(0, height - 1), cx(0, width - 1);
  const int64_t y = cy(rng);
  const int64_t x = cx(rng);
  CutBox box;
  box.y0 = std::clamp<int64_t>(y - cut_h / 2, 0, height);
  box.y1 = std::clamp<int64_t>(y + cut_h / 2, 0, height);
  box.x0 = std::clamp<int64_t>(x - cut_w / 2, 0, width);
  box.x1 = std::clamp<int64_t>(x + cut_w / 2, 0, width);
  return box;
}

torch::Tensor mixupImages(const torch::Tensor& x, const torch::Tensor& partner, double lambda) {
  return x * lambda + x.index_select(0, partner.to(x.device())) * (1.0 - lambda);
}

torch::Tensor cutmixImages(const torch::Tensor& x, const torch::Tensor& partner, const CutBox& box) {
  auto out = x.clone();
  if (box.area() == 0) return out;
  using torch::indexing::Slice;
  const auto window = x.index_select(0, partner.to(x.device()))
                          .index({Slice(), Slice(), Slice(box.y0, box.y1), Slice(box.x0, box.x1)});
  out.index_put_({Slice(), Slice(), Slice(box.y0, box.y1), Slice(box.x0, box.x1)}, window);
  return out;
}

MixedBatch mixBatch(const torch::Tensor& images, const torch::Tensor& labels, const TrainOptions& o,
                    std::mt19937_64& rng) {
  MixedBatch batch{images, labels, labels, 1.0, MixKind::None};
  if (!o.mixing || o.mix_prob <= 0) return batch;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  if (u(rng) >= o.mix_prob) return batch;
  const bool cutmix = u(rng) < o.cutmix_prob;
  const double lambda = sampleBeta(cutmix ? o.cutmix_alpha : o.mixup_alpha, rng);
  // Sent once, without waiting (pinned), where the batch lives.
  const auto partner = toDeviceAsync(permutation(images.size(0), rng), images.device());
  batch.labels_b = labels.index_select(0, partner.to(labels.device()));
  if (cutmix) {
    const auto box = cutmixBox(images.size(2), images.size(3), lambda, rng);
    batch.images = cutmixImages(images, partner, box);
    // λ is what of the image is still its own after clipping the box.
    batch.lambda = 1.0 - static_cast<double>(box.area()) / static_cast<double>(images.size(2) * images.size(3));
    batch.kind = MixKind::CutMix;
  } else {
    batch.images = mixupImages(images, partner, lambda);
    batch.lambda = lambda;
    batch.kind = MixKind::Mixup;
  }
  return batch;
}

torch::Tensor smoothedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& labels, double epsilon) {
  const auto log_p = torch::log_softmax(logits, 1);
  const auto nll = -log_p.gather(1, labels.view({-1, 1})).squeeze(1);
  const auto uniform = -log_p.mean(1);  // −(1/K)·Σ_k log p_k
  return ((1.0 - epsilon) * nll + epsilon * uniform).mean();
}

torch::Tensor mixedLoss(const torch::Tensor& logits, const MixedBatch& batch, double epsilon) {
  auto loss = smoothedCrossEntropy(logits, batch.labels_a, epsilon);
  if (batch.kind == MixKind::None) return loss;
  return batch.lambda * loss + (1.0 - batch.lambda) * smoothedCrossEntropy(logits, batch.labels_b, epsilon);
}

}  // namespace zd
