#include "core/nas/normalized_terms.h"

#include "core/nas/candidate_ops.h"

#include <torch/torch.h>

namespace zd {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct NormalizedTermsFunction : public torch::autograd::Function<NormalizedTermsFunction> {
  // base_of[i]: index into `bases` of term i's base, or -1 for none.
  static tensor_list forward(AutogradContext* ctx, const torch::Tensor& conv_out, torch::TensorList coefficients,
                             torch::TensorList bases, std::vector<int64_t> base_of) {
    const auto [normalized, mean, invstd] = at::native_batch_norm(conv_out, /*weight=*/{}, /*bias=*/{},
                                                                  /*running_mean=*/{}, /*running_var=*/{},
                                                                  /*training=*/true, kBatchNormMomentum, kBatchNormEps);
    const auto shares = normalized.chunk(static_cast<int64_t>(coefficients.size()), /*dim=*/1);
    tensor_list sums;
    for (size_t i = 0; i < coefficients.size(); ++i) {
      const int64_t b = base_of[i];
      sums.push_back(b >= 0 ? torch::addcmul(bases[static_cast<size_t>(b)], coefficients[i], shares[i])
                            : coefficients[i] * shares[i]);
    }
    tensor_list saved{conv_out, mean, invstd};
    saved.insert(saved.end(), coefficients.begin(), coefficients.end());
    ctx->save_for_backward(saved);
    ctx->saved_data["bases"] = static_cast<int64_t>(bases.size());
    ctx->saved_data["base_of"] = base_of;
    return sums;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_sums) {
    const auto saved = ctx->get_saved_variables();
    const auto& conv_out = saved[0];
    const auto& mean = saved[1];
    const auto& invstd = saved[2];
    const size_t terms = saved.size() - 3;
    const auto base_of = ctx->saved_data["base_of"].toIntVector();
    const auto x_shares = conv_out.chunk(static_cast<int64_t>(terms), 1);
    const auto mean_shares = mean.chunk(static_cast<int64_t>(terms), 0);
    const auto invstd_shares = invstd.chunk(static_cast<int64_t>(terms), 0);

    tensor_list grad_coefficients(terms), grad_normalized;
    for (size_t i = 0; i < terms; ++i) {
      const auto& g = grad_sums[i];
      const auto& coefficient = saved[3 + i];
      // Weight steps hold A fixed: no ∂/∂p there (input 0 is conv_out).
      if (ctx->needs_input_grad(1 + i)) {
        // ∂/∂p_i = Σ g · BN(x_i), with BN(x_i) = (x_i − mean) · invstd recomputed per channel.
        const auto centred_dot = ((x_shares[i] - mean_shares[i].view({1, -1, 1, 1})) * g).sum({0, 2, 3});
        grad_coefficients[i] = (centred_dot * invstd_shares[i]).sum().to(coefficient.scalar_type());
      }
      grad_normalized.push_back(g * coefficient);
    }
    const auto grad_conv_out = std::get<0>(at::native_batch_norm_backward(
        torch::cat(grad_normalized, 1), conv_out, /*weight=*/{}, /*running_mean=*/{}, /*running_var=*/{}, mean, invstd,
        /*train=*/true, kBatchNormEps, {true, false, false}));

    // One gradient per forward argument, tensors of the lists one by one; the
    // last (base_of) is not a tensor.
    tensor_list grads{grad_conv_out};
    grads.insert(grads.end(), grad_coefficients.begin(), grad_coefficients.end());
    tensor_list grad_bases(static_cast<size_t>(ctx->saved_data["bases"].toInt()));
    for (size_t i = 0; i < terms; ++i)
      if (base_of[i] >= 0) grad_bases[static_cast<size_t>(base_of[i])] = grad_sums[i];
    grads.insert(grads.end(), grad_bases.begin(), grad_bases.end());
    grads.emplace_back();
    return grads;
  }
};

}  // namespace

std::vector<torch::Tensor> addNormalizedTerms(const torch::Tensor& conv_out,
                                              const std::vector<torch::Tensor>& coefficients,
                                              const std::vector<torch::Tensor>& bases) {
  tensor_list defined_bases;
  std::vector<int64_t> base_of;
  for (const auto& b : bases) {
    base_of.push_back(b.defined() ? static_cast<int64_t>(defined_bases.size()) : -1);
    if (b.defined()) defined_bases.push_back(b);
  }
  return NormalizedTermsFunction::apply(conv_out, torch::TensorList(coefficients), torch::TensorList(defined_bases),
                                        base_of);
}

}  // namespace zd
