#include "serve/api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "claims/claims.hpp"
#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "output/results.hpp"
#include "loads/disc_loads.hpp"
#include "muscles/muscle_geometry.hpp"
#include "subject/subject.hpp"
#include "tasks/task_runner.hpp"

namespace spineload::serve {

namespace {

using nlohmann::json;

// A request the client got wrong: a 400 naming the field.
struct BadRequest {
  std::string field, message;
};

// The fields an endpoint reads; any other is refused, naming it (a misspelt field would
// otherwise be silently ignored).
void only_fields(const json& body, std::initializer_list<const char*> allowed, const std::string& prefix = "") {
  for (const auto& item : body.items())
    if (const std::string& key = item.key();
        std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }))
      throw BadRequest{prefix + key, "unknown field"};
}

// Invalid UTF-8 (echoed from a request) is replaced rather than thrown on.
ApiResponse reply(int status, const json& j) { return {status, j.dump(-1, ' ', false, json::error_handler_t::replace)}; }

const json& member(const json& body, const char* name) {
  static const json null_value;
  const auto it = body.find(name);
  return it == body.end() ? null_value : *it;
}

// A day schedule's fields and their JSON types, checked before its YAML parser (which would
// take "6" for 6) reads it.
void check_schedule(const json& schedule) {
  only_fields(schedule, {"name", "day_start_h", "day_end_h", "tasks"}, "schedule.");
  if (schedule.contains("name") && !schedule["name"].is_string()) throw BadRequest{"schedule.name", "must be a string"};
  for (const char* k : {"day_start_h", "day_end_h"})
    if (schedule.contains(k) && !schedule[k].is_number()) throw BadRequest{std::string("schedule.") + k, "must be a number"};
  const json& tasks = member(schedule, "tasks");
  if (!tasks.is_array() || tasks.empty()) throw BadRequest{"schedule.tasks", "must be a list of one or more tasks"};
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const std::string at = "schedule.tasks[" + std::to_string(i) + "]";
    const json& t = tasks[i];
    if (!t.is_object()) throw BadRequest{at, "must be an object"};
    only_fields(t, {"task", "set", "count", "duration_s", "duration_min", "start_h", "interval_h"}, at + ".");
    if (!member(t, "task").is_string()) throw BadRequest{at + ".task", "must be a string"};
    if (t.contains("set") && !t["set"].is_object()) throw BadRequest{at + ".set", "must be an object of parameter values"};
    for (const char* k : {"count", "duration_s", "duration_min", "start_h", "interval_h"})
      if (t.contains(k) && !t[k].is_number()) throw BadRequest{at + "." + k, "must be a number"};
  }
}

std::string required_string(const json& body, const char* name) {
  const json& v = member(body, name);
  if (!v.is_string()) throw BadRequest{name, v.is_null() ? "required" : "must be a string"};
  const std::string s = v.get<std::string>();
  if (s.empty() || s.size() > 200) throw BadRequest{name, "must be 1 to 200 characters"};
  return s;
}

double number_in(const json& body, const char* name, double fallback, double lo, double hi) {
  const json& v = member(body, name);
  if (v.is_null()) return fallback;
  if (!v.is_number()) throw BadRequest{name, "must be a number"};
  const double x = v.get<double>();
  if (!(x >= lo && x <= hi)) throw BadRequest{name, fmt::format("must be between {} and {}", lo, hi)};
  return x;
}

// The subject object, read by the subject file's own parser (YAML reads JSON), so the API
// accepts and checks exactly what a subject file does.
std::optional<Subject> read_subject(const json& body) {
  const json& v = member(body, "subject");
  if (v.is_null()) return std::nullopt;
  if (!v.is_object()) throw BadRequest{"subject", "must be an object (the fields of a subject file)"};
  return parse_subject_text(v.dump(), "request.subject");
}

