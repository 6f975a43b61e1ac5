// The `zodarts inspect-data PATH [--json]` subcommand: the data set summary.
#pragma once

namespace CLI {
class App;
}

namespace zd {

CLI::App* addInspectDataCommand(CLI::App& app);
// Prints the summary; throws zd::Error (exit non-zero) when the set is unusable.
int runInspectDataCommand();

}  // namespace zd
