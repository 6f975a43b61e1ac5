#include "app/cli_study.h"

#include "app/cli_enum_option.h"
#include "app/cli_progress.h"
#include "app/cli_search_options.h"
#include "app/study_processes.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_file.h"
#include "core/common/json_fields.h"
#include "core/search/budget_words.h"
#include "core/study/study_cell.h"
#include "core/study/study_report.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <sstream>
#include <sys/prctl.h>
#include <thread>
#include <unistd.h>

namespace zd {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct StudyCli {
  SearchCli search;  // every search setting, --data, --out (the study folder), --config
  std::string plan_file;
  std::vector<std::string> methods, budgets;
  std::vector<uint64_t> seeds;
  std::string report;  // --report STUDY
  std::string cell;    // --cell ID (one cell in this process)
  int jobs = 1;
  std::vector<std::string> sets;  // --set KEY=VALUE
  // --train-* flags: the retraining settings most often changed
  int train_epochs = 0, train_batch = 0, train_warmup = -1, train_channels = -1;
  double train_lr = 0;
} g_cli;

std::atomic<bool> g_stop_flag{false};
StopToken* g_cell_stop = nullptr;

extern "C" void onStudyInterrupt(int) {
  g_stop_flag.store(true);
  if (g_cell_stop) g_cell_stop->cancel.store(true);
}

// Every retraining key with its default, for --help (they never drift from the code).
std::string trainKeysHelp() {
  std::ostringstream out;
  out << "Retraining settings (train.*), set with --set KEY=VALUE or in --plan's \"config\":\n";
  const json train = toJson(RunConfig{}).at("train");
  std::function<void(const json&, const std::string&)> walk = [&](const json& j, const std::string& prefix) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it->is_object()) walk(*it, prefix + it.key() + ".");
      else out << "  " << prefix << it.key() << " = " << it->dump() << "\n";
    }
  };
  walk(train, "train.");
  return out.str();
}

// --set KEY=VALUE over `doc`: VALUE as JSON when it parses, else as a string.
void applySets(json& doc) {
  for (const auto& item : g_cli.sets) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("--set " + item + ": expected KEY=VALUE");
    const std::string key = item.substr(0, eq), text = item.substr(eq + 1);
    json value;
    try {
      value = json::parse(text);
    } catch (const json::parse_error&) {
      value = text;
    }
    doc[jsonPointer(key)] = value;
  }
}

// The methods a study compares: every named one (custom names no switches).
std::string studyMethodWords() {
  std::string words;
  for (const auto& named : namesOf(Method{}))
    if (named.value != Method::Custom) words += (words.empty() ? "" : ", ") + std::string(named.name);
  return words;
}

std::vector<Method> parseMethods(const std::vector<std::string>& words) {
  std::vector<Method> out;
  for (const auto& w : words) {
    const auto m = enumFromName<Method>(w);
    if (!m || *m == Method::Custom)
      throw ConfigError("--methods: '" + w + "' is not a method a study compares (" + studyMethodWords() + ")");
    out.push_back(*m);
  }
  return out;
}

std::vector<BudgetOptions> parseBudgets(const std::vector<std::string>& words) {
  std::vector<BudgetOptions> out;
  for (const auto& w : words) {
    BudgetOptions b;
    if (const auto problem = applyBudgetWord(w, b); !problem.empty()) throw ConfigError("--budgets: " + problem);
    out.push_back(b);
  }
  return out;
}

