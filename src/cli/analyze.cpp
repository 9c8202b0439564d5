// `demo` and `analyze`: one posture (a file, a task, or the built-in ones) on the default
// model, a scaled one or her model at a stage; or an OpenSim model over a motion.
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "cli/common.hpp"
#include "common/errors.hpp"
#include "interop/setup.hpp"
#include "output/results.hpp"
#include "output/tables.hpp"
#include "posture/prediction.hpp"
#include "subject/timeline.hpp"
#include "tasks/task_library.hpp"

namespace spineload::cli {

namespace {

struct AnalyzeOptions {
  std::string posture_file, formats = "csv,json", task_id, subject_file;
  std::vector<std::string> task_settings;
  MotionAnalysis motion;
  bool muscle_physiology = false;
};

int run_demo(const SharedOptions& shared) {
  const auto model = shared.model();
  Data data(*model);
  fmt::print("spineload demo: model {} ({:.2f} m, {:.1f} kg), solver {}\n{}\n\n", model->name, model->height_m, model->mass_kg,
             shared.solver, kMechanicsNotice);
  for (const auto& name : builtin_posture_names()) {
    const PostureResult r = analyze_posture(*model, data, builtin_posture(*model, name), shared.recruitment());
    fmt::print("{}\n", format_posture_report(*model, r));
  }
  return 0;
}

// An OpenSim model and motion: OpenSim's analyses through the engine.
int run_motion(const SharedOptions& shared, AnalyzeOptions& o) {
  const std::string& model_file = shared.model_dir;
  if (model_file.size() < 5 || model_file.substr(model_file.size() - 5) != ".osim")
    throw InputError("", 0, "--model", "--motion needs --model FILE.osim");
  o.motion.model_file = model_file;
  o.motion.muscle_physiology = o.muscle_physiology;
  std::string summary;
  std::vector<std::string> warnings;
  const auto files = analyze_motion(o.motion, summary, &warnings);
  for (const auto& w : warnings) fmt::print(stderr, "warning: {}\n", w);
  fmt::print("{}\n{}\n", kMechanicsNotice, summary);
  if (!shared.out_dir.empty()) {
    write_outputs(shared.out_dir, std::map<std::string, std::string>(files.begin(), files.end()));
  }
  return 0;
}

int run_analyze(const SharedOptions& shared, AnalyzeOptions& o) {
  if (!o.motion.motion_file.empty()) return run_motion(shared, o);
  const std::set<Format> fmts = parse_formats(o.formats);
  if (o.posture_file.empty() == o.task_id.empty())
    throw InputError("", 0, "posture", "give either a posture file or --task (see `spineload task list`)");
  if (!o.task_settings.empty() && o.task_id.empty()) throw InputError("", 0, "--set", "--set needs --task");
  std::shared_ptr<const Model> model;
  Posture posture;
  std::optional<TaskInstance> task;
  std::vector<std::string> notes;
  std::string who = "default", stage = "non-pregnant";
  // The posture file, or the task's posture, on a given model.
  auto load_posture = [&](const Model& m) {
    if (o.task_id.empty()) return load_posture_file(m, o.posture_file);
    task = instantiate_task(m, o.task_id, o.task_settings);
    return task->posture;
  };
  if (o.subject_file.empty()) {
    model = shared.model();
    posture = resolve_prediction(*model, load_posture(*model));
  } else {
    if (shared.height_m > 0 || shared.mass_kg > 0)
      throw InputError("", 0, "--height/--mass", "with --subject, height and mass come from the subject file");
    const Subject subject = load_subject_file(o.subject_file);
    if (!subject.stage)
      throw InputError(o.subject_file, 0, "stage", "analyze needs the subject's stage (pregnant or postpartum) and week");
    const auto source = shared.source();
    const auto data = default_subject_data();
    const SubjectState state = subject_state(*data, subject);
    who = subject.name;
    stage = state.stage_label;
    model = build_model(*source, subject.height_m, subject.pre_pregnancy_mass_kg,
                        subject_adjustments(*source, *data, subject, state));
    notes = subject_notes(*data, subject, state);
    std::vector<double> ext;
    posture = posture_at_stage(*model, load_posture(*model), *data, subject, &ext);
    if (!ext.empty())
      notes.push_back(fmt::format("posture adapted: lumbar spine extended {:.1f} deg to keep her upper body over her hips",
                                  ext.front()));
  }
  Data data(*model);
  PostureResult r = analyze_posture(*model, data, posture, shared.recruitment());
  r.notes = notes;
  r.subject = who;
  r.stage = stage;
  fmt::print("{}\n", kMechanicsNotice);
  for (const auto& n : notes) fmt::print("{}\n", n);
  fmt::print("{}", format_posture_report(*model, r));
  if (task) fmt::print("{}", format_indices(*task, ergonomic_indices(r, task->lift)));
  std::optional<GaitSummary> gait;
  if (task && task->gait) {
    gait = gait_summary(*model, posture, r, *task->gait);
    fmt::print("{}", format_gait_summary(*gait));
  }
  if (!shared.out_dir.empty()) {
    auto files = render_results(*model, r, fmts);
    if (gait) files[task->spec->id + "_gait.csv"] = gait_csv(*gait);
    if (task)
      for (auto& [name, text] : render_indices(*task, ergonomic_indices(r, task->lift), fmts.count(Format::json) > 0))
        files[name] = std::move(text);
    write_outputs(shared.out_dir, files);
  }
  const std::string beyond = capacity_message(*model, r);
  if (!beyond.empty()) {
    std::cerr << (o.task_id.empty() ? o.posture_file : "task " + o.task_id) << ": " << beyond << "\n";
    return 4;
  }
  return 0;
}

}  // namespace

std::vector<Command> add_analysis_commands(CLI::App& app, SharedOptions& shared) {
  auto* demo = app.add_subcommand("demo", "analyse the built-in postures on the default female model");
  add_model_options(demo, shared);
  add_solver_options(demo, shared);

  auto o = std::make_shared<AnalyzeOptions>();
  auto* analyze = app.add_subcommand("analyze", "analyse a posture file");
  analyze->add_option("posture", o->posture_file, "posture YAML file (or use --task)");
  analyze->add_option("--task", o->task_id, "a task from `spineload task list` instead of a posture file");
  analyze->add_option("--set", o->task_settings, "task parameter, name=value (repeatable)");
  analyze->add_option("-o,--output", shared.out_dir, "folder for CSV/JSON/STO results");
  analyze->add_option("--format", o->formats, "comma-separated: csv,json,sto");
  analyze->add_option("--subject", o->subject_file, "subject file: who she is and her stage of pregnancy or postpartum");
  analyze->add_option("--motion", o->motion.motion_file,
                      "with --model FILE.osim: an OpenSim coordinates file (.mot/.sto) to analyse frame by frame");
  analyze->add_option("--external-loads", o->motion.external_loads_file, "OpenSim ExternalLoads XML (with --motion)");
  analyze->add_option("--lowpass", o->motion.lowpass_hz, "low-pass cut-off for the coordinates, Hz (with --motion)");
  analyze->add_flag("--muscle-physiology", o->muscle_physiology,
                    "static optimisation with the muscles' force-length-velocity as OpenSim takes it (Thelen, Millard, "
                    "DeGroote-Fregly)");
  add_model_options(analyze, shared);
  add_solver_options(analyze, shared);
  return {{demo, [&shared] { return run_demo(shared); }}, {analyze, [&shared, o] { return run_analyze(shared, *o); }}};
}

}  // namespace spineload::cli
