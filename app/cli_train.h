// The `zodarts train` subcommand: retrain a run's architecture (ALGORITHM.md §7),
// either a search's run directory (`zodarts train RUN_DIR`) or a genotype file on a
// data set (`zodarts train --genotype FILE.json --data PATH --out DIR`); --resume
// continues an interrupted training. Progress is printed like the search's.
#pragma once

namespace CLI {
class App;
}

namespace zd {

// Adds `train` to `app`; when parsed, run with runTrainCommand.
CLI::App* addTrainCommand(CLI::App& app);
// Runs it; returns the exit code (130 when cancelled by Ctrl-C). Throws zd::Error.
int runTrainCommand();

}  // namespace zd
