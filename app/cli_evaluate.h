// The `zodarts evaluate RUN_DIR` subcommand: the trained model on the test split,
// metrics.json and report.md written into the run, a summary printed.
#pragma once

namespace CLI {
class App;
}

namespace zd {

CLI::App* addEvaluateCommand(CLI::App& app);
// Runs it; returns the exit code. Throws zd::Error.
int runEvaluateCommand();

}  // namespace zd