// Task settings {"name": value} as the "name=value" strings of the command line.
std::vector<std::string> read_settings(const json& body) {
  const json& v = member(body, "settings");
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (!v.is_object()) throw BadRequest{"settings", "must be an object of parameter values"};
  if (v.size() > 32) throw BadRequest{"settings", "at most 32 parameters"};
  for (const auto& [name, value] : v.items()) {
    if (value.is_number()) {
      const double x = value.get<double>();
      if (!std::isfinite(x)) throw BadRequest{"settings." + name, "must be finite"};
      out.push_back(fmt::format("{}={:.17g}", name, x));
    } else if (value.is_string()) {
      out.push_back(name + "=" + value.get<std::string>());
    } else if (value.is_boolean()) {
      out.push_back(name + "=" + (value.get<bool>() ? "yes" : "no"));
    } else {
      throw BadRequest{"settings." + name, "must be a number, a string or a boolean"};
    }
  }
  return out;
}

json vec(const Eigen::Vector3d& v) { return json::array({v.x(), v.y(), v.z()}); }

// Where everything is at the peak frame, for the 3D view: body origins, joint centres of
// the spinal levels, each muscle's path with its activation, what she holds, the centre of
// mass and the support points (ground frame, metres, Y up).
json geometry(const Model& model, const PostureResult& r, std::size_t k, const std::vector<ExternalLoad>& held) {
  const FrameResult& f = r.frames[k];
  Data data(model);
  forward_kinematics(model, data, f.q_rad, Eigen::VectorXd::Zero(f.q_rad.size()));
  muscle_geometry(model, data);
  json bodies = json::array();
  for (std::size_t b = 0; b < model.bodies.size(); ++b) {
    const int parent = model.joints[b].parent_body;
    bodies.push_back({{"name", model.bodies[b].name},
                      {"origin_m", vec(data.pose[b].translation())},
                      {"parent", parent >= 0 ? json(model.bodies[parent].name) : json(nullptr)},
                      {"com_m", vec(data.pose[b] * model.bodies[b].com_m)}});
  }
  json levels = json::array();
  for (std::size_t i = 0; i < model.spinal_joints.size(); ++i) {
    const int j = model.spinal_joints[i];
    levels.push_back({{"level", model.joints[j].name},
                      {"centre_m", vec(data.pose[model.joints[j].child_body].translation())},
                      {"compression_N", f.disc[i].compression_N},
                      {"factor_of_risk", f.disc[i].factor_of_risk}});
  }
  json muscles = json::array();
  for (std::size_t m = 0; m < model.muscles.size(); ++m) {
    json path = json::array();
    for (const auto& p : data.path_m[m]) path.push_back(vec(p));
    muscles.push_back({{"name", model.muscles[m].name}, {"activation", f.activation[m]}, {"path_m", path}});
  }
  json loads = json::array();
  for (const ExternalLoad& l : held)
    loads.push_back({{"label", l.label},
                     {"point_m", vec(l.body < 0 ? l.point_m : Eigen::Vector3d(data.pose[l.body] * l.point_m))},
                     {"force_N", vec(l.force_N)}});
  json support = json::array();
  for (const PathPoint& p : model.support_points(f.support))
    support.push_back(vec(p.body < 0 ? p.location_m : Eigen::Vector3d(data.pose[p.body] * p.location_m)));
  return {{"bodies", bodies}, {"levels", levels}, {"muscles", muscles}, {"loads", loads}, {"support_m", support},
          {"com_m", vec(f.balance.com_m)}, {"com_over_support", f.balance.com_over_support}};
}

