// Stage tasks, running them: one task on her model (with prediction), a what-if sweep of one
// parameter (`compare`), and a whole day of tasks with back-extensor fatigue (`day`).
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capacity/fatigue.hpp"
#include "subject/subject.hpp"
#include "tasks/task_library.hpp"

namespace spineload {

struct TaskRun {
  std::shared_ptr<const Model> model;
  TaskInstance task;
  PostureResult result;
  ErgonomicIndices indices;
  double extensor_demand = 0;  // share of maximal lumbar extension the muscles give (peak level and frame)
};


// Runs a task on the default woman, or on `subject` at her stage when given.
TaskRun run_task(const std::string& id, const std::vector<std::string>& settings, const Subject* subject,
                 const RecruitmentOptions& options);

// "table_height_cm=70:100:5" -> the values 70, 75, ..., 100 (InputError on a bad spec).
std::pair<std::string, std::vector<double>> parse_vary(const std::string& spec);

// A compare sweep: task `id` run at each of `values` of `parameter` (set as "name=value" with
// %g, as the command line writes it), `settings` as given for the rest; `progress(done,
// total)` after each run when given.
std::vector<TaskRun> run_sweep(const std::string& id, const std::string& parameter, const std::vector<double>& values,
                               const std::vector<std::string>& settings, const Subject* subject,
                               const RecruitmentOptions& options,
                               const std::function<void(std::size_t, std::size_t)>& progress = {});

// The posture a timeline runs: task `task` of the library posed on `model` when given (with
// its "name=value" `settings`), else a built-in posture ("standing" and "sitting" name
// standing_relaxed and sitting_upright) or, failing that, a posture file.
Posture timeline_posture(const Model& model, const std::string& posture, const std::string& task,
                         const std::vector<std::string>& settings);

std::string format_compare(const std::string& id, const std::string& parameter, const std::vector<double>& values,
                           const std::vector<TaskRun>& runs);
// The same sweep as CSV (compare -o): one row per value, the columns `spineload report` reads.
std::string compare_csv(const std::string& id, const std::string& parameter, const std::vector<double>& values,
                        const std::vector<TaskRun>& runs);

// --- a day ---------------------------------------------------------------------------------

struct DayEntry {
  std::string task;
  std::vector<std::string> settings;
  int count = 1;
  double duration_s = 10;       // each occurrence
  double start_h = 8;           // first occurrence, hours after midnight
  double interval_h = 1;        // between occurrences
  int line = 0;                 // in the day file
};

struct DaySchedule {
  std::string name;
  std::string file;             // the day file, for errors found when its tasks run
  double day_start_h = 6, day_end_h = 22;
  std::vector<DayEntry> entries;
};

DaySchedule load_day_schedule(const std::string& path);
DaySchedule parse_day_schedule(const std::string& text, const std::string& file);

struct DayTaskSummary {
  std::string task;
  int count = 0;
  double duration_s = 0;            // each
  double peak_l5s1_N = 0;
  double extensor_demand = 0;       // fraction of MVC while doing it
  double cumulative_load_MNs = 0;   // L5/S1 compression x time, over the day (MN s)
  double damage = 0;                // Miner's fatigue damage over the day, one cycle per occurrence
  ErgonomicIndices indices;
  std::string status;
};

struct DayHour {
  double hour = 0;                  // the hour starting here
  double capacity = 1;              // lowest remaining capacity of the back extensors in it
  double fatigued = 0;              // highest fatigued fraction in it
};

struct DayResult {
  std::vector<DayTaskSummary> tasks;
  std::vector<DayHour> hours;
  double lowest_capacity = 1, lowest_capacity_hour = 0;
  double cumulative_load_MNs = 0;
  std::vector<std::string> top_contributors;  // three tasks with most cumulative load
  double damage = 0;                          // Miner's fatigue damage of the lumbar spine
  std::vector<std::string> top_damage;        // three tasks with most of it
  bool task_failure = false;        // a task demanded more than the capacity left
  double failure_s = 0;             // how long tasks demanded more than was left (steps of at most a minute)
};

// `progress(done, total)` is called after each task's analysis when given.
DayResult run_day(const DaySchedule& schedule, const Subject* subject, const RecruitmentOptions& options,
                  const std::function<void(std::size_t, std::size_t)>& progress = {});
std::string format_day(const DaySchedule& schedule, const DayResult& day, const Subject* subject);
std::string day_csv(const DayResult& day);        // capacity hour by hour
std::string day_tasks_csv(const DayResult& day);  // per task

}  // namespace spineload
