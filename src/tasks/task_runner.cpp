#include "tasks/task_runner.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "common/errors.hpp"
#include "io/yaml_util.hpp"
#include "loads/disc_loads.hpp"
#include "subject/timeline.hpp"
#include "posture/prediction.hpp"

namespace spineload {

TaskRun run_task(const std::string& id, const std::vector<std::string>& settings, const Subject* subject,
                 const RecruitmentOptions& options) {
  TaskRun run;
  const auto source = default_model_source();
  if (subject && !subject->stage) throw InputError(subject->file, 0, "stage", "a task needs the subject's stage and week");
  // A still posture needs no Simbody system (the static model gives the same loads, tested
  // in tests/model): build the full model only for a motion.
  auto make = [&](bool still_only) {
    if (subject) return build_subject_model(*source, *default_subject_data(), *subject, still_only);
    return still_only ? build_static_model(*source, default_height_m(*source), default_mass_kg(*source))
                      : build_model(*source, default_height_m(*source), default_mass_kg(*source));
  };
  // Her posture as `analyze` and `timeline` pose it (posture_at_stage): predicted postures
  // solved on her body, given ones adapted to her pregnant body.
  auto pose = [&] {
    return subject ? posture_at_stage(*run.model, run.task.posture, *default_subject_data(), *subject)
                   : resolve_prediction(*run.model, run.task.posture);
  };
  run.model = make(true);
  run.task = instantiate_task(*run.model, id, settings);
  Posture posture = pose();
  if (posture.is_time_series()) {
    run.model = make(false);
    run.task = instantiate_task(*run.model, id, settings);
    posture = pose();
  }
  Data data(*run.model);
  run.result = analyze_posture(*run.model, data, posture, options);
  if (subject) {
    run.result.subject = subject->name;
    run.result.stage = subject_state(*default_subject_data(), *subject).stage_label;
  }
  run.indices = ergonomic_indices(run.result, run.task.lift);
  run.extensor_demand = back_extensor_demand(*run.model, run.result);
  return run;
}

std::pair<std::string, std::vector<double>> parse_vary(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos) throw InputError("", 0, "--vary", "expected name=from:to:step, got '" + spec + "'");
  const std::string name = spec.substr(0, eq);
  std::vector<double> parts;
  std::string rest = spec.substr(eq + 1);
  for (std::size_t p = 0; p <= rest.size();) {
    const auto colon = rest.find(':', p);
    const std::string item = rest.substr(p, colon == std::string::npos ? std::string::npos : colon - p);
    try {
      parts.push_back(std::stod(item));
    } catch (const std::exception&) {
      throw InputError("", 0, "--vary", "not a number: '" + item + "'");
    }
    if (colon == std::string::npos) break;
    p = colon + 1;
  }
  if (parts.size() != 3 || !(parts[2] > 0) || parts[1] < parts[0])
    throw InputError("", 0, "--vary", "expected name=from:to:step with from <= to and step > 0");
  std::vector<double> values;
  // from + k step, not a running sum: no drift, so the last value is `to` when the steps reach it.
  const double tolerance = 1e-9 * std::max(1.0, std::abs(parts[1]));
  for (long k = 0;; ++k) {
    const double v = parts[0] + static_cast<double>(k) * parts[2];
    if (v > parts[1] + tolerance) break;
    if (values.size() == 200) throw InputError("", 0, "--vary", "more than 200 values");
    values.push_back(v);
  }
  return {name, values};
}

std::vector<TaskRun> run_sweep(const std::string& id, const std::string& parameter, const std::vector<double>& values,
                               const std::vector<std::string>& settings, const Subject* subject,
                               const RecruitmentOptions& options,
                               const std::function<void(std::size_t, std::size_t)>& progress) {
  std::vector<TaskRun> runs;
  for (double v : values) {
    std::vector<std::string> with = settings;
    with.push_back(fmt::format("{}={:g}", parameter, v));
    runs.push_back(run_task(id, with, subject, options));
    if (progress) progress(runs.size(), values.size());
  }
  return runs;
}

Posture timeline_posture(const Model& model, const std::string& posture, const std::string& task,
                         const std::vector<std::string>& settings) {
  if (!task.empty()) return instantiate_task(model, task, settings).posture;
  const std::string alias = posture == "standing" ? "standing_relaxed" : posture == "sitting" ? "sitting_upright" : posture;
  const auto names = builtin_posture_names();
  return std::find(names.begin(), names.end(), alias) != names.end() ? builtin_posture(model, alias)
                                                                     : load_posture_file(model, posture);
}

