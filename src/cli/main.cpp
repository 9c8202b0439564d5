// spineload command line: a thin layer over the engine library. Exit codes: 0 success,
// 2 bad input (nothing written), 3 a numerical failure (nothing written), 4 the muscles
// cannot hold the load (results written in full, with the reserves and the flag), 1 otherwise.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <thread>
#include <iostream>

#include "analysis/analyze.hpp"
#include "capacity/strength.hpp"
#include "cohort/cohort.hpp"
#include "cohort/distributed.hpp"
#include "common/errors.hpp"
#include "io/report.hpp"
#include "interop/conformance.hpp"
#include "interop/osim_export.hpp"
#include "interop/osim_import.hpp"
#include "interop/setup.hpp"
#include "io/results.hpp"
#include "report/report.hpp"
#include "subject/timeline.hpp"
#include "tasks/posture_prediction.hpp"
#include "tasks/task_library.hpp"
#include "tasks/task_runner.hpp"
#include "validation/validate.hpp"
#include "serve/server.hpp"

namespace {

using namespace spineload;

struct ModelOptions {
  double height_m = 0;  // 0: the model's default subject
  double mass_kg = 0;
  std::string directory;  // empty: built-in female-adult
};

void add_model_options(CLI::App* app, ModelOptions& o) {
  app->add_option("--height", o.height_m, "subject height in metres (default 1.65)");
  app->add_option("--mass", o.mass_kg, "subject body mass in kilograms (default 62)");
  app->add_option("--model", o.directory, "folder with model.yaml and muscles.yaml (default: built-in female-adult)");
}

std::shared_ptr<const Model> make_model(const ModelOptions& o) {
  const auto source = o.directory.empty() ? default_model_source() : load_model_source(o.directory);
  return build_model(*source, o.height_m > 0 ? o.height_m : default_height_m(*source),
                     o.mass_kg > 0 ? o.mass_kg : default_mass_kg(*source));
}

RecruitmentOptions recruitment_options(const std::string& solver, const std::string& objective) {
  RecruitmentOptions r;
  r.solver = solver == "ipopt" ? SolverKind::ipopt : SolverKind::fast;
  r.objective = objective == "stress3" ? Objective::stress_cubed : Objective::activation_squared;
  return r;
}

// Empty when every frame is held by the muscles; else which frames and reserves.
std::string capacity_message(const Model& model, const PostureResult& r) {
  std::string msg;
  int frames = 0;
  for (const auto& f : r.frames) {
    if (f.status == RecruitmentStatus::ok) continue;
    if (f.status == RecruitmentStatus::solver_failed)
      return fmt::format("posture '{}': muscle recruitment failed at t = {:.3f} s", r.name, f.time_s);
    if (frames++ == 0) {
      msg = fmt::format("posture '{}' is beyond muscle capacity at t = {:.3f} s; reserve moments:", r.name, f.time_s) +
            reserve_list(model, f);
    }
  }
  if (frames > 1) msg += fmt::format(" (and {} more frames)", frames - 1);
  return msg;
}

const Subject* schedule_subject(const std::optional<Subject>& s) { return s ? &*s : nullptr; }

// Progress on stderr for runs longer than two seconds: on a terminal a line redrawn in
// place; with `rate`, also the rate and the time left, and when stderr is not a terminal
// (a batch job's log) a plain line every 30 s.
class Progress {
 public:
  explicit Progress(std::string what, bool rate = false)
      : what_(std::move(what)), rate_(rate), start_(std::chrono::steady_clock::now()), last_line_(start_) {}
  ~Progress() {
    if (shown_) std::cerr << "\r" << std::string(70, ' ') << "\r" << std::flush;
  }
  void operator()(std::size_t done, std::size_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(2)) return;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    std::string text = "  " + what_ + " " + std::to_string(done) + "/" + std::to_string(total);
    if (rate_ && done > 0) {
      const double per_s = done / seconds;
      text += fmt::format("  {:.0f}/s  about {:.0f} s left", per_s, (total - done) / per_s);
    }
    if (isatty(STDERR_FILENO)) {
      shown_ = true;
      std::cerr << "\r" << text << std::string(text.size() < 70 ? 70 - text.size() : 0, ' ') << std::flush;
    } else if (rate_ && now - last_line_ >= std::chrono::seconds(30)) {
      last_line_ = now;
      std::cerr << text << "\n" << std::flush;
    }
  }

