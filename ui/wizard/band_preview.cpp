// LibTorch (through the engine headers) before Qt: see the precompiled header in ui/CMakeLists.txt.
#include "core/common/error.h"
#include "core/nas/most_probable.h"
#include "core/run/budget_from_run.h"
#include "core/run/run_config.h"
#include "core/search/budget.h"
#include "core/search/derivation.h"

#include "ui/wizard/band_preview.h"

#include "ui/dashboard/count_format.h"
#include "ui/worker/background_task.h"
#include "ui/wizard/search_setup.h"

#include <nlohmann/json.hpp>

#include <exception>

namespace {

// Everything the band depends on, taken from the wizard's settings.
struct BandInputs {
  zd::BudgetOptions budget;
  zd::CountShape shape;
  int cells = 0;
  uint64_t seed = 0;
  bool phase2 = true;
  QString key;
};

BandInputs inputsOf(const zd::RunConfig& config, const DataFacts& data) {
  const auto& s = config.search;
  BandInputs in;
  in.budget = s.budget;
  // Before the data have loaded: one image channel and two classes, as the Budget
  // page has always assumed (the page after the Data page never sees this).
  in.shape = zd::CountShape{data.valid() ? data.channels : 1, s.network.channels, data.valid() ? data.classes : 2};
  in.cells = s.network.cells;
  in.seed = s.seed;
  in.phase2 = zd::reachesPhase2(s);
  const nlohmann::json key = {{"budget", zd::toJson(config).at("search").at("budget")},
                              {"in_channels", in.shape.in_channels},
                              {"classes", in.shape.classes},
                              {"channels", in.shape.channels},
                              {"cells", in.cells},
                              {"seed", in.seed},
                              {"phase2", in.phase2}};
  in.key = QString::fromStdString(key.dump());
  return in;
}

// Works the band out as runSearch does; never throws (failures land in `error`).
// Thread-safe: pure apart from reading a budget run's events.jsonl.
BandFacts compute(const BandInputs& in) {
  BandFacts f;
  f.key = in.key;
  f.inChannels = in.shape.in_channels;
  f.classes = in.shape.classes;
  f.channels = in.shape.channels;
  f.cells = in.cells;
  f.phase2 = in.phase2;
  f.preset = QString::fromLatin1(zd::nameOf(in.budget.preset));
  f.fromRun = QString::fromStdString(in.budget.from_run);
  try {
    f.samples = zd::sampleSpaceParamCounts(in.shape.in_channels, in.shape.channels, in.cells, in.shape.classes,
                                           in.budget.samples, in.seed);
    const zd::ParamWindow space = zd::spaceSizeRange(in.shape, in.cells);
    f.smallest = space.min;
    f.largest = space.max;
    zd::SearchOptions options;
    options.budget = in.budget;
    options.network.cells = in.cells;
    options.network.channels = static_cast<int>(in.shape.channels);
    options.seed = in.seed;
    const zd::BudgetBand band = zd::resolveSearchBudget(options, in.shape);
    f.min = band.min;
    f.max = band.max;
    try {
      zd::requireReachableBand(band, in.shape, in.cells, in.phase2);
    } catch (const zd::ConfigError& e) {
      f.unreachable = QString::fromUtf8(e.what());
    }
  } catch (const std::exception& e) {
    f.error = QString::fromUtf8(e.what());
  }
  return f;
}

}  // namespace

BandPreview::BandPreview(SearchSetup* setup, QObject* parent) : QObject(parent), setup_(setup) {
  connect(setup_, &SearchSetup::configChanged, this, &BandPreview::refresh);
  connect(setup_, &SearchSetup::factsChanged, this, &BandPreview::refresh);
  refresh();
}

bool BandPreview::isCurrent() const {
  return !facts_.key.isEmpty() && facts_.key == inputsOf(setup_->config(), setup_->facts()).key;
}

void BandPreview::refresh() {
  const BandInputs in = inputsOf(setup_->config(), setup_->facts());
  if (in.key == pendingKey_) return;
  if (in.key == facts_.key) {
    // Back to the settings on show: a computation for others is stale now.
    if (!pendingKey_.isEmpty()) {
      ++generation_;
      pendingKey_.clear();
      Q_EMIT updated();
    }
    return;
  }
  pendingKey_ = in.key;
  const int generation = ++generation_;
  runInBackground<BandFacts>(
      this, [in]() { return compute(in); },
      [this, generation](BandFacts facts) {
        if (generation != generation_) return;
        facts_ = std::move(facts);
        pendingKey_.clear();
        Q_EMIT updated();
      },
      [](QString) {});  // compute() reports its failures in BandFacts::error
  Q_EMIT updated();     // no longer current: the pages say it is being worked out
}

const BandFacts& BandPreview::settle() {
  const BandInputs in = inputsOf(setup_->config(), setup_->facts());
  if (in.key != facts_.key) {
    ++generation_;  // what the background would bring is this, or older
    pendingKey_.clear();
    facts_ = compute(in);
    Q_EMIT updated();
  }
  return facts_;
}

QString BandPreview::describe() const {
  if (!isCurrent()) {
    const auto& network = setup_->config().search.network;
    return tr("Working out the budget band for C = %1, N = %2 …").arg(network.channels).arg(network.cells);
  }
  const BandFacts& f = facts_;
  const QString network = tr("C = %1, N = %2, %3 image channel(s), %4 classes")
                              .arg(f.channels)
                              .arg(f.cells)
                              .arg(f.inChannels)
                              .arg(f.classes);
  if (!f.error.isEmpty()) return tr("The budget band for %1 cannot be worked out: %2").arg(network, f.error);
  const QString preset = f.fromRun.isEmpty() ? f.preset : tr("%1, from the run %2").arg(f.preset, f.fromRun);
  QString text = f.hasBand() ? tr("Budget band of the network that will run (%1): %2 – %3 parameters (%4).")
                                   .arg(network, formatCount(f.min), formatCount(f.max), preset)
                             : tr("No budget band for the network that will run (%1): the search is free to choose "
                                  "any size.")
                                   .arg(network);
  text += QLatin1Char(' ') +
          tr("Its architectures range from %1 (skip connections only) to %2 parameters (every "
             "edge a 7×7 convolution, depth %3).")
              .arg(formatCount(static_cast<double>(f.smallest)), formatCount(static_cast<double>(f.largest)))
              .arg(f.cells);
  return text;
}