json task_summary(const TaskRun& run) {
  const PostureResult& r = run.result;
  const FrameResult& f = r.frames[peak_l5s1_frame(r)];
  const DiscLoad& l5 = f.disc.front();
  return {{"L5_S1_compression_N", l5.compression_N},
          {"L5_S1_shear_ap_N", l5.shear_ap_N},
          {"L5_S1_factor_of_risk", l5.factor_of_risk},
          {"percent_of_NIOSH_action_limit", 100 * l5.compression_N / kNioshActionLimit_N},
          {"beyond_muscle_capacity", beyond_muscle_capacity(r)},
          {"extensor_demand", run.extensor_demand},
          {"infant_mass_kg", run.task.infant_mass_kg},
          {"prediction_limits", r.prediction_limits},
          {"status", status_name(f.status)}};
}

ApiResponse checked(const std::string& task, const std::vector<std::string>& settings) {
  check_task_settings(task, settings);
  return reply(200, {{"valid", true}});
}

ApiResponse tasks() {
  json list = json::array();
  for (const TaskSpec& t : task_library()) {
    json params = json::array();
    for (const TaskParameter& p : t.parameters) {
      json pj = {{"name", p.name}, {"unit", p.unit}, {"doc", p.doc}};
      if (p.choices.empty()) {
        pj["default"] = p.default_value;
        pj["min"] = p.min;
        pj["max"] = p.max;
      } else {
        pj["choices"] = p.choices;
        pj["default"] = p.default_choice;
      }
      params.push_back(pj);
    }
    list.push_back({{"id", t.id}, {"description", t.description}, {"source", t.source}, {"lift", t.lift},
                    {"parameters", params}});
  }
  return reply(200, {{"notice", kMechanicsNotice}, {"tasks", list}});
}

ApiResponse analyze(const json& body, bool run) {
  only_fields(body, {"task", "subject", "settings"});
  const std::string task = required_string(body, "task");
  const auto subject = read_subject(body);
  const auto settings = read_settings(body);
  if (!run) return checked(task, settings);
  const TaskRun result = run_task(task, settings, subject ? &*subject : nullptr, {});
  json j = results_json(*result.model, result.result);
  const std::size_t peak = peak_l5s1_frame(result.result);
  // Only the peak frame's details (a lift has dozens of frames), with its geometry.
  j["frames"] = json::array({j["frames"][peak]});
  j["peak_time_s"] = result.result.frames[peak].time_s;
  j["frame_count"] = result.result.frames.size();
  j["task"] = {{"id", task}, {"values", result.task.values}};
  j["summary"] = task_summary(result);
  j["geometry"] = geometry(*result.model, result.result, peak, result.task.posture.loads);
  return reply(200, j);
}

ApiResponse timeline(const json& body, bool run) {
  only_fields(body, {"task", "subject", "settings", "step_weeks"});
  const std::string task = required_string(body, "task");
  Subject subject = read_subject(body).value_or(Subject{});
  const auto settings = read_settings(body);
  const double step = number_in(body, "step_weeks", 4, 1, 52);
  std::vector<std::pair<Stage, double>> points;
  for (double w = 0; w <= subject.delivery_week + 1e-9; w += step) points.emplace_back(Stage::pregnant, w);
  for (double w = 0; w <= 52 + 1e-9; w += step) points.emplace_back(Stage::postpartum, w);
  if (static_cast<int>(points.size()) > kMaxTimelinePoints)
    throw BadRequest{"step_weeks", fmt::format("gives {} stages; at most {}", points.size(), kMaxTimelinePoints)};
  if (!run) return checked(task, settings);
  json rows = json::array();
  for (const auto& [stage, week] : points) {
    const Subject at = at_stage(subject, stage, week);
    const TaskRun done = run_task(task, settings, &at, {});
    json row = task_summary(done);
    row["stage"] = stage == Stage::pregnant ? "pregnant" : "postpartum";
    row["week"] = week;
    row["mass_kg"] = done.model->mass_kg;
    rows.push_back(row);
  }
  return reply(200, {{"notice", kMechanicsNotice}, {"task", task}, {"points", rows},
                     {"units", {{"force", "N"}, {"mass", "kg"}, {"time", "weeks"}}}});
}