 private:
  std::string what_;
  bool rate_;
  std::chrono::steady_clock::time_point start_, last_line_;
  bool shown_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  // Under mpirun, every rank runs this binary; only `cohort` shares its work between them.
  const Processes processes(&argc, &argv);
  CLI::App app{"spineload: loads on a woman's spine through pregnancy and the postpartum year.\n" +
               std::string(kMechanicsNotice)};
  app.require_subcommand(1);
  ModelOptions model_opts;
  std::string solver = "fast", objective = "activation2";
  auto add_solver = [&](CLI::App* sub) {
    sub->add_option("--solver", solver, "muscle recruitment solver")->check(CLI::IsMember({"fast", "ipopt"}));
    sub->add_option("--objective", objective,
                    "recruitment criterion: activation2 (sum of squared activations) or stress3 (sum of cubed stresses)")
        ->check(CLI::IsMember({"activation2", "stress3"}));
  };

  auto* version = app.add_subcommand("version", "version and built-in features");

  auto* demo = app.add_subcommand("demo", "analyse the built-in postures on the default female model");
  add_model_options(demo, model_opts);
  add_solver(demo);

  std::string posture_file, out_dir, formats = "csv,json";
  auto* analyze = app.add_subcommand("analyze", "analyse a posture file");
  analyze->add_option("posture", posture_file, "posture YAML file (or use --task)");
  std::string task_id;
  std::vector<std::string> task_settings;
  analyze->add_option("--task", task_id, "a task from `spineload task list` instead of a posture file");
  analyze->add_option("--set", task_settings, "task parameter, name=value (repeatable)");
  analyze->add_option("-o,--output", out_dir, "folder for CSV/JSON/STO results");
  analyze->add_option("--format", formats, "comma-separated: csv,json,sto");
  std::string subject_file;
  analyze->add_option("--subject", subject_file, "subject file: who she is and her stage of pregnancy or postpartum");
  MotionAnalysis motion_request;
  bool muscle_physiology = false;
  analyze->add_option("--motion", motion_request.motion_file,
                      "with --model FILE.osim: an OpenSim coordinates file (.mot/.sto) to analyse frame by frame");
  analyze->add_option("--external-loads", motion_request.external_loads_file, "OpenSim ExternalLoads XML (with --motion)");
  analyze->add_option("--lowpass", motion_request.lowpass_hz, "low-pass cut-off for the coordinates, Hz (with --motion)");
  analyze->add_flag("--muscle-physiology", muscle_physiology, "static optimisation with the muscles' force-length-velocity as OpenSim takes it (Thelen, Millard, DeGroote-Fregly)");
  add_model_options(analyze, model_opts);
  add_solver(analyze);

  auto* task_cmd = app.add_subcommand("task", "the task library");
  task_cmd->require_subcommand(1);
  auto* task_list = task_cmd->add_subcommand("list", "tasks, their parameters, units and defaults");

  std::string compare_task, vary, compare_subject;
  std::vector<std::string> compare_settings;
  auto* compare = app.add_subcommand("compare", "what-ifs: one task with one parameter varied");
  compare->add_option("--task", compare_task, "task id")->required();
  compare->add_option("--vary", vary, "name=from:to:step")->required();
  compare->add_option("--set", compare_settings, "other task parameters, name=value");
  compare->add_option("--subject", compare_subject, "subject file");
  compare->add_option("-o,--output", out_dir, "folder for compare.csv");
  add_solver(compare);

  std::string day_file, day_subject;
  auto* day = app.add_subcommand("day", "a day of tasks: peaks, cumulative load and back-extensor fatigue");
  day->add_option("schedule", day_file, "schedule YAML file")->required();
  day->add_option("--subject", day_subject, "subject file");
  day->add_option("-o,--output", out_dir, "folder for day_tasks.csv and day_capacity.csv");
  add_solver(day);

