// The command line's shared pieces: one Command per subcommand (or family), the options
// several share (the model, the solver, the output folder), and progress on stderr. Each
// command's file registers its options and returns what to run once they are parsed.
#pragma once
#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analysis/analyze.hpp"
#include "cohort/distributed.hpp"
#include "model/model.hpp"
#include "model/model_source.hpp"
#include "recruitment/recruitment.hpp"

namespace spineload::cli {

// Options more than one subcommand binds; only one subcommand runs, so they share storage.
struct SharedOptions {
  double height_m = 0;    // 0: the model's default subject
  double mass_kg = 0;
  std::string model_dir;  // empty: built-in female-adult (or an .osim file for analyze --motion)
  std::string solver = "fast", objective = "activation2";
  std::string out_dir;

  RecruitmentOptions recruitment() const;
  // The model's source: the built-in female-adult or --model DIR.
  std::shared_ptr<const ModelSource> source() const;
  // The model at --height and --mass (or its default subject).
  std::shared_ptr<const Model> model() const;
};

void add_model_options(CLI::App* app, SharedOptions& o);
void add_solver_options(CLI::App* app, SharedOptions& o);

// A subcommand and what it does once parsed: the process's exit code (0 success, 2 bad
// input, 3 numerical failure, 4 beyond muscle capacity, 1 otherwise).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

std::vector<Command> add_analysis_commands(CLI::App& app, SharedOptions& shared);  // demo, analyze
std::vector<Command> add_stage_commands(CLI::App& app, SharedOptions& shared);     // timeline
std::vector<Command> add_task_commands(CLI::App& app, SharedOptions& shared);      // task list, compare, day
std::vector<Command> add_model_commands(CLI::App& app, SharedOptions& shared);     // model info/strength/import/export
std::vector<Command> add_opensim_commands(CLI::App& app, SharedOptions& shared);   // conformance, run-setup
std::vector<Command> add_cohort_command(CLI::App& app, SharedOptions& shared, const Processes& processes);
std::vector<Command> add_tool_commands(CLI::App& app, SharedOptions& shared);      // validate, report, serve

// Writes `files` into `dir` all or nothing (output/results.hpp) and says so, a line a file.
void write_outputs(const std::string& dir, const std::map<std::string, std::string>& files);

// Empty when every frame is held by the muscles; else which frames and reserves.
std::string capacity_message(const Model& model, const PostureResult& r);

// Progress on stderr for runs longer than two seconds: on a terminal a line redrawn in
// place; with `rate`, also the rate and the time left, and when stderr is not a terminal
// (a batch job's log) a plain line every 30 s.
class Progress {
 public:
  explicit Progress(std::string what, bool rate = false);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void operator()(std::size_t done, std::size_t total);

 private:
  std::string what_;
  bool rate_;
  std::chrono::steady_clock::time_point start_, last_line_;
  bool shown_ = false;
};

}  // namespace spineload::cli
