// zodarts: the headless command-line tool of ZO-DARTS++ Studio.
#include "app/cli_bench.h"
#include "app/cli_evaluate.h"
#include "app/cli_inspect_data.h"
#include "app/cli_progress.h"
#include "app/cli_search_options.h"
#include "app/cli_study.h"
#include "app/cli_train.h"
#include "app/omp_wait_policy.h"
#if ZODARTS_WITH_EXPORT
#include "app/cli_bench_onnx.h"
#include "app/cli_export.h"
#include "app/cli_predict.h"
#endif
#include "core/common/error.h"
#include "core/run/run_search.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>

namespace {

zd::StopToken* g_stop = nullptr;

// Ctrl-C cancels the search cleanly: the loop writes its checkpoint, then stops.
extern "C" void onInterrupt(int) {
  if (g_stop) g_stop->cancel.store(true);
}

int runSearchCommand(const zd::SearchCli& cli, const CLI::App& cmd) {
  const zd::RunConfig config = zd::resolveSearchConfig(cli, cmd);
  const bool resume = !cli.resume.empty();
  zd::StopToken stop;
  g_stop = &stop;
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  zd::ProgressPrinter printer;
  const auto outcome = zd::runSearch(config, printer, stop, resume, [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  });
  g_stop = nullptr;
  std::printf("run directory: %s\n", outcome.run_dir.string().c_str());
  if (outcome.result.cancelled) {
    std::printf("resume with: zodarts search --resume %s\n", outcome.run_dir.string().c_str());
    return 130;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  zd::applyOmpWaitPolicy(argv);  // first: it may start this program again
  CLI::App app{"zodarts — ZO-DARTS++ neural architecture search for medical images (headless)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(ZODARTS_VERSION));

  zd::SearchCli search_cli;
  auto* search = app.add_subcommand("search", "Search an architecture on a data set (ZO-DARTS++)");
  zd::addSearchFlags(*search, search_cli);
  auto* bench = zd::addBenchCommand(app);
  auto* inspect = zd::addInspectDataCommand(app);
  auto* train = zd::addTrainCommand(app);
  auto* evaluate = zd::addEvaluateCommand(app);
  auto* study = zd::addStudyCommand(app);
#if ZODARTS_WITH_EXPORT
  auto* export_cmd = zd::addExportCommand(app);
  auto* predict = zd::addPredictCommand(app);
  auto* bench_onnx = zd::addBenchOnnxCommand(app);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (search->parsed()) return runSearchCommand(search_cli, *search);
    if (bench->parsed()) return zd::runBenchCommand();
    if (inspect->parsed()) return zd::runInspectDataCommand();
    if (train->parsed()) return zd::runTrainCommand();
    if (evaluate->parsed()) return zd::runEvaluateCommand();
    if (study->parsed()) return zd::runStudyCommand(*study);
#if ZODARTS_WITH_EXPORT
    if (export_cmd->parsed()) return zd::runExportCommand();
    if (predict->parsed()) return zd::runPredictCommand();
    if (bench_onnx->parsed()) return zd::runBenchOnnxCommand();
#endif
  } catch (const zd::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    return 2;
  }
  return 0;
}
