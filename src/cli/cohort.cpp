// `cohort`: a sampled population of mothers, across threads and (under mpirun) processes.
#include <fmt/format.h>

#include <iostream>
#include <thread>

#include "cli/common.hpp"
#include "cohort/cohort.hpp"
#include "common/errors.hpp"
#include "output/results.hpp"

namespace spineload::cli {

namespace {

struct CohortCommandOptions {
  std::string file;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool resume = false;
};

int run_cohort_command(const SharedOptions& shared, const CohortCommandOptions& o, const Processes& processes) {
  if (processes.launched_without_support())
    throw InputError("", 0, "mpirun", "this spineload was built without MPI (SPINELOAD_MPI=OFF): run it without mpirun");
  const CohortSpec spec = load_cohort_file(o.file);
  CohortOptions options;
  options.threads = o.threads;
  options.recruitment = shared.recruitment();
  options.rank = processes.rank();
  options.ranks = processes.size();
  const std::string& out_dir = shared.out_dir;
  if (!out_dir.empty()) {
    options.work_dir = out_dir + "/chunks";
    const std::string key =
        fmt::format("spineload {}\nsolver {}\nobjective {}\n", SPINELOAD_VERSION, shared.solver, shared.objective) + spec.text;
    std::string error;
    try {
      prepare_chunk_folder(options.work_dir, key, o.resume, o.file, processes.rank() == 0);
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
  // Several processes send their rows to rank 0 as text (every number in its shortest exact
  // form, so the gathered rows are the same numbers); one process keeps its own.
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
  fmt::print("{} subject-task evaluations in {:.1f} s ({:.0f} per second; {} processes x {} threads)\n", rows.size(), seconds,
             rows.size() / std::max(seconds, 1e-9), processes.size(), options.threads);
  if (!out_dir.empty()) {
    write_files_atomically(out_dir, {{"cohort.csv", cohort_csv_header(spec) + cohort_csv_rows(spec, rows, options.threads)},
                                     {"cohort_summary.txt", text}});
    fmt::print("wrote {}/cohort.csv and {}/cohort_summary.txt\n", out_dir, out_dir);
  }
  return 0;
}

}  // namespace

std::vector<Command> add_cohort_command(CLI::App& app, SharedOptions& shared, const Processes& processes) {
  auto o = std::make_shared<CohortCommandOptions>();
  auto* cohort = app.add_subcommand("cohort", "a sampled population of mothers: loads per subject and task, and a summary");
  cohort->add_option("file", o->file, "cohort YAML file")->required();
  cohort->add_option("-o,--output", shared.out_dir, "folder for cohort.csv and cohort_summary.txt");
  cohort->add_option("--threads", o->threads, "worker threads per process (default: all cores)")->check(CLI::Range(1, 256));
  cohort->add_flag("--resume", o->resume, "with -o: keep the chunks an interrupted run finished and run only the rest");
  add_solver_options(cohort, shared);
  return {{cohort, [&shared, o, &processes] { return run_cohort_command(shared, *o, processes); }}};
}

}  // namespace spineload::cli
