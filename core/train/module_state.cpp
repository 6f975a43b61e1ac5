#include "core/train/module_state.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <set>

namespace zd {
namespace {

std::string shapeOf(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

void readLevel(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& what,
               const std::string& path) {
  std::set<std::string> expected;
  const auto readInto = [&](const std::string& key, torch::Tensor& target, bool is_buffer) {
    expected.insert(key);
    torch::Tensor saved;  // fresh: reading into a defined tensor would adopt the archive's shape
    if (!archive.try_read(key, saved, is_buffer))
      throw DataError(what + ": weights do not fit the network: '" + path + key + "' is missing");
    if (saved.sizes() != target.sizes() || saved.scalar_type() != target.scalar_type())
      throw DataError(what + ": weights do not fit the network: '" + path + key + "' is " + shapeOf(saved) +
                      ", expected " + shapeOf(target));
    torch::NoGradGuard no_grad;
    target.copy_(saved);
  };
  for (auto& p : module.named_parameters(/*recurse=*/false)) readInto(p.key(), p.value(), false);
  for (auto& b : module.named_buffers(/*recurse=*/false)) readInto(b.key(), b.value(), true);
  for (auto& child : module.named_children()) {
    expected.insert(child.key());
    torch::serialize::InputArchive sub;
    if (!archive.try_read(child.key(), sub))
      throw DataError(what + ": weights do not fit the network: '" + path + child.key() + "' is missing");
    readLevel(*child.value(), sub, what, path + child.key() + ".");
  }
  for (const auto& key : archive.keys())
    if (!expected.count(key))
      throw DataError(what + ": weights do not fit the network: unexpected '" + path + key + "'");
}

std::vector<torch::Tensor> stateTensors(const torch::nn::Module& module) {
  std::vector<torch::Tensor> out;
  for (const auto& p : module.parameters()) out.push_back(p);
  for (const auto& b : module.buffers()) out.push_back(b);
  return out;
}

}  // namespace

void readModuleStrict(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& what) {
  try {
    readLevel(module, archive, what, "");
  } catch (const c10::Error& e) {
    throw DataError(what + ": unreadable weights (" + std::string(e.what_without_backtrace()) + ")");
  }
}

std::vector<torch::Tensor> cloneState(const torch::nn::Module& module) {
  std::vector<torch::Tensor> out;
  for (const auto& t : stateTensors(module)) out.push_back(t.detach().clone());
  return out;
}

void restoreState(torch::nn::Module& module, const std::vector<torch::Tensor>& state) {
  const auto targets = stateTensors(module);
  if (targets.size() != state.size())
    throw DataError("saved network state has " + std::to_string(state.size()) + " tensors, the network " +
                    std::to_string(targets.size()));
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].sizes() != state[i].sizes())
      throw DataError("saved network state: tensor " + std::to_string(i) + " is " + shapeOf(state[i]) + ", expected " +
                      shapeOf(targets[i]));
    targets[i].copy_(state[i]);
  }
}

}  // namespace zd
