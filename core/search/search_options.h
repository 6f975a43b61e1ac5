// Every setting of a search, with ALGORITHM.md's defaults. Each is a config key
// (run_config.h), most are CLI flags, and the GUI wizard shows them all.
#pragma once

#include "core/common/memory_format.h"
#include "core/common/enum_names.h"
#include "core/data/augment_options.h"
#include "core/nas/search_space.h"

#include <cstdint>
#include <array>
#include <string>

namespace zd {

// The string-valued settings, each an enum with its config words (enum_names.h).
enum class Estimator { Zo, Darts1, Darts2, Random };
constexpr std::array<EnumName<Estimator>, 4> namesOf(Estimator) {
  return {{{Estimator::Zo, "zo"},
           {Estimator::Darts1, "darts1"},
           {Estimator::Darts2, "darts2"},
           {Estimator::Random, "random"}}};
}
enum class PerturbedMomentum { Copy, Fresh };
constexpr std::array<EnumName<PerturbedMomentum>, 2> namesOf(PerturbedMomentum) {
  return {{{PerturbedMomentum::Copy, "copy"}, {PerturbedMomentum::Fresh, "fresh"}}};
}
enum class PenaltyGradient { Full, Projected };
constexpr std::array<EnumName<PenaltyGradient>, 2> namesOf(PenaltyGradient) {
  return {{{PenaltyGradient::Full, "full"}, {PenaltyGradient::Projected, "projected"}}};
}
enum class PenaltyPath { Sparsemax, Softmax };
constexpr std::array<EnumName<PenaltyPath>, 2> namesOf(PenaltyPath) {
  return {{{PenaltyPath::Sparsemax, "sparsemax"}, {PenaltyPath::Softmax, "softmax"}}};
}
enum class DirectGradient { Projected, Full };
constexpr std::array<EnumName<DirectGradient>, 2> namesOf(DirectGradient) {
  return {{{DirectGradient::Projected, "projected"}, {DirectGradient::Full, "full"}}};
}
enum class BudgetPreset { None, Small, Medium, Large, Custom };
constexpr std::array<EnumName<BudgetPreset>, 5> namesOf(BudgetPreset) {
  return {{{BudgetPreset::None, "none"},
           {BudgetPreset::Small, "small"},
           {BudgetPreset::Medium, "medium"},
           {BudgetPreset::Large, "large"},
           {BudgetPreset::Custom, "custom"}}};
}
enum class DeriveMode { Auto, Band, Argmax };
constexpr std::array<EnumName<DeriveMode>, 3> namesOf(DeriveMode) {
  return {{{DeriveMode::Auto, "auto"}, {DeriveMode::Band, "band"}, {DeriveMode::Argmax, "argmax"}}};
}
enum class ParallelCopies { Auto, On, Off };
constexpr std::array<EnumName<ParallelCopies>, 3> namesOf(ParallelCopies) {
  return {{{ParallelCopies::Auto, "auto"}, {ParallelCopies::On, "on"}, {ParallelCopies::Off, "off"}}};
}
enum class Precision { Fp32, Bf16 };
constexpr std::array<EnumName<Precision>, 2> namesOf(Precision) {
  return {{{Precision::Fp32, "fp32"}, {Precision::Bf16, "bf16"}}};
}

// The named methods of ALGORITHM.md §8 (search_method.h): settings of the switches.
enum class Method { ZoDartsPP, ZoDartsPlus, ZoDarts, DartsV1, DartsV2, Random, Custom };
constexpr std::array<EnumName<Method>, 7> namesOf(Method) {
  return {{{Method::ZoDartsPP, "zo-darts++"},
           {Method::ZoDartsPlus, "zo-darts+"},
           {Method::ZoDarts, "zo-darts"},
           {Method::DartsV1, "darts-v1"},
           {Method::DartsV2, "darts-v2"},
           {Method::Random, "random"},
           {Method::Custom, "custom"}}};
}

// The supernet's shape (§1). Input channels and classes come from the data.
struct NetworkOptions {
  int channels = 16;  // C: channels of stage 1 (stages 2, 3 have 2C, 4C)
  int cells = 3;      // N: cells per stage (also γ's length, the largest depth)
};

// Temperature annealing (§2) and the phase switch (§3).
struct TemperatureOptions {
  double t0 = 1.5;      // T at epoch 0
  double decay = 0.75;  // T is multiplied by this ...
  int every = 5;        // ... at the start of every `every`-th epoch
  bool anneal = true;   // false keeps T = t0 (ZO-DARTS baseline)
};

// The weight optimiser (§4): SGD with Nesterov momentum, cosine-annealed lr.
struct WeightOptimOptions {
  double lr = 0.1;        // initial learning rate
  double lr_min = 0.001;  // cosine-annealed to this at the last epoch
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 3e-4;
  double grad_clip = 5.0;  // gradient-norm clip
};

// The architecture optimiser and the zeroth-order estimator (§4).
struct ArchOptimOptions {
  double lr = 1.5e-2;  // Adam learning rate
  double beta1 = 0.5;
  double beta2 = 0.999;
  double weight_decay = 1e-3;
  double init_scale = 1e-3;  // α, β, γ initialised init_scale · N(0, 1)
  int rounds = 10;           // R: weight steps per architecture update
  double mu_scale = 0.005;   // μ = mu_scale · ‖α‖
  // zo: the zeroth-order hypergradient of §4 (ZO-DARTS++); darts1: the direct
  // gradient ∂L_val/∂A at the current weights (DARTS first order, a baseline);
  // darts2: through one virtual weight step, with the unrolled Hessian-vector
  // product (DARTS second order, the baseline of the paper's search-time claim);
  // random: no search at all, an architecture drawn uniformly from the space (inside
  // the budget band when one is set) with search.seed: the control of a study.
  Estimator estimator = Estimator::Zo;
  // darts2's finite-difference step: ε = unrolled_eps / ‖∇_w' L_val‖ (DARTS's 0.01).
  double unrolled_eps = 0.01;
  // The perturbed copy's SGD momentum at the start of each round: "copy" (the
  // network's, so the two runs differ only by μu) or "fresh" (the reference's:
  // zero momentum, which makes v carry (momentum difference)/μ).
  PerturbedMomentum perturbed_momentum = PerturbedMomentum::Copy;
  // The budget penalty's gradient (exact, it depends on A alone): "full" (added
  // to the update in full) or "projected" (the reference's: folded into g_A and
  // projected on u with the rest, keeping about 1/dim of it).
  PenaltyGradient penalty_gradient = PenaltyGradient::Full;
  // Where the penalty's gradient flows: "sparsemax" (exact; zero once the
  // distributions are one-hot) or "softmax" (the slope of the penalty at P times
  // ∂P/∂A under softmax(A/T), which never vanishes: a budget can still pull a
  // frozen, saturated search back into its band). With penalty_gradient "full".
  PenaltyPath penalty_path = PenaltyPath::Sparsemax;
  // The direct gradient g_A: "projected" (ĝ = (g_A·u + g_w·v)·u, §4) or "full"
  // (ĝ = g_A + (g_w·v)·u: only the implicit part is estimated along u).
  DirectGradient direct_gradient = DirectGradient::Projected;
  // Trust region: an update may move the expected parameter count P by at most
  // this share of the band's width (the step is shortened); 0 = no cap. Phase 2
  // with a band only.
  double max_count_step = 0;
  // Restart Adam's moments when phase 2 begins (the reference rebuilds its
  // optimiser there).
  bool reset_adam_at_switch = false;
};

// The parameter-budget band and its penalty (§5). Active in phase 2 only.
struct BudgetOptions {
  BudgetPreset preset = BudgetPreset::None;  // none | small | medium | large | custom
  double min_params = 0;                     // L (custom, or filled in from the preset)
  double max_params = 0;                     // U (custom, or filled in from the preset)
  double lambda0 = 15.0;                     // λ = lambda0 / T
  double scale = 1e6;                        // penalty = (relu(P-U) + relu(L-P)) / scale
  int samples = 2000;                        // architectures sampled to compute preset bands
  // An earlier unconstrained run (its folder) whose final distributions the preset
  // percentiles are taken from, as the reference makes its bands; empty: sample
  // the space uniformly.
  std::string from_run;
  // Percentile bands of the presets.
  double small_lo = 0, small_hi = 20;
  double medium_lo = 40, medium_hi = 60;
  double large_lo = 80, large_hi = 95;
};

struct SearchOptions {
  NetworkOptions network;
  TemperatureOptions temperature;
  WeightOptimOptions weights;
  ArchOptimOptions arch;
  BudgetOptions budget;
  AugmentOptions augment;
  Distribution distribution = Distribution::Sparsemax;
  int epochs = 50;
  int switch_epoch = 20;    // E_s: phase 2 (kernel + depth search, budget) from here
  bool size_search = true;  // false: never enter phase 2 (ZO-DARTS+ baseline)
  int batch = 256;
  uint64_t seed = 0;
  bool skip_zero_ops = true;  // skip ops whose weight is exactly 0 (exact, §2)
  // How the final architecture is derived (§6): "auto" (in-band when a band is
  // set, else argmax), "band" (the most probable connected architecture inside the
  // band) or "argmax" (the paper's per-choice argmax; a stage cut off from its
  // input is replaced by its most probable connected cell).
  DeriveMode derive = DeriveMode::Auto;
  // Activation layout: "auto" (channels-last on the CPU, contiguous on CUDA),
  // "channels_last" or "contiguous". Same numbers either way; only speed differs.
  MemoryFormat memory_format = MemoryFormat::Auto;
  // Train the network and its perturbed copy (§4 step 2) side by side, each on
  // half the CPU threads, or on a GPU on two CUDA streams: "auto" (on for CPU
  // searches with ≥ 2 threads and batches ≤ 64, where single steps leave cores
  // idle; off on CUDA), "on" or "off". Same algorithm either way; only speed and
  // peak memory differ.
  ParallelCopies parallel_copies = ParallelCopies::Auto;
  // Arithmetic of the weight steps: "fp32", or "bf16" (autocast on CUDA: convolutions
  // and matrix products in bfloat16, losses and the architecture step in float).
  // bf16 needs a CUDA device; it changes the numbers, so a search's result may differ.
  Precision precision = Precision::Fp32;
  int checkpoint_every = 1;  // epochs between checkpoints (0 = never)
};

}  // namespace zd
