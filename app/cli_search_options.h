// The `zodarts search` flags: every search setting as a CLI11 option bound to its
// RunConfig field (so --help shows the defaults), and the precedence
// defaults < --config file (or the resumed run's config.json) < command-line flags.
#pragma once

#include "core/run/run_config.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace zd {

// What the search flags parse into. Not copyable once registered: the options point
// at its fields, so it must stay where it is until resolveSearchConfig has run.
struct SearchCli {
  RunConfig config;                   // defaults, then overwritten by the flags bound to it
  std::string config_file;            // --config FILE.json
  std::string resume;                 // --resume RUN_DIR
  std::string budget;                 // --budget, parsed by applyBudgetFlag
  Method method = Method::ZoDartsPP;  // --method (search_method.h): sets the switches it names
  // Filled by addSearchFlags: the config keys each flag sets ("--epochs" ->
  // {"search.epochs"}), and `config` as it was before parsing.
  std::map<std::string, std::vector<std::string>> flag_keys;
  RunConfig defaults;

  SearchCli() = default;
  SearchCli(const SearchCli&) = delete;
  SearchCli& operator=(const SearchCli&) = delete;
};

// Registers the search flags on `cmd`, bound to `cli`'s fields, with their defaults
// (cli.config's values at this call) shown in --help.
void addSearchFlags(CLI::App& cmd, SearchCli& cli);

// Sets `budget` from a --budget value: none | small | medium | large, or MIN:MAX
// parameter counts with optional k/M suffixes (200k:1.5M) for a custom band. Throws
// ConfigError naming the flag and the value when it is malformed.
void applyBudgetFlag(const std::string& value, BudgetOptions& budget);

// The run's configuration after `cmd` was parsed: the defaults, overlaid by the
// --config file or, with --resume, by that run's config.json, overlaid by the flags
// given on the command line; validated. Throws ConfigError (naming the flag or file
// at fault) or IoError (an unreadable file). `middle`, when given, is that middle
// layer instead of a --config file (a study plan's settings, read from `middle_source`).
RunConfig resolveSearchConfig(const SearchCli& cli, const CLI::App& cmd, const nlohmann::json* middle = nullptr,
                              const std::string& middle_source = "");

}  // namespace zd
