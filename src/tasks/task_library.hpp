// Stage tasks, library: named baby-care tasks with documented parameters (units, defaults,
// ranges; data/tasks/library.yaml) turned into a posture with its loads, plus the lift
// geometry for the NIOSH equation when the task is a lift; and the ergonomic indices of a
// result (L5/S1 compression against 3400 and 6400 N, shear against 700 and 1000 N, NIOSH).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analyze.hpp"
#include "tasks/gait.hpp"
#include "tasks/lifting_equation.hpp"

namespace spineload {

struct TaskParameter {
  std::string name, unit, doc;
  double default_value = 0, min = 0, max = 0;
  std::vector<std::string> choices;  // a categorical parameter when not empty
  std::string default_choice;
};

struct TaskSpec {
  std::string id, description, source;
  bool lift = false;
  std::vector<TaskParameter> parameters;  // the task's own, then the common ones
};

const std::vector<TaskSpec>& task_library();

// Checks one setting of `task` (InputError with field "--set <name>" when the name is unknown,
// `value` absent, not one of the choices, not a number or outside the range); returns the
// number (0 for a choice). Day files and the CLI check settings alike.
double check_task_setting(const TaskSpec& task, const std::string& name, const std::optional<std::string>& value);

struct TaskInstance {
  const TaskSpec* spec = nullptr;
  std::map<std::string, std::string> values;  // every parameter, as given or defaulted
  double infant_mass_kg = 0;
  Posture posture;                            // may carry a prediction request
  std::optional<LiftGeometry> lift;
  std::optional<GaitParameters> gait;         // a walking task: its stride
};

// The task called `id` (InputError with field "--task" listing the tasks when none is).
const TaskSpec& find_task(const std::string& id);
// Checks "name=value" settings of task `id` as instantiate_task does, without posing it.
void check_task_settings(const std::string& id, const std::vector<std::string>& settings);

// `settings` are "name=value" strings. Throws InputError naming the task or parameter and
// listing the valid ones.
TaskInstance instantiate_task(const Model& model, const std::string& id, const std::vector<std::string>& settings);

struct ErgonomicIndices {
  double l5s1_compression_N = 0, percent_of_action_limit = 0, percent_of_maximum_permissible = 0;
  double l5s1_shear_N = 0, percent_of_repeated_shear_limit = 0, percent_of_occasional_shear_limit = 0;
  // Fatigue failure (capacity/fatigue_failure.hpp): the peak compression as a fraction of her
  // L5/S1 strength, and the share of the fatigue life one such loading uses.
  double l5s1_fraction_of_strength = 0, damage_per_cycle = 0;
  std::optional<LiftingIndex> niosh;
};

inline constexpr double kMaximumPermissibleLimit_N = 6400;  // NIOSH, via 3DSSPP
inline constexpr double kRepeatedShearLimit_N = 700;        // Gallagher & Marras 2012 [U]
inline constexpr double kOccasionalShearLimit_N = 1000;     // Gallagher & Marras 2012 [U]; Arjmand 2015 [V]

ErgonomicIndices ergonomic_indices(const PostureResult& result, const std::optional<LiftGeometry>& lift);
std::string format_task_list();
std::string format_indices(const TaskInstance& task, const ErgonomicIndices& indices);
// The indices and the task's parameters as files: `<task>_indices.csv` (metric, value, unit)
// and, when `json`, `<task>_indices.json`.
std::vector<std::pair<std::string, std::string>> render_indices(const TaskInstance& task, const ErgonomicIndices& e,
                                                                bool json);

}  // namespace spineload
