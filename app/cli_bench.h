// The `zodarts bench` subcommand.
#pragma once

namespace CLI {
class App;
}

namespace zd {

// Adds `bench` to `app`; when parsed, run with runBenchCommand.
CLI::App* addBenchCommand(CLI::App& app);
int runBenchCommand();

}  // namespace zd
