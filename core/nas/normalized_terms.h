// The conv terms of a search cell's mixed edges, normalised and weighted in one
// autograd step that keeps less for the backward pass.
//
// Each conv op's term is p · BN(conv(x)) (BatchNorm without affine, batch
// statistics). Written as batch_norm followed by addcmul, autograd keeps both the
// convolution's output (for BatchNorm's backward) and the normalised output (for
// ∂/∂p): two activations per term. Here only the convolution's output and the
// per-channel mean and 1/std are kept; the normalised values are recomputed where
// the backward pass needs them. Same numbers; a dense search step at batch 64
// peaked at a fifth less memory (phase 2: 1588 vs 1983 MiB) and ran slightly faster.
#pragma once

#include <torch/types.h>

#include <vector>

namespace zd {

// `conv_out` holds the outputs of several terms concatenated along the channels
// (equal shares, one per coefficient). Returns, for each term i,
//   bases[i] + coefficients[i] · BN(share i of conv_out)
// where an undefined bases[i] counts as zero. Coefficients are 0-dim tensors.
// Differentiable once in conv_out, the coefficients and the bases.
std::vector<torch::Tensor> addNormalizedTerms(const torch::Tensor& conv_out,
                                              const std::vector<torch::Tensor>& coefficients,
                                              const std::vector<torch::Tensor>& bases);

}  // namespace zd