std::string format_compare(const std::string& id, const std::string& parameter, const std::vector<double>& values,
                           const std::vector<TaskRun>& runs) {
  std::string s = fmt::format("compare {} over {}:\n  {:>14} {:>10} {:>8} {:>8} {:>9} {:>10} {:>8}  {}\n", id, parameter,
                              parameter, "L5S1_N", "AL_%", "shear_N", "change_N", "extensor%", "LI", "muscles");
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const auto& e = runs[k].indices;
    const FrameResult& f = runs[k].result.frames.front();
    s += fmt::format("  {:>14g} {:>10.0f} {:>8.0f} {:>8.0f} {:>+9.0f} {:>10.0f} {:>8}  {}\n", values[k],
                     e.l5s1_compression_N, e.percent_of_action_limit, e.l5s1_shear_N,
                     e.l5s1_compression_N - runs.front().indices.l5s1_compression_N, 100 * runs[k].extensor_demand,
                     e.niosh ? fmt::format("{:.2f}", e.niosh->lifting_index) : std::string("-"),
                     f.status == RecruitmentStatus::ok ? "ok" : "BEYOND");
  }
  s += "  change_N: L5/S1 compression against the first value; extensor%: muscle extension moment / maximal, at the most loaded lumbar level\n";
  return s;
}

std::string compare_csv(const std::string& id, const std::string& parameter, const std::vector<double>& values,
                        const std::vector<TaskRun>& runs) {
  std::string s =
      "task,parameter,value,L5_S1_compression_N,percent_of_NIOSH_action_limit,L5_S1_shear_ap_N,change_N,extensor_demand,"
      "lifting_index,status\n";
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const auto& e = runs[k].indices;
    s += fmt::format("{},{},{:.17g},{:.4f},{:.4f},{:.4f},{:.4f},{:.6f},{},{}\n", id, parameter, values[k],
                     e.l5s1_compression_N, e.percent_of_action_limit, e.l5s1_shear_N,
                     e.l5s1_compression_N - runs.front().indices.l5s1_compression_N, runs[k].extensor_demand,
                     e.niosh ? fmt::format("{:.4f}", e.niosh->lifting_index) : std::string(),
                     beyond_muscle_capacity(runs[k].result) ? "beyond_muscle_capacity" : "ok");
  }
  return s;
}

DaySchedule parse_day_schedule(const std::string& text, const std::string& file) {
  const YAML::Node root = yaml::parse(text, file);
  yaml::check_keys(root, {"name", "day_start_h", "day_end_h", "tasks"}, file, "");
  DaySchedule d;
  d.name = root["name"] ? yaml::as_string(root["name"], file, "name") : "day";
  if (root["day_start_h"]) d.day_start_h = yaml::as_double(root["day_start_h"], file, "day_start_h");
  if (root["day_end_h"]) d.day_end_h = yaml::as_double(root["day_end_h"], file, "day_end_h");
  if (!(d.day_start_h >= 0 && d.day_end_h <= 24 && d.day_end_h > d.day_start_h))
    throw InputError(file, yaml::line_of(root), "day_end_h", "expected 0 <= day_start_h < day_end_h <= 24");
  d.file = file;
  const YAML::Node tasks = yaml::require(root, "tasks", file, "");
  if (!tasks.IsSequence() || tasks.size() == 0)
    throw InputError(file, yaml::line_of(tasks), "tasks", "expected a list of one or more tasks");
  std::vector<std::string> ids;
  for (const auto& t : task_library()) ids.push_back(t.id);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const YAML::Node t = tasks[i];
    const std::string ctx = "tasks[" + std::to_string(i) + "]";
    yaml::check_keys(t, {"task", "set", "count", "duration_s", "duration_min", "start_h", "interval_h"}, file, ctx);
    DayEntry e;
    e.task = yaml::as_string(yaml::require(t, "task", file, ctx), file, ctx + ".task");
    if (std::find(ids.begin(), ids.end(), e.task) == ids.end()) {
      std::string list;
      for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
      throw InputError(file, yaml::line_of(t["task"]), ctx + ".task", "unknown task '" + e.task + "'; the tasks are: " + list);
    }
    e.line = yaml::line_of(t);
    if (const YAML::Node set = t["set"]) {
      if (!set.IsMap()) throw InputError(file, yaml::line_of(set), ctx + ".set", "expected parameter: value pairs");
      const TaskSpec& spec = *std::find_if(task_library().begin(), task_library().end(),
                                           [&](const TaskSpec& s) { return s.id == e.task; });
      for (const auto& kv : set) {
        const std::string name = yaml::as_string(kv.first, file, ctx + ".set");
        const std::string field = ctx + ".set." + name;
        const std::string value = yaml::as_string(kv.second, file, field);
        try {
          check_task_setting(spec, name, value);
        } catch (const InputError& err) {
          throw InputError(file, yaml::line_of(kv.second), field, err.message());
        }
        e.settings.push_back(name + "=" + value);
      }
    }
    if (t["count"]) e.count = static_cast<int>(yaml::as_whole(t["count"], file, ctx + ".count", 1, 1000));
    if (t["duration_s"]) e.duration_s = yaml::as_double(t["duration_s"], file, ctx + ".duration_s");
    if (t["duration_min"]) e.duration_s = 60 * yaml::as_double(t["duration_min"], file, ctx + ".duration_min");
    e.start_h = t["start_h"] ? yaml::as_double(t["start_h"], file, ctx + ".start_h") : d.day_start_h;
    e.interval_h = t["interval_h"] ? yaml::as_double(t["interval_h"], file, ctx + ".interval_h")
                                   : (d.day_end_h - e.start_h) / std::max(1, e.count);
    if (e.count < 1 || e.count > 1000) throw InputError(file, yaml::line_of(t), ctx + ".count", "expected 1 to 1000");
    if (!(e.duration_s > 0 && e.duration_s <= 4 * 3600))
      throw InputError(file, yaml::line_of(t), ctx + ".duration_s", "expected more than 0 s and at most 4 h per occurrence");
    if (e.start_h < d.day_start_h || e.start_h + (e.count - 1) * e.interval_h > d.day_end_h + 1e-9)
      throw InputError(file, yaml::line_of(t), ctx + ".start_h", "occurrences fall outside the day");
    d.entries.push_back(e);
  }
  return d;
}