  auto* model_cmd = app.add_subcommand("model", "describe a model");
  model_cmd->require_subcommand(1);
  auto* info = model_cmd->add_subcommand("info", "bodies, coordinates and ranges, muscles");
  add_model_options(info, model_opts);
  std::string strength_subject;
  auto* strength_cmd = model_cmd->add_subcommand(
      "strength", "the largest moment the muscles can produce at every spinal level, beside women's published strength");
  add_model_options(strength_cmd, model_opts);
  strength_cmd->add_option("--subject", strength_subject, "subject file: her muscles at her stage of pregnancy or postpartum");
  std::string import_file;
  bool import_report = false;
  auto* import_cmd = model_cmd->add_subcommand("import", "read an OpenSim model (.osim) and say what was imported");
  import_cmd->add_option("file", import_file, ".osim file")->required();
  import_cmd->add_flag("--report", import_report, "also list bodies, coordinates and muscles as imported");
  std::string export_name = "female-adult", export_out, export_subject;
  auto* export_cmd = model_cmd->add_subcommand("export", "write a model as an OpenSim 4 .osim file");
  export_cmd->add_option("name", export_name, "female-adult (the built-in model; --model DIR for another)");
  export_cmd->add_option("-o,--output", export_out, "the .osim file to write")->required();
  export_cmd->add_option("--subject", export_subject, "subject file: her body at her stage of pregnancy or postpartum");
  add_model_options(export_cmd, model_opts);

  std::string timeline_subject, timeline_posture = "standing", from = "pregnant:0", to = "postpartum:52", step = "2w";
  std::string timeline_task;
  std::vector<std::string> timeline_settings;
  auto* timeline = app.add_subcommand("timeline", "a posture's or a task's loads and capacity across pregnancy and the postpartum year");
  timeline->add_option("--subject", timeline_subject, "subject file")->required();
  auto* timeline_posture_opt = timeline->add_option(
      "--posture", timeline_posture, "built-in posture (standing, sitting, or any name `demo` shows) or a posture file");
  timeline->add_option("--task", timeline_task, "a task from `spineload task list` instead of a posture")
      ->excludes(timeline_posture_opt);
  timeline->add_option("--set", timeline_settings, "task parameter, name=value (repeatable)");
  timeline->add_option("--from", from, "first stage, pregnant:WEEK or postpartum:WEEK");
  timeline->add_option("--to", to, "last stage");
  timeline->add_option("--step", step, "weeks between stages, e.g. 2w");
  timeline->add_option("-o,--output", out_dir, "folder for timeline.csv");
  add_solver(timeline);

  std::string cohort_file;
  int cohort_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto* cohort = app.add_subcommand("cohort", "a sampled population of mothers: loads per subject and task, and a summary");
  cohort->add_option("file", cohort_file, "cohort YAML file")->required();
  cohort->add_option("-o,--output", out_dir, "folder for cohort.csv and cohort_summary.txt");
  cohort->add_option("--threads", cohort_threads, "worker threads per process (default: all cores)")->check(CLI::Range(1, 256));
  bool cohort_resume = false;
  cohort->add_flag("--resume", cohort_resume, "with -o: keep the chunks an interrupted run finished and run only the rest");
  add_solver(cohort);

  std::string conformance_dir = "../shared/opensim-conformance";
  auto* conformance = app.add_subcommand("conformance", "run OpenSim's reference cases and compare with its results");
  conformance->add_option("dir", conformance_dir, "folder of models, motions, setup files and std_*.sto results");

  std::string setup_file;
  auto* run_setup_cmd = app.add_subcommand("run-setup", "run an OpenSim AnalyzeTool or InverseDynamicsTool setup file");
  run_setup_cmd->add_option("setup", setup_file, "setup XML file")->required();
  run_setup_cmd->add_option("-o,--output", out_dir, "folder for the .sto results (default: the setup's results_directory)");

  std::string data_csv;
  auto* validate = app.add_subcommand("validate", "compare with in vivo L4/L5 disc pressure (Wilke 1999)");
  validate->add_option("--data", data_csv, "measured data CSV (default ../shared/validation/wilke1999_l4l5_idp.csv)");
  add_solver(validate);