// The plan the flags (over --plan FILE) describe.
StudyPlan planFromFlags(const CLI::App& cmd) {
  for (const char* flag : {"--method", "--budget", "--seed"})
    if (cmd.count(flag) > 0)
      throw ConfigError(std::string(flag) + ": a study runs lists; use " + flag + "s (e.g. " + flag +
                        (std::string(flag) == "--seed"     ? "s 0,1,2"
                         : std::string(flag) == "--budget" ? "s none,small"
                                                           : "s zo-darts++,darts-v2,random") +
                        ")");
  StudyPlan plan;
  json plan_doc = json::object();
  if (!g_cli.plan_file.empty()) {
    plan_doc = readJsonFile(g_cli.plan_file);
    if (!plan_doc.is_object()) throw ConfigError(g_cli.plan_file + ": expected a JSON object");
    if (!g_cli.search.config_file.empty() && plan_doc.contains("config"))
      throw ConfigError("--config and a --plan with \"config\" cannot be combined: put the settings in one of them");
  }
  const json* middle = plan_doc.contains("config") ? &plan_doc.at("config") : nullptr;
  RunConfig base = resolveSearchConfig(g_cli.search, cmd, middle, g_cli.plan_file);
  json doc = toJson(base);
  if (cmd.count("--train-epochs")) doc["train"]["epochs"] = g_cli.train_epochs;
  if (cmd.count("--train-batch")) doc["train"]["batch"] = g_cli.train_batch;
  if (cmd.count("--train-lr")) doc["train"]["lr"] = g_cli.train_lr;
  if (cmd.count("--train-warmup-epochs")) doc["train"]["warmup_epochs"] = g_cli.train_warmup;
  if (cmd.count("--train-channels")) doc["train"]["channels"] = g_cli.train_channels;
  applySets(doc);
  doc.erase("out");
  json lists = plan_doc;
  lists.erase("config");
  try {
    plan = studyPlanFromJson(lists, runConfigFromJson(doc));
  } catch (const ConfigError& e) {
    throw ConfigError((g_cli.plan_file.empty() ? std::string("--set") : g_cli.plan_file) + ": " + e.what());
  }
  if (cmd.count("--methods")) plan.methods = parseMethods(g_cli.methods);
  if (cmd.count("--budgets")) plan.budgets = parseBudgets(g_cli.budgets);
  if (cmd.count("--seeds")) plan.seeds = g_cli.seeds;
  return plan;
}

// The first key where two plans differ, for the message refusing to mix them.
std::string firstDifference(const json& a, const json& b) {
  const auto patch = json::diff(a, b);
  return patch.empty() ? "" : patch.front().value("path", std::string("?"));
}

int totalThreads(const StudyPlan& plan, const CLI::App& cmd) {
  const int asked = cmd.count("--threads") ? g_cli.search.config.threads : plan.base.threads;
  if (asked > 0) return asked;
  return std::max(1u, std::thread::hardware_concurrency());
}

int runOneCell(const fs::path& study_dir, const CLI::App& cmd) {
  // A cell started by a study dies with it (SIGTERM: it checkpoints first).
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  StudyPlan plan = readStudyPlan(study_dir);
  const auto cells = expandStudy(plan, study_dir);
  auto it = std::find_if(cells.begin(), cells.end(), [](const StudyCell& c) { return c.id == g_cli.cell; });
  if (it == cells.end()) throw ConfigError("--cell " + g_cli.cell + ": no such cell in " + study_dir.string());
  StudyCell cell = *it;
  if (cmd.count("--threads")) cell.config.threads = g_cli.search.config.threads;
  if (cmd.count("--device")) cell.config.device = g_cli.search.config.device;
  StopToken stop;
  g_cell_stop = &stop;
  std::signal(SIGINT, onStudyInterrupt);
  std::signal(SIGTERM, onStudyInterrupt);
  ProgressPrinter printer;
  const auto result = runStudyCell(cell, printer, stop, [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  });
  g_cell_stop = nullptr;
  if (result.status == CellStatus::Done) return 0;
  if (result.status == CellStatus::Failed) return 1;
  return 130;
}

}  // namespace

CLI::App* addStudyCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "study",
      "Run a grid of methods x budgets x seeds on one data set (search, retrain, evaluate each) and report it");
  addSearchFlags(*cmd, g_cli.search);
  cmd->add_option("--plan", g_cli.plan_file,
                  "Plan file: {\"methods\": [...], \"budgets\": [...], \"seeds\": [...], \"config\": {settings}}; "
                  "flags override it")
      ->group("Study");
  cmd->add_option("--methods", g_cli.methods, "Methods to compare: " + studyMethodWords())
      ->delimiter(',')
      ->default_str("zo-darts++,darts-v2,random")
      ->group("Study");
  cmd->add_option("--budgets", g_cli.budgets, "Budgets: none, small, medium, large or MIN:MAX")
      ->delimiter(',')
      ->default_str("none,small")
      ->group("Study");
  cmd->add_option("--seeds", g_cli.seeds, "Seeds of each method and budget")
      ->delimiter(',')
      ->default_str("0,1,2")
      ->group("Study");
  cmd->add_option("--jobs", g_cli.jobs, "Cells run side by side, the threads split between them")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Study");
  cmd->add_option("--report", g_cli.report, "Only rewrite the report of the study in this folder")->group("Study");
  cmd->add_option("--cell", g_cli.cell, "Run one cell of the --resume'd study in this process (what --jobs starts)")
      ->group("Study");
  cmd->add_option("--train-epochs", g_cli.train_epochs, "Retraining epochs (train.epochs, default 300)")
      ->group("Study retraining");
  cmd->add_option("--train-batch", g_cli.train_batch, "Retraining batch (train.batch)")->group("Study retraining");
  cmd->add_option("--train-lr", g_cli.train_lr, "Retraining peak learning rate (train.lr)")->group("Study retraining");
  cmd->add_option("--train-warmup-epochs", g_cli.train_warmup, "Retraining warm-up epochs (train.warmup_epochs)")
      ->group("Study retraining");
  cmd->add_option("--train-channels", g_cli.train_channels, "Retraining width C, 0 = the search's (train.channels)")
      ->group("Study retraining");
  cmd->add_option("--set", g_cli.sets, "Any setting by its config key, e.g. --set train.label_smoothing=0.05")
      ->group("Study retraining");
  cmd->footer(trainKeysHelp());
  return cmd;
}