DaySchedule load_day_schedule(const std::string& path) {
  return parse_day_schedule(yaml::read_text_file(path), path);
}

DayResult run_day(const DaySchedule& schedule, const Subject* subject, const RecruitmentOptions& options,
                  const std::function<void(std::size_t, std::size_t)>& progress) {
  DayResult day;
  struct Occurrence {
    double start_s, duration_s;
    std::size_t entry;
  };
  std::vector<Occurrence> occ;
  for (std::size_t i = 0; i < schedule.entries.size(); ++i) {
    const DayEntry& e = schedule.entries[i];
    TaskRun run;
    try {
      run = run_task(e.task, e.settings, subject, options);
    } catch (const InputError& err) {
      // A task that cannot be posed (a target out of reach) is the day file's entry.
      if (!err.file().empty()) throw;
      throw InputError(schedule.file, e.line, "tasks[" + std::to_string(i) + "] " + err.field(), err.message());
    }
    DayTaskSummary s;
    s.task = e.task;
    for (const auto& st : e.settings) s.task += " " + st;
    s.count = e.count;
    s.duration_s = e.duration_s;
    s.peak_l5s1_N = run.indices.l5s1_compression_N;
    s.extensor_demand = run.extensor_demand;
    s.cumulative_load_MNs = run.indices.l5s1_compression_N * e.duration_s * e.count / 1e6;
    s.damage = e.count * run.indices.damage_per_cycle;
    day.damage += s.damage;
    s.indices = run.indices;
    s.status = run.result.frames.front().status == RecruitmentStatus::ok ? "ok" : "BEYOND";
    day.cumulative_load_MNs += s.cumulative_load_MNs;
    day.tasks.push_back(s);
    for (int k = 0; k < e.count; ++k) occ.push_back({3600 * (e.start_h + k * e.interval_h), e.duration_s, i});
    if (progress) progress(i + 1, schedule.entries.size());
  }
  std::sort(occ.begin(), occ.end(), [](const Occurrence& a, const Occurrence& b) {
    return a.start_s < b.start_s || (a.start_s == b.start_s && a.entry < b.entry);
  });
  // Fatigue through the day: each occurrence holds its extensor demand, rest between; tasks
  // that overlap run one after the other.
  const FatigueParameters p = trunk_fatigue_parameters();
  FatigueState st;
  const double begin = 3600 * schedule.day_start_h, end = 3600 * schedule.day_end_h;
  for (double h = schedule.day_start_h; h < schedule.day_end_h - 1e-9; h += 1) day.hours.push_back({h, 1.0, 0.0});
  double t = begin;
  // Advances to `until` holding `load`, in steps of at most a minute, keeping each hour's
  // lowest capacity.
  auto advance = [&](double until, double load) {
    while (t < until - 1e-9) {
      const double step = std::min(until - t, 60.0);
      step_fatigue(p, st, load, step);
      const bool failed = load > 0 && task_failed(st, load);
      t += step;
      if (failed) {
        day.task_failure = true;
        day.failure_s += step;
      }
      const std::size_t hour = std::min(day.hours.size() - 1, static_cast<std::size_t>((t - 1e-9 - begin) / 3600));
      day.hours[hour].capacity = std::min(day.hours[hour].capacity, st.capacity());
      day.hours[hour].fatigued = std::max(day.hours[hour].fatigued, st.fatigued);
      if (st.capacity() < day.lowest_capacity) {
        day.lowest_capacity = st.capacity();
        day.lowest_capacity_hour = t / 3600;
      }
    }
  };
  for (const auto& o : occ) {
    advance(std::max(t, o.start_s), 0.0);
    advance(t + o.duration_s, std::min(1.0, day.tasks[o.entry].extensor_demand));
  }
  advance(std::max(t, end), 0.0);
  std::vector<const DayTaskSummary*> order;
  for (const auto& s : day.tasks) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->cumulative_load_MNs > b->cumulative_load_MNs; });
  for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k) day.top_contributors.push_back(order[k]->task);
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->damage > b->damage; });
  for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k) day.top_damage.push_back(order[k]->task);
  return day;
}

