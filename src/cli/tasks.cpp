// `task list`, `compare` (one task with one parameter varied), `day` (a day of tasks) and
// `claims` (what mothers are told, put to the model).
#include <fmt/format.h>

#include "claims/claims.hpp"
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

int run_claims(const SharedOptions& shared, const std::string& subject_file) {
  const Subject subject = subject_file.empty() ? Subject{} : load_subject_file(subject_file);
  std::vector<ClaimAnswer> answers;
  {
    Progress progress("claims");
    answers = answer_claims(subject, shared.recruitment(), std::ref(progress));
  }
  fmt::print("{}\nWhat mothers are told about back pain, put to the model ({}, {:.2f} m, {:.0f} kg before pregnancy)\n\n{}",
             kMechanicsNotice, subject_file.empty() ? "the default woman" : subject.name, subject.height_m,
             subject.pre_pregnancy_mass_kg, format_claims(answers));
  if (!shared.out_dir.empty()) {
    write_outputs(shared.out_dir, {{"claims.csv", claims_csv(answers)}});
    fmt::print("wrote {}/claims.csv\n", shared.out_dir);
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

  auto claims_subject = std::make_shared<std::string>();
  auto* claims = app.add_subcommand("claims", "what mothers are told about back pain, each put to the model with its figures and a verdict");
  claims->add_option("--subject", *claims_subject, "subject file (who she is; each experiment sets its own stages)");
  claims->add_option("-o,--output", shared.out_dir, "folder for claims.csv (which `spineload report` renders)");
  add_solver_options(claims, shared);

  return {{list, [] { return fmt::print("{}", format_task_list()), 0; }},
          {claims, [&shared, claims_subject] { return run_claims(shared, *claims_subject); }},
          {compare, [&shared, c] { return run_compare(shared, *c); }},
          {day, [&shared, d] { return run_day_command(shared, *d); }}};
}

}  // namespace spineload::cli