  std::string report_dir, report_out = "report.html";
  auto* report_cmd = app.add_subcommand("report", "one self-contained HTML page (and an SVG per chart) from a folder of results");
  report_cmd->add_option("results", report_dir, "folder written by analyze, timeline, day, compare or cohort -o")->required();
  report_cmd->add_option("-o,--output", report_out, "the HTML file to write (charts beside it as NAME-CHART.svg)");

  serve::ServerOptions serve_opts;
  auto* serve_cmd = app.add_subcommand("serve", "a local web server: the JSON API (and the viewer page)");
  serve_cmd->add_option("--host", serve_opts.host, "address to listen on (default 127.0.0.1: this machine only)");
  serve_cmd->add_option("--port", serve_opts.port, "port (default 8080; 0: any free port)")->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--threads", serve_opts.threads, "requests handled at once")->check(CLI::Range(1, 64));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  try {
    const RecruitmentOptions ropts = recruitment_options(solver, objective);
    if (*demo) {
      const auto model = make_model(model_opts);
      Data data(*model);
      fmt::print("spineload demo: model {} ({:.2f} m, {:.1f} kg), solver {}\n{}\n\n", model->name, model->height_m,
                 model->mass_kg, solver, kMechanicsNotice);
      for (const auto& name : builtin_posture_names()) {
        const PostureResult r = analyze_posture(*model, data, builtin_posture(*model, name), ropts);
        fmt::print("{}\n", format_posture_report(*model, r));
      }
    } else if (*analyze && !motion_request.motion_file.empty()) {
      // An OpenSim model and motion: OpenSim's analyses through the engine.
      if (model_opts.directory.size() < 5 || model_opts.directory.substr(model_opts.directory.size() - 5) != ".osim")
        throw InputError("", 0, "--model", "--motion needs --model FILE.osim");
      motion_request.model_file = model_opts.directory;
      motion_request.muscle_physiology = muscle_physiology;
      std::string summary;
      std::vector<std::string> warnings;
      const auto files = analyze_motion(motion_request, summary, &warnings);
      for (const auto& w : warnings) fmt::print(stderr, "warning: {}\n", w);
      fmt::print("{}\n{}\n", kMechanicsNotice, summary);
      if (!out_dir.empty()) {
        write_files_atomically(out_dir, std::map<std::string, std::string>(files.begin(), files.end()));
        for (const auto& [name, _] : files) fmt::print("wrote {}/{}\n", out_dir, name);
      }
    } else if (*analyze) {
      const std::set<Format> fmts = parse_formats(formats);
      if (posture_file.empty() == task_id.empty())
        throw InputError("", 0, "posture", "give either a posture file or --task (see `spineload task list`)");
      if (!task_settings.empty() && task_id.empty()) throw InputError("", 0, "--set", "--set needs --task");
      std::shared_ptr<const Model> model;
      Posture posture;
      std::optional<TaskInstance> task;
      std::vector<std::string> notes;
      std::string who = "default", stage = "non-pregnant";
      // The posture file, or the task's posture, on a given model.
      auto load_posture = [&](const Model& m) {
        if (task_id.empty()) return load_posture_file(m, posture_file);
        task = instantiate_task(m, task_id, task_settings);
        return task->posture;
      };
      if (subject_file.empty()) {
        model = make_model(model_opts);
        posture = resolve_prediction(*model, load_posture(*model));
      } else {
        if (model_opts.height_m > 0 || model_opts.mass_kg > 0)
          throw InputError("", 0, "--height/--mass", "with --subject, height and mass come from the subject file");
        const Subject subject = load_subject_file(subject_file);
        if (!subject.stage)
          throw InputError(subject_file, 0, "stage", "analyze needs the subject's stage (pregnant or postpartum) and week");
        const auto source = model_opts.directory.empty() ? default_model_source() : load_model_source(model_opts.directory);
        const auto data = default_subject_data();
        const SubjectState state = subject_state(*data, subject);
        who = subject.name;
        stage = state.stage_label;
        model = build_model(*source, subject.height_m, subject.pre_pregnancy_mass_kg,
                            subject_adjustments(*source, *data, subject, state));
        notes = subject_notes(*data, subject, state);
        std::vector<double> ext;
        posture = posture_at_stage(*model, *source, load_posture(*model), *data, subject, &ext);
        if (!ext.empty())
          notes.push_back(fmt::format("posture adapted: lumbar spine extended {:.1f} deg to keep her upper body over her hips",
                                      ext.front()));
      }
      Data data(*model);
      PostureResult r = analyze_posture(*model, data, posture, ropts);
      r.notes = notes;
      r.subject = who;
      r.stage = stage;
      fmt::print("{}\n", kMechanicsNotice);
      for (const auto& n : notes) fmt::print("{}\n", n);
      fmt::print("{}", format_posture_report(*model, r));
      if (task) fmt::print("{}", format_indices(*task, ergonomic_indices(r, task->lift)));
      if (!out_dir.empty()) {
        auto files = render_results(*model, r, fmts);
        if (task)
          for (auto& [name, text] : render_indices(*task, ergonomic_indices(r, task->lift), fmts.count(Format::json) > 0))
            files[name] = std::move(text);
        write_files_atomically(out_dir, files);
        for (const auto& [name, _] : files) fmt::print("wrote {}/{}\n", out_dir, name);
      }
      const std::string beyond = capacity_message(*model, r);
      if (!beyond.empty()) {
        std::cerr << (task_id.empty() ? posture_file : "task " + task_id) << ": " << beyond << "\n";
        return 4;
      }
    } else if (*timeline) {
      const Subject subject = load_subject_file(timeline_subject);
      const auto source = model_opts.directory.empty() ? default_model_source() : load_model_source(model_opts.directory);
      const auto data = default_subject_data();
      const auto base = build_model(*source, subject.height_m, subject.pre_pregnancy_mass_kg);
      const std::string alias = timeline_posture == "standing" ? "standing_relaxed"
                                : timeline_posture == "sitting" ? "sitting_upright"
                                                                : timeline_posture;
      const auto names = builtin_posture_names();
      if (!timeline_settings.empty() && timeline_task.empty()) throw InputError("", 0, "--set", "--set needs --task");
      // A task is posed as `analyze --task` and the API's timeline pose it: its posture and
      // loads, then at every stage solved on her body (posture_at_stage).
      const Posture posture = !timeline_task.empty() ? instantiate_task(*base, timeline_task, timeline_settings).posture
                              : std::find(names.begin(), names.end(), alias) != names.end()
                                  ? builtin_posture(*base, alias)
                                  : load_posture_file(*base, timeline_posture);
      const auto points = stage_range(from, to, step, subject.delivery_week);
      std::vector<TimelineRow> rows;
      {
        Progress progress("stages");
        rows = run_timeline(*source, *data, subject, posture, points, ropts, std::ref(progress));
      }
      fmt::print("{}\n{}", kMechanicsNotice, format_timeline(subject, posture.name, rows, *base));
      if (!out_dir.empty()) {
        write_files_atomically(out_dir, {{"timeline.csv", timeline_csv(rows, *base, subject.name)}});
        fmt::print("wrote {}/timeline.csv\n", out_dir);
      }
    } else if (*compare) {
      std::optional<Subject> subject;
      if (!compare_subject.empty()) subject = load_subject_file(compare_subject);
      const auto [name, values] = parse_vary(vary);
      std::vector<TaskRun> runs;
      {
        Progress progress("values");
        for (double v : values) {
          std::vector<std::string> settings = compare_settings;
          settings.push_back(fmt::format("{}={:g}", name, v));
          runs.push_back(run_task(compare_task, settings, subject ? &*subject : nullptr, ropts));
          progress(runs.size(), values.size());
        }
      }
      fmt::print("{}\n{}", kMechanicsNotice, format_compare(compare_task, name, values, runs));
      if (!out_dir.empty()) {
        write_files_atomically(out_dir, {{"compare.csv", compare_csv(compare_task, name, values, runs)}});
        fmt::print("wrote {}/compare.csv\n", out_dir);
      }
    } else if (*day) {
      std::optional<Subject> subject;
      if (!day_subject.empty()) subject = load_subject_file(day_subject);
      const DaySchedule schedule = load_day_schedule(day_file);
      DayResult result;
      {
        Progress progress("tasks");
        result = run_day(schedule, schedule_subject(subject), ropts, std::ref(progress));
      }
      fmt::print("{}\n{}", kMechanicsNotice, format_day(schedule, result, schedule_subject(subject)));
      if (!out_dir.empty()) {
        write_files_atomically(out_dir, {{"day_tasks.csv", day_tasks_csv(result)}, {"day_capacity.csv", day_csv(result)}});
        fmt::print("wrote {}/day_tasks.csv and {}/day_capacity.csv\n", out_dir, out_dir);
      }
    } else if (*task_list) {
      fmt::print("{}", format_task_list());
    } else if (*export_cmd) {
      if (export_name != "female-adult" && model_opts.directory.empty())
        throw InputError("", 0, "name", "unknown model '" + export_name + "' (the built-in model is female-adult)");
      std::shared_ptr<const Model> model;
      std::string what;
      if (export_subject.empty()) {
        model = make_model(model_opts);
        what = fmt::format("model {} scaled to {:.3f} m and {:.1f} kg", model->name, model->height_m, model->mass_kg);
      } else {
        const Subject subject = load_subject_file(export_subject);
        const auto source = model_opts.directory.empty() ? default_model_source() : load_model_source(model_opts.directory);
        const SubjectState state = subject_state(*default_subject_data(), subject);
        model = build_model(*source, subject.height_m, subject.pre_pregnancy_mass_kg,
                            subject_adjustments(*source, *default_subject_data(), subject, state));
        what = fmt::format("model {} for subject {} ({}), {:.1f} kg", model->name, subject.name, state.stage_label,
                           model->mass_kg);
      }
      write_files_atomically(std::filesystem::path(export_out).parent_path().empty()
                                 ? "."
                                 : std::filesystem::path(export_out).parent_path().string(),
                             {{std::filesystem::path(export_out).filename().string(), export_osim(*model, what)}});
      fmt::print("wrote {} ({})\n", export_out, what);
    } else if (*import_cmd) {
      const ImportedModel im = import_osim_file(import_file);
      fmt::print("{}", format_import_report(im));
      if (import_report) fmt::print("\n{}", format_model_info(*im.model));
    } else if (*version) {
      fmt::print("spineload {} (MPI: {})\n", SPINELOAD_VERSION, Processes::built_with_mpi() ? "yes" : "no");
    } else if (*cohort) {
      if (processes.launched_without_support())
        throw InputError("", 0, "mpirun", "this spineload was built without MPI (SPINELOAD_MPI=OFF): run it without mpirun");
      const CohortSpec spec = load_cohort_file(cohort_file);
      CohortOptions options;
      options.threads = cohort_threads;
      options.recruitment = ropts;
      options.rank = processes.rank();
      options.ranks = processes.size();
      if (!out_dir.empty()) {
        options.work_dir = out_dir + "/chunks";
        const std::string key =
            fmt::format("spineload {}\nsolver {}\nobjective {}\n", SPINELOAD_VERSION, solver, objective) + spec.text;
        std::string error;
        try {
          prepare_chunk_folder(options.work_dir, key, cohort_resume, cohort_file, processes.rank() == 0);
        } catch (const std::exception& e) {
          error = e.what();
        }
        // The folder is ready before any rank writes; a refused resume stops every rank.
        if (!processes.all_ok(error.empty())) {
          if (!error.empty()) std::cerr << "error: " << error << "\n";
          return 2;
        }
      }
      const auto start = std::chrono::steady_clock::now();
      std::vector<CohortRow> rows;
      std::string error;
      try {
        Progress progress("subjects", true);
        rows = run_cohort(spec, options, [&](long done, long total) {
          if (processes.rank() == 0) progress(done, total);
        });
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (!processes.all_ok(error.empty())) {
        if (!error.empty()) std::cerr << "error (rank " << processes.rank() << "): " << error << "\n";
        return 1;
      }
      // Several processes send their rows to rank 0 as text (every number to 17 digits, so
      // the gathered rows are the same numbers); one process keeps its own.
      if (processes.size() > 1) {
        const std::string all = processes.gather(serialize_rows(rows));
        if (processes.rank() != 0) return 0;
        rows = parse_rows(all, "gathered rows");
      }
      sort_rows(rows);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const auto summary = summarize_cohort(spec, rows);
      const std::string text = std::string(kMechanicsNotice) + "\n" + format_cohort_summary(spec, summary);
      fmt::print("{}", text);
      fmt::print("{} subject-task evaluations in {:.1f} s ({:.0f} per second; {} processes x {} threads)\n", rows.size(),
                 seconds, rows.size() / std::max(seconds, 1e-9), processes.size(), options.threads);
      if (!out_dir.empty()) {
        write_files_atomically(out_dir, {{"cohort.csv", cohort_csv_header(spec) + cohort_csv_rows(spec, rows, options.threads)},
                                         {"cohort_summary.txt", text}});
        fmt::print("wrote {}/cohort.csv and {}/cohort_summary.txt\n", out_dir, out_dir);
      }
    } else if (*conformance) {
      const ConformanceReport report = run_conformance(conformance_dir);
      fmt::print("{}", format_conformance(report));
      return report.all_passed() ? 0 : 1;
    } else if (*run_setup_cmd) {
      const Setup setup = read_setup_file(setup_file);
      std::vector<std::string> warnings;
      const auto files = run_setup(setup, &warnings);
      for (const auto& w : warnings) fmt::print(stderr, "warning: {}\n", w);
      std::string dir = out_dir;
      if (dir.empty())
        dir = (std::filesystem::path(setup.directory) / (setup.results_directory.empty() ? "." : setup.results_directory)).string();
      std::map<std::string, std::string> outputs(files.begin(), files.end());
      write_files_atomically(dir, outputs);
      for (const auto& [name, _] : files) fmt::print("wrote {}/{}\n", dir, name);
    } else if (*info) {
      fmt::print("{}", format_model_info(*make_model(model_opts)));
    } else if (*strength_cmd) {
      std::shared_ptr<const Model> model;
      if (strength_subject.empty()) {
        model = make_model(model_opts);
      } else {
        if (model_opts.height_m > 0 || model_opts.mass_kg > 0)
          throw InputError("", 0, "--height/--mass", "with --subject, height and mass come from the subject file");
        const auto source = model_opts.directory.empty() ? default_model_source() : load_model_source(model_opts.directory);
        model = build_subject_model(*source, *default_subject_data(), load_subject_file(strength_subject));
      }
      fmt::print("{}\n{}", kMechanicsNotice,
                 format_strength(*model, trunk_strength(*model), trunk_strength_references(), sorensen_test(*model)));
    } else if (*report_cmd) {
      const report::ReportOutput rep = report::build_report(report_dir);
      const std::filesystem::path out(report_out);
      if (out.extension() != ".html") throw InputError("", 0, "--output", "the report is an .html file, got '" + report_out + "'");
      const std::string dir = out.parent_path().empty() ? "." : out.parent_path().string();
      std::map<std::string, std::string> files{{out.filename().string(), rep.html}};
      for (const auto& [name, svg] : rep.charts) files[out.stem().string() + "-" + name + ".svg"] = svg;
      write_files_atomically(dir, files);
      fmt::print("{}\nwrote {} ({} charts, from {} result files) and {} SVG files beside it\n", kMechanicsNotice, report_out,
                 rep.charts.size(), rep.inputs.size(), rep.charts.size());
    } else if (*serve_cmd) {
      serve::Server server(serve_opts);
      server.bind();
      fmt::print("{}\n{}  (Ctrl-C to stop)\n", kMechanicsNotice, server.url());
      std::fflush(stdout);
      server.listen();
    } else if (*validate) {
      const auto report = run_wilke_validation(*default_model_source(),
                                               data_csv.empty() ? default_validation_csv() : data_csv, ropts);
      fmt::print("{}", format_validation(report));
    }
  } catch (const InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const NumericalError& e) {
    std::cerr << "numerical error: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
