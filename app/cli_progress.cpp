#include "app/cli_progress.h"

#include "core/common/count_text.h"

#include <unistd.h>

#include <cmath>
#include <string>
#include <variant>

namespace zd {
namespace {

using Clock = std::chrono::steady_clock;

std::string formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

}  // namespace

ProgressPrinter::ProgressPrinter(std::FILE* out) : out_(out), interactive_(::isatty(::fileno(out)) != 0) {}

void ProgressPrinter::endBar() {
  if (bar_open_ && interactive_) std::fputc('\n', out_);
  bar_open_ = false;
}

void ProgressPrinter::drawBar(const BarStep& p) {
  const auto now = Clock::now();
  ++steps_done_;
  loss_avg_ = p.step == 1 ? p.loss : 0.9 * loss_avg_ + 0.1 * p.loss;
  // Redraw at most 10 times a second (always on the last step).
  if (!interactive_ || (p.step != p.steps && now - last_draw_ < std::chrono::milliseconds(100))) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - run_start_).count();
  const long remaining_steps = static_cast<long>(epochs_ - p.epoch - 1) * steps_per_epoch_ + (p.steps - p.step);
  const double eta = elapsed / static_cast<double>(steps_done_) * static_cast<double>(remaining_steps);
  constexpr int kWidth = 28;
  const int filled = p.steps > 0 ? p.step * kWidth / p.steps : 0;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  char temperature[32] = "";  // a retraining has no temperature
  if (!training_) std::snprintf(temperature, sizeof temperature, "  T %.3f", epoch_.temperature);
  std::fprintf(out_, "\r  epoch %d/%d [%s] %d/%d  loss %.3f%s  ETA %s   ", p.epoch + 1, epochs_, bar.c_str(), p.step,
               p.steps, loss_avg_, temperature, formatDuration(eta).c_str());
  std::fflush(out_);
  bar_open_ = true;
}

