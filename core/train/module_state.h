// Reading a module's weights from a torch archive safely, and copying whole module
// states (parameters and buffers) for "keep the best epoch". LibTorch's own
// Module::load reads into the existing tensors with set_, which silently takes the
// archive's shape; here every tensor is read fresh, checked, then copied in.
// Thread-safety: none of these may run while another thread uses the module.
#pragma once

#include <torch/nn/module.h>
#include <torch/serialize/archive.h>

#include <string>
#include <vector>

namespace zd {

// Reads every parameter and buffer of `module` (recursively, as Module::save wrote
// them) from `archive` into fresh tensors and copies them in. Throws DataError
// naming `what` (e.g. "model.pt") and the first key that is missing, unexpected, or
// of another shape or type.
void readModuleStrict(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& what);

// Detached clones of every parameter and buffer, in named_parameters() then
// named_buffers() order.
std::vector<torch::Tensor> cloneState(const torch::nn::Module& module);

// Copies a cloneState() snapshot back into `module` (same structure).
void restoreState(torch::nn::Module& module, const std::vector<torch::Tensor>& state);

}  // namespace zd