ApiResponse compare(const json& body, bool run) {
  only_fields(body, {"task", "subject", "settings", "vary"});
  const std::string task = required_string(body, "task");
  const auto subject = read_subject(body);
  const auto settings = read_settings(body);
  const json& vary = member(body, "vary");
  if (!vary.is_object()) throw BadRequest{"vary", "required: {name, from, to, step}"};
  only_fields(vary, {"name", "from", "to", "step"}, "vary.");
  const std::string name = required_string(vary, "name");
  const double from = number_in(vary, "from", NAN, -1e6, 1e6), to = number_in(vary, "to", NAN, -1e6, 1e6);
  const double step = number_in(vary, "step", NAN, 1e-9, 1e6);
  if (!(to >= from)) throw BadRequest{"vary.to", "must not be below vary.from"};
  if ((to - from) / step + 1 > kMaxSweepPoints + 1e-9)
    throw BadRequest{"vary.step", fmt::format("gives more than {} values", kMaxSweepPoints)};
  const auto [parameter, values] = parse_vary(fmt::format("{}={:.17g}:{:.17g}:{:.17g}", name, from, to, step));
  if (!run) {
    auto s = settings;
    for (double v : values) s.push_back(fmt::format("{}={:.17g}", parameter, v));
    return checked(task, s);
  }
  json rows = json::array();
  for (double v : values) {
    auto s = settings;
    s.push_back(fmt::format("{}={:.17g}", parameter, v));
    const TaskRun done = run_task(task, s, subject ? &*subject : nullptr, {});
    json row = task_summary(done);
    row["value"] = v;
    rows.push_back(row);
  }
  return reply(200, {{"notice", kMechanicsNotice}, {"task", task}, {"parameter", parameter}, {"points", rows}});
}

ApiResponse day(const json& body, bool run) {
  only_fields(body, {"subject", "schedule"});
  const auto subject = read_subject(body);
  const json& schedule = member(body, "schedule");
  if (!schedule.is_object()) throw BadRequest{"schedule", "required: the day's schedule as an object"};
  check_schedule(schedule);
  const DaySchedule s = parse_day_schedule(schedule.dump(), "request.schedule");
  if (static_cast<int>(s.entries.size()) > kMaxDayEntries)
    throw BadRequest{"schedule.tasks", fmt::format("at most {} tasks", kMaxDayEntries)};
  for (const DayEntry& e : s.entries)
    if (e.count > kMaxDayOccurrences)
      throw BadRequest{"schedule.tasks." + e.task + ".count", fmt::format("at most {} a day", kMaxDayOccurrences)};
  if (!run) return reply(200, {{"valid", true}});  // parse_day_schedule checked its tasks and settings
  const DayResult r = run_day(s, subject ? &*subject : nullptr, {});
  json tasks = json::array();
  for (const DayTaskSummary& t : r.tasks)
    tasks.push_back({{"task", t.task}, {"count", t.count}, {"duration_s", t.duration_s}, {"peak_L5_S1_N", t.peak_l5s1_N},
                     {"extensor_demand", t.extensor_demand}, {"cumulative_load_MNs", t.cumulative_load_MNs},
                     {"damage", t.damage}, {"status", t.status}});
  json hours = json::array();
  for (const DayHour& h : r.hours) hours.push_back({{"hour", h.hour}, {"capacity", h.capacity}, {"fatigued", h.fatigued}});
  return reply(200, {{"notice", kMechanicsNotice},
                     {"tasks", tasks},
                     {"hours", hours},
                     {"lowest_capacity", r.lowest_capacity},
                     {"lowest_capacity_hour", r.lowest_capacity_hour},
                     {"cumulative_load_MNs", r.cumulative_load_MNs},
                     {"damage", r.damage},
                     {"units", {{"load", "MN s"}, {"force", "N"}, {"capacity", "fraction of rested"}}}});
}