void ProgressPrinter::onEvent(const JobEvent& event) {
  std::visit(
      [this](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, RunStarted>) {
          epochs_ = e.epochs;
          start_epoch_ = e.start_epoch;
          steps_per_epoch_ = e.steps_per_epoch;
          min_params_ = e.min_params;
          max_params_ = e.max_params;
          run_start_ = Clock::now();
          if (e.epochs == 0) {  // the random method: nothing to search
            std::fprintf(out_, "random architecture (no search) for %lld classes on %s\n",
                         static_cast<long long>(e.classes), e.device.c_str());
          } else {
            std::fprintf(
                out_, "search on %s: %lld + %lld images, %lld classes, supernet %s weights, %d epochs x %d steps%s\n",
                e.device.c_str(), static_cast<long long>(e.weight_images), static_cast<long long>(e.arch_images),
                static_cast<long long>(e.classes), formatCount(static_cast<double>(e.supernet_params)).c_str(),
                e.epochs, e.steps_per_epoch,
                e.start_epoch > 0 ? (" (resumed at epoch " + std::to_string(e.start_epoch + 1) + ")").c_str() : "");
          }
          if (e.max_params > 0)
            std::fprintf(out_, "budget band: %s – %s parameters (phase 2)\n", formatCount(e.min_params).c_str(),
                         formatCount(e.max_params).c_str());
        } else if constexpr (std::is_same_v<T, EpochStarted>) {
          epoch_ = e;
          epoch_start_ = Clock::now();
        } else if constexpr (std::is_same_v<T, PhaseChanged>) {
          endBar();
          std::fprintf(out_, "phase 2 from epoch %d: kernel sizes and depths join the search%s\n", e.epoch + 1, "");
        } else if constexpr (std::is_same_v<T, StepProgress> || std::is_same_v<T, TrainStepProgress>) {
          drawBar(BarStep{e.epoch, e.step, e.steps, e.loss});
        } else if constexpr (std::is_same_v<T, EpochFinished>) {
          endBar();
          std::fprintf(out_,
                       "epoch %3d/%d  phase %d  T %.3f  lr %.4f  train loss %.3f acc %.3f  arch-half acc %.3f  "
                       "derived %s params%s (expected %s)  compute %.0f%%  %.1fs\n",
                       e.epoch + 1, epochs_, e.phase, epoch_.temperature, epoch_.lr, e.train_loss, e.train_accuracy,
                       e.arch_accuracy, formatCount(static_cast<double>(e.derived_params)).c_str(),
                       e.argmax_genotype.empty() || e.argmax_genotype == e.genotype
                           ? ""
                           : (" [argmax " + formatCount(static_cast<double>(e.argmax_params)) + "]").c_str(),
                       formatCount(e.expected_params).c_str(), 100.0 * e.compute_fraction, e.seconds);
          std::fflush(out_);
        } else if constexpr (std::is_same_v<T, RunFinished>) {
          endBar();
          const auto bandVerdict = [this](int64_t params) -> std::string {
            if (max_params_ <= 0) return "";
            const double p = static_cast<double>(params);
            return p >= min_params_ && p <= max_params_
                       ? ", inside the budget band"
                       : ", outside the budget band " + formatCount(min_params_) + " – " + formatCount(max_params_);
          };
          const bool drawn = e.derivation == "random";
          std::fprintf(out_, "%s after %s. %s architecture (%s, %s parameters%s):\n%s\n",
                       drawn         ? "drawn"
                       : e.cancelled ? "search cancelled"
                                     : "search finished",
                       formatDuration(e.seconds).c_str(), drawn ? "Random" : "Derived",
                       e.derivation.empty() ? "argmax" : e.derivation.c_str(),
                       formatCount(static_cast<double>(e.params)).c_str(), bandVerdict(e.params).c_str(),
                       e.genotype.toString().c_str());
          if (!e.changes.empty()) {
            std::fprintf(out_, "The paper's argmax had %s parameters%s; the derivation changed:\n",
                         formatCount(static_cast<double>(e.argmax_params)).c_str(),
                         bandVerdict(e.argmax_params).c_str());
            for (const auto& change : e.changes) std::fprintf(out_, "  %s\n", change.c_str());
          } else if (!e.argmax_genotype.empty() && !drawn) {
            std::fprintf(out_, "(the paper's argmax architecture, unchanged)\n");
          }
        } else if constexpr (std::is_same_v<T, RunFailed> || std::is_same_v<T, TrainFailed>) {
          endBar();
        } else if constexpr (std::is_same_v<T, TrainStarted>) {
          training_ = true;
          epochs_ = e.epochs;
          start_epoch_ = e.start_epoch;
          steps_per_epoch_ = e.steps_per_epoch;
          run_start_ = Clock::now();
          steps_done_ = 0;
          std::fprintf(out_,
                       "retraining on %s: %lld train + %lld validation images, %lld classes, %s parameters, "
                       "%d epochs x %d steps%s\n",
                       e.device.c_str(), static_cast<long long>(e.train_images), static_cast<long long>(e.val_images),
                       static_cast<long long>(e.classes), formatCount(static_cast<double>(e.params)).c_str(), e.epochs,
                       e.steps_per_epoch,
                       e.start_epoch > 0 ? (" (resumed at epoch " + std::to_string(e.start_epoch + 1) + ")").c_str()
                                         : "");
        } else if constexpr (std::is_same_v<T, TrainEpochFinished>) {
          endBar();
          std::fprintf(
              out_,
              "epoch %3d/%d  lr %.4f  train loss %.3f acc %.3f  val loss %.3f acc %.3f  best %.3f (epoch %d)  %.1fs\n",
              e.epoch + 1, epochs_, e.lr, e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy,
              e.best_val_accuracy, e.best_epoch + 1, e.seconds);
          std::fflush(out_);
        } else if constexpr (std::is_same_v<T, TrainFinished>) {
          endBar();
          std::fprintf(out_, "%s after %s; kept epoch %d (validation accuracy %.3f)\n",
                       e.cancelled ? "training cancelled" : "training finished", formatDuration(e.seconds).c_str(),
                       e.best_epoch + 1, e.best_val_accuracy);
        }
      },
      event);
}

}  // namespace zd
