// `task list`, `compare` (one task with one parameter varied) and `day` (a day of tasks).
#include <fmt/format.h>

#include "cli/common.hpp"
#include "output/results.hpp"
#include "tasks/task_library.hpp"
#include "tasks/task_runner.hpp"

namespace spineload::cli {

namespace {

struct CompareOptions {
  std::string task, vary, subject_file;
  std::vector<std::string> settings;
};

struct DayOptions {
  std::string schedule_file, subject_file;
};

std::optional<Subject> optional_subject(const std::string& file) {
  if (file.empty()) return std::nullopt;
  return load_subject_file(file);
}

int run_compare(const SharedOptions& shared, const CompareOptions& o) {
  const std::optional<Subject> subject = optional_subject(o.subject_file);
  const auto [name, values] = parse_vary(o.vary);
  std::vector<TaskRun> runs;
  {
    Progress progress("values");
    runs = run_sweep(o.task, name, values, o.settings, subject ? &*subject : nullptr, shared.recruitment(),
                     std::ref(progress));
  }
  fmt::print("{}\n{}", kMechanicsNotice, format_compare(o.task, name, values, runs));
  if (!shared.out_dir.empty()) {
    write_outputs(shared.out_dir, {{"compare.csv", compare_csv(o.task, name, values, runs)}});
  }
  return 0;
}

int run_day_command(const SharedOptions& shared, const DayOptions& o) {
  const std::optional<Subject> subject = optional_subject(o.subject_file);
  const Subject* who = subject ? &*subject : nullptr;
  const DaySchedule schedule = load_day_schedule(o.schedule_file);
  DayResult result;
  {
    Progress progress("tasks");
    result = run_day(schedule, who, shared.recruitment(), std::ref(progress));
  }
  fmt::print("{}\n{}", kMechanicsNotice, format_day(schedule, result, who));
  if (!shared.out_dir.empty()) {
    write_files_atomically(shared.out_dir, {{"day_tasks.csv", day_tasks_csv(result)}, {"day_capacity.csv", day_csv(result)}});
    fmt::print("wrote {}/day_tasks.csv and {}/day_capacity.csv\n", shared.out_dir, shared.out_dir);
  }
  return 0;
}

}  // namespace

std::vector<Command> add_task_commands(CLI::App& app, SharedOptions& shared) {
  auto* task = app.add_subcommand("task", "the task library");
  task->require_subcommand(1);
  auto* list = task->add_subcommand("list", "tasks, their parameters, units and defaults");

  auto c = std::make_shared<CompareOptions>();
  auto* compare = app.add_subcommand("compare", "what-ifs: one task with one parameter varied");
  compare->add_option("--task", c->task, "task id")->required();
  compare->add_option("--vary", c->vary, "name=from:to:step")->required();
  compare->add_option("--set", c->settings, "other task parameters, name=value");
  compare->add_option("--subject", c->subject_file, "subject file");
  compare->add_option("-o,--output", shared.out_dir, "folder for compare.csv");
  add_solver_options(compare, shared);

  auto d = std::make_shared<DayOptions>();
  auto* day = app.add_subcommand("day", "a day of tasks: peaks, cumulative load and back-extensor fatigue");
  day->add_option("schedule", d->schedule_file, "schedule YAML file")->required();
  day->add_option("--subject", d->subject_file, "subject file");
  day->add_option("-o,--output", shared.out_dir, "folder for day_tasks.csv and day_capacity.csv");
  add_solver_options(day, shared);

  return {{list, [] { return fmt::print("{}", format_task_list()), 0; }},
          {compare, [&shared, c] { return run_compare(shared, *c); }},
          {day, [&shared, d] { return run_day_command(shared, *d); }}};
}

}  // namespace spineload::cli