int runStudyCommand(const CLI::App& cmd) {
  if (!g_cli.report.empty()) {
    const auto results = writeStudyReport(g_cli.report);
    std::printf("report: %s (%zu cells)\n", (fs::path(g_cli.report) / "report.md").string().c_str(), results.size());
    return 0;
  }
  const bool resuming = !g_cli.search.resume.empty();
  if (!g_cli.cell.empty()) {
    if (!resuming) throw ConfigError("--cell ID runs a cell of an existing study: give --resume STUDY too");
    return runOneCell(g_cli.search.resume, cmd);
  }
  fs::path study_dir;
  StudyPlan plan;
  if (resuming) {
    study_dir = g_cli.search.resume;
    for (const char* flag : {"--methods", "--budgets", "--seeds", "--plan", "--data", "--config"})
      if (cmd.count(flag)) throw ConfigError(std::string(flag) + " and --resume: a resumed study keeps its plan");
    plan = readStudyPlan(study_dir);
  } else {
    if (g_cli.search.config.out.empty()) throw ConfigError("--out STUDY: give the folder the study is written to");
    study_dir = g_cli.search.config.out;
    plan = planFromFlags(cmd);
    if (isStudyDirectory(study_dir)) {
      const StudyPlan existing = readStudyPlan(study_dir);
      const auto where = firstDifference(toJson(existing), toJson(plan));
      if (!where.empty())
        throw ConfigError(study_dir.string() + " holds a study with another plan (it differs at " + where +
                          "): continue it with --resume " + study_dir.string() + ", or choose another --out");
      std::printf("%s holds this study already: continuing it\n", study_dir.string().c_str());
    } else if (fs::exists(study_dir) && !fs::is_empty(study_dir)) {
      throw IoError(study_dir.string() + ": exists and is not a study folder; choose a new --out");
    } else {
      writeStudyPlan(study_dir, plan);
    }
  }
  const auto cells = expandStudy(plan, study_dir);
  std::vector<StudyCell> to_run;
  int already = 0;
  for (const auto& cell : cells) {
    const auto r = readCellResult(cell);
    if (r.status == CellStatus::Done) ++already;
    else if (r.status == CellStatus::Running)
      throw IoError(cell.config.out + ": another process is running this cell (" + kCellRunningFile +
                    "); wait for it or stop it first");
    else to_run.push_back(cell);
  }
  const int jobs = std::max(1, std::min<int>(g_cli.jobs, std::max<size_t>(1, to_run.size())));
  CellProcessOptions options;
  options.study_dir = study_dir;
  options.jobs = jobs;
  options.threads_per_cell = std::max(1, totalThreads(plan, cmd) / jobs);
  if (cmd.count("--device")) options.device_override = g_cli.search.config.device;
  options.stop = &g_stop_flag;
  std::printf("study %s: %zu cells (%d done earlier), %d at a time, %d thread(s) each\n", study_dir.string().c_str(),
              cells.size(), already, jobs, options.threads_per_cell);
  std::fflush(stdout);
  std::signal(SIGINT, onStudyInterrupt);
  std::signal(SIGTERM, onStudyInterrupt);
  runCellProcesses(to_run, options);
  const auto results = writeStudyReport(study_dir);
  int done = 0, failed = 0;
  for (const auto& r : results) {
    done += r.status == CellStatus::Done;
    failed += r.status == CellStatus::Failed;
  }
  std::printf("report: %s — %d of %zu cells done%s\n", (study_dir / "report.md").string().c_str(), done, results.size(),
              failed ? (", " + std::to_string(failed) + " failed").c_str() : "");
  if (g_stop_flag.load()) {
    std::printf("resume with: zodarts study --resume %s\n", study_dir.string().c_str());
    return 130;
  }
  return failed > 0 ? 3 : 0;
}

}  // namespace zd