std::string format_day(const DaySchedule& schedule, const DayResult& day, const Subject* subject) {
  std::string s = fmt::format("day '{}'{}\n", schedule.name,
                              subject ? fmt::format(" for {} ({})", subject->name,
                                                    subject_state(*default_subject_data(), *subject).stage_label)
                                      : std::string(" for the default woman"));
  s += fmt::format("  {:<44} {:>5} {:>9} {:>8} {:>10} {:>9} {:>6}  {}\n", "task", "count", "each_s", "L5S1_N",
                   "extensor%", "load_MNs", "LI", "muscles");
  for (const auto& t : day.tasks)
    s += fmt::format("  {:<44} {:>5} {:>9.0f} {:>8.0f} {:>10.0f} {:>9.2f} {:>6}  {}\n", t.task, t.count, t.duration_s,
                     t.peak_l5s1_N, 100 * t.extensor_demand, t.cumulative_load_MNs,
                     t.indices.niosh ? fmt::format("{:.2f}", t.indices.niosh->lifting_index) : std::string("-"), t.status);
  s += fmt::format("  cumulative L5/S1 load over the day: {:.2f} MN s; most from: ", day.cumulative_load_MNs);
  for (std::size_t k = 0; k < day.top_contributors.size(); ++k) s += (k ? ", " : "") + day.top_contributors[k];
  s += fmt::format("\n  fatigue damage of the lumbar spine over the day (Miner's sum, cadaveric S-N curve, no healing): "
                   "{:.2g}; most from: ",
                   day.damage);
  for (std::size_t k = 0; k < day.top_damage.size(); ++k) {
    const auto it = std::find_if(day.tasks.begin(), day.tasks.end(), [&](const auto& t) { return t.task == day.top_damage[k]; });
    s += fmt::format("{}{} ({:.0f}%)", k ? ", " : "", day.top_damage[k], day.damage > 0 ? 100 * it->damage / day.damage : 0.0);
  }
  s += "\n  back-extensor capacity left, lowest in each hour (fraction of fresh maximum, three-compartment model):\n  ";
  for (const auto& h : day.hours) s += fmt::format(" {:02.0f}h {:.2f}", std::floor(h.hour), h.capacity);
  s += fmt::format("\n  lowest {:.3f} at {:.1f} h{}\n", day.lowest_capacity, day.lowest_capacity_hour,
                   day.task_failure ? "; a task asked more than the capacity left (task failure)" : "");
  return s;
}

std::string day_csv(const DayResult& day) {
  std::string s = "hour,extensor_capacity,fatigued_fraction\n";
  for (const auto& h : day.hours) s += fmt::format("{:.4f},{:.6f},{:.6f}\n", h.hour, h.capacity, h.fatigued);
  return s;
}

std::string day_tasks_csv(const DayResult& day) {
  std::string s =
      "task,count,each_s,peak_L5_S1_compression_N,extensor_demand,cumulative_load_MNs,L5_S1_fraction_of_strength,"
      "fatigue_damage,lifting_index,status\n";
  for (const auto& t : day.tasks)
    s += fmt::format("\"{}\",{},{:.3f},{:.4f},{:.6f},{:.6f},{:.6f},{:.6e},{},{}\n", t.task, t.count, t.duration_s,
                     t.peak_l5s1_N, t.extensor_demand, t.cumulative_load_MNs, t.indices.l5s1_fraction_of_strength, t.damage,
                     t.indices.niosh ? fmt::format("{:.6f}", t.indices.niosh->lifting_index) : std::string(""), t.status);
  return s;
}

}  // namespace spineload
