// The `zodarts study` subcommand (issue 13): a grid of methods × budgets × seeds on
// one data set, each cell searched, retrained and evaluated in its own run directory
// under the study folder, resumable, with a report (study_report.h).
//   zodarts study --data D --out STUDY [--methods …] [--budgets …] [--seeds …] [--jobs N]
//   zodarts study --resume STUDY [--jobs N]     continue (done cells are skipped)
//   zodarts study --report STUDY                rewrite the report only
#pragma once

namespace CLI {
class App;
}

namespace zd {

// Adds `study` to `app`; when parsed, run with runStudyCommand.
CLI::App* addStudyCommand(CLI::App& app);
// Runs it; returns the exit code (0 all done, 130 stopped, 3 some cells failed).
int runStudyCommand(const CLI::App& cmd);

}  // namespace zd
