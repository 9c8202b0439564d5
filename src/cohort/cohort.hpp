// Stage cohort: a population question over many virtual mothers. Takes a cohort file (how
// many, a seed, the distributions of who they are and when, the tasks and their what-if
// variants); gives one row per subject and task (or variant) from the full engine (her
// scaled and adjusted model, the task's posture predicted on it, static optimisation, disc
// loads, capacity) and a summary (percentiles, shares over the NIOSH limits, beyond muscle
// capacity, what-if differences). Subjects are independent and sampled from their own
// random streams, so the rows are the same whatever the number of threads.
#pragma once
#include <array>
#include <functional>
#include <string>
#include <vector>

#include "cohort/sampling.hpp"
#include "recruitment/recruitment.hpp"
#include "subject/subject.hpp"

namespace spineload {

struct CohortTask {
  std::string name;  // the task id, or the variant's name
  std::string task;  // task id in the library
  std::vector<std::pair<std::string, Distribution>> settings;  // task parameters, fixed or sampled
  std::string base;  // a variant: the name of the task it is compared with; "" for a task
};

struct CohortSpec {
  std::string file, name;
  std::string text;  // the cohort file as read: a resumed run's chunks must come from the same one
  long n = 0;
  std::uint64_t seed = 1;
  int chunk = 1000;  // subjects per unit of work (and of resumable progress)
  // Who and when.
  Distribution height_m, mass_kg, age_years, stage, week, breastfeeding, lumbar_bmd, trunk_strength, delivery;
  double height_mass_correlation = 0;
  Distribution infant_age_months, infant_sex, infant_percentile;
  std::vector<CohortTask> tasks;  // tasks first, then variants
};

CohortSpec parse_cohort_text(const std::string& text, const std::string& file);
CohortSpec load_cohort_file(const std::string& path);

// One sampled subject: her Subject record and the infant.
struct CohortSubject {
  long index = 0;
  Subject subject;
  double infant_age_months = 0, infant_percentile = 50;
  std::string infant_sex = "girl";
  // Each task's settings ("name=value"), sampled for her.
  std::vector<std::vector<std::string>> task_settings;
};
CohortSubject sample_cohort_subject(const CohortSpec& spec, long index);

struct CohortRow {
  long subject = 0;
  int task = 0;               // index into spec.tasks
  std::string status;         // ok, beyond (muscle capacity), failed
  std::string reason;         // why it failed or what was beyond capacity
  double l5s1_compression_N = 0, l5s1_shear_ap_N = 0, l5s1_shear_lateral_N = 0, l5s1_risk = 0;
  double max_risk = 0;
  std::string max_risk_level;
  double extensor_demand = 0;
  double infant_mass_kg = 0;
};

struct CohortOptions {
  int threads = 1;
  RecruitmentOptions recruitment;
  long first = 0, last = -1;  // subjects [first, last); -1: to n
  int rank = 0, ranks = 1;    // chunk c is run by the process with rank c mod ranks
  // When set, every finished chunk is kept there (chunk_<c>.rows, written atomically) and a
  // chunk already there is read instead of run again: an interrupted run resumes.
  std::string work_dir;
};

// Readies `work_dir` for a run identified by `key` (the cohort file's text, the solver and
// the version: whatever changes the rows). Without `resume` it starts empty; with it, the
// chunks there are kept only if an earlier run with the same key wrote them, otherwise an
// InputError naming `cohort_file` (mixing rows of two cohorts would be silent and wrong).
// `write`: this process creates the folder and records the key (rank 0).
void prepare_chunk_folder(const std::string& work_dir, const std::string& key, bool resume,
                          const std::string& cohort_file, bool write);

// Runs this process's chunks of subjects [first, last); rows by subject then task.
// `progress(done, total)` is called from the calling thread as subjects finish.
std::vector<CohortRow> run_cohort(const CohortSpec& spec, const CohortOptions& options,
                                  const std::function<void(long, long)>& progress = {});

// Rows as text (one per line, every number in the shortest form that reads back as the same
// double) and back: chunk files and the gathering of ranks use it, so a resumed or
// distributed run loses nothing. A damaged row is an InputError naming the file and line.
std::string serialize_rows(const std::vector<CohortRow>& rows);
std::vector<CohortRow> parse_rows(const std::string& text, const std::string& file);
// Rows by subject then task (after gathering from several processes).
void sort_rows(std::vector<CohortRow>& rows);

// The per-subject-task table (header documented in docs/cohort.md).
std::string cohort_csv_header(const CohortSpec& spec);
std::string cohort_csv_rows(const CohortSpec& spec, const std::vector<CohortRow>& rows, int threads = 1);

// Percentiles (5, 25, 50, 75, 95) per task of L5/S1 compression, shears and factor of
// risk; shares over 3400 N and 6400 N; share beyond capacity; failures; what-ifs.
struct CohortTaskSummary {
  std::string name;
  long ok = 0, beyond = 0, failed = 0;
  std::array<double, 5> compression_N{}, shear_ap_N{}, shear_lateral_N{}, risk{};
  double share_over_action_limit = 0, share_over_maximum_permissible = 0, share_beyond_capacity = 0;
  // Variants: paired against their base task, subject by subject.
  std::string base;
  double mean_change_N = 0, share_over_action_limit_base = 0;
};
std::vector<CohortTaskSummary> summarize_cohort(const CohortSpec& spec, const std::vector<CohortRow>& rows);
std::string format_cohort_summary(const CohortSpec& spec, const std::vector<CohortTaskSummary>& summary);

}  // namespace spineload
