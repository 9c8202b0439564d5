// `timeline`: one posture's or task's loads and capacity at every stage of pregnancy and the
// postpartum year.
#include <fmt/format.h>

#include "cli/common.hpp"
#include "common/errors.hpp"
#include "output/results.hpp"
#include "subject/timeline.hpp"
#include "tasks/task_runner.hpp"

namespace spineload::cli {

namespace {

struct TimelineOptions {
  std::string subject_file, posture = "standing", from = "pregnant:0", to = "postpartum:52", step = "2w", task;
  std::vector<std::string> settings;
};

int run_timeline_command(const SharedOptions& shared, const TimelineOptions& o) {
  const Subject subject = load_subject_file(o.subject_file);
  const auto source = shared.source();
  const auto data = default_subject_data();
  const auto base = build_model(*source, subject.height_m, subject.pre_pregnancy_mass_kg);
  if (!o.settings.empty() && o.task.empty()) throw InputError("", 0, "--set", "--set needs --task");
  // A task is posed as `analyze --task` and the API's timeline pose it: its posture and
  // loads, then at every stage solved on her body (posture_at_stage).
  const Posture posture = timeline_posture(*base, o.posture, o.task, o.settings);
  const auto points = stage_range(o.from, o.to, o.step, subject.delivery_week);
  std::vector<TimelineRow> rows;
  {
    Progress progress("stages");
    rows = run_timeline(*source, *data, subject, posture, points, shared.recruitment(), std::ref(progress));
  }
  fmt::print("{}\n{}", kMechanicsNotice, format_timeline(subject, posture.name, rows, *base));
  if (!shared.out_dir.empty()) {
    write_outputs(shared.out_dir, {{"timeline.csv", timeline_csv(rows, *base, subject.name)}});
  }
  return 0;
}

}  // namespace

std::vector<Command> add_stage_commands(CLI::App& app, SharedOptions& shared) {
  auto o = std::make_shared<TimelineOptions>();
  auto* timeline =
      app.add_subcommand("timeline", "a posture's or a task's loads and capacity across pregnancy and the postpartum year");
  timeline->add_option("--subject", o->subject_file, "subject file")->required();
  auto* posture = timeline->add_option(
      "--posture", o->posture, "built-in posture (standing, sitting, or any name `demo` shows) or a posture file");
  timeline->add_option("--task", o->task, "a task from `spineload task list` instead of a posture")->excludes(posture);
  timeline->add_option("--set", o->settings, "task parameter, name=value (repeatable)");
  timeline->add_option("--from", o->from, "first stage, pregnant:WEEK or postpartum:WEEK");
  timeline->add_option("--to", o->to, "last stage");
  timeline->add_option("--step", o->step, "weeks between stages, e.g. 2w");
  timeline->add_option("-o,--output", shared.out_dir, "folder for timeline.csv");
  add_solver_options(timeline, shared);
  return {{timeline, [&shared, o] { return run_timeline_command(shared, *o); }}};
}

}  // namespace spineload::cli