// The claims report for her (each experiment sets its own stages): every claim with its
// experiment, figures, verdict and limits, as `spineload claims` prints them.
ApiResponse claims(const json& body, bool run) {
  only_fields(body, {"subject"});
  const auto subject = read_subject(body);
  if (!run) return reply(200, {{"valid", true}});
  json answers = json::array();
  for (const ClaimAnswer& a : answer_claims(subject ? *subject : Subject{}, {})) {
    json figures = json::array();
    for (const ClaimFigure& f : a.figures) figures.push_back({{"name", f.name}, {"value", f.value}, {"unit", f.unit}});
    answers.push_back({{"number", a.number}, {"claim", a.claim}, {"experiment", a.experiment},
                       {"verdict", verdict_name(a.verdict)}, {"answer", a.answer}, {"limits", a.limits},
                       {"figures", figures}});
  }
  return reply(200, {{"notice", kMechanicsNotice}, {"claims", answers}});
}

ApiResponse respond(const std::string& method, const std::string& path, const std::string& body, bool run) {
  try {
    if (body.size() > kMaxRequestBytes)
      return reply(413, {{"error", fmt::format("request body over {} bytes", kMaxRequestBytes)}, {"field", "body"}});
    if (path == "/api/health" || path == "/api/tasks") {
      if (method != "GET") return reply(405, {{"error", "use GET"}, {"field", "method"}});
      return path == "/api/health" ? reply(200, {{"ok", true}, {"notice", kMechanicsNotice}}) : tasks();
    }
    using Handler = ApiResponse (*)(const json&, bool);
    static constexpr std::pair<const char*, Handler> kPost[] = {
        {"/api/analyze", analyze}, {"/api/timeline", timeline}, {"/api/compare", compare}, {"/api/day", day},
        {"/api/claims", claims}};
    for (const auto& [route, handler] : kPost) {
      if (path != route) continue;
      if (method != "POST") return reply(405, {{"error", "use POST"}, {"field", "method"}});
      json parsed;
      try {
        parsed = json::parse(body);
      } catch (const json::parse_error& e) {
        return reply(400, {{"error", fmt::format("malformed JSON at byte {}", e.byte)}, {"field", "body"}});
      } catch (const json::exception&) {
        // 1e309, a 5,000-digit integer: no double holds it.
        return reply(400, {{"error", "a number too large for a double"}, {"field", "body"}});
      }
      if (!parsed.is_object()) return reply(400, {{"error", "the body must be a JSON object"}, {"field", "body"}});
      return handler(parsed, run);
    }
    return reply(404, {{"error", "no such endpoint: " + method + " " + path}, {"field", "path"}});
  } catch (const BadRequest& e) {
    return reply(400, {{"error", e.field + ": " + e.message}, {"field", e.field}});
  } catch (const InputError& e) {
    // The engine names fields as files and the command line do; the API names them as the
    // request does: settings.NAME, subject.FIELD, schedule.FIELD.
    std::string field = e.field();
    if (field.rfind("--set ", 0) == 0)
      field = "settings." + field.substr(6);
    else if (field == "--task")
      field = "task";
    else if (e.file() == "request.subject" || e.file() == "request.schedule")
      field = e.file().substr(8) + (field.empty() ? "" : "." + field);
    else
      return reply(400, {{"error", e.what()}, {"field", field}});
    return reply(400, {{"error", field + ": " + e.message()}, {"field", field}});
  } catch (const std::exception& e) {
    // Not the client's doing; the engine's own message stays in the server (no internals out).
    (void)e;
    return reply(500, {{"error", "internal error"}, {"field", ""}});
  }
}

}  // namespace

ApiResponse handle_api(const std::string& method, const std::string& path, const std::string& body) {
  return respond(method, path, body, true);
}

ApiResponse check_api_request(const std::string& method, const std::string& path, const std::string& body) {
  return respond(method, path, body, false);
}

}  // namespace spineload::serve
