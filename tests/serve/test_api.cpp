// The JSON API of `spineload serve`, endpoint by endpoint: valid, invalid and oversized.
#include "serve/api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tasks/task_runner.hpp"

namespace spineload::serve {
namespace {

using nlohmann::json;

json call(const std::string& method, const std::string& path, const std::string& body, int expected_status) {
  const ApiResponse r = handle_api(method, path, body);
  EXPECT_EQ(r.status, expected_status) << method << " " << path << " " << body << " -> " << r.body;
  return json::parse(r.body);
}

TEST(ServeApi, HealthAndTasks) {
  EXPECT_TRUE(call("GET", "/api/health", "", 200)["ok"].get<bool>());
  const json t = call("GET", "/api/tasks", "", 200);
  EXPECT_NE(t["notice"].get<std::string>().find("not a diagnosis"), std::string::npos);
  bool crib = false;
  for (const auto& task : t["tasks"])
    if (task["id"] == "lift-from-crib") {
      crib = true;
      bool rail = false;
      for (const auto& p : task["parameters"])
        if (p["name"] == "rail_height_cm") {
          rail = true;
          EXPECT_EQ(p["unit"], "cm");
          EXPECT_LT(p["min"].get<double>(), p["max"].get<double>());
        }
      EXPECT_TRUE(rail);
    }
  EXPECT_TRUE(crib);
}

TEST(ServeApi, AnalyzeGivesTheCommandLinesNumbersAndTheGeometry) {
  const std::string body = R"({"subject": {"height_m": 1.62, "pre_pregnancy_mass_kg": 60, "stage": "postpartum", "week": 6},
                               "task": "carry-on-hip", "settings": {"infant_mass_kg": 5}})";
  const json j = call("POST", "/api/analyze", body, 200);
  // The same analysis through the library the command line uses.
  Subject s = parse_subject_text("height_m: 1.62\npre_pregnancy_mass_kg: 60\nstage: postpartum\nweek: 6\n", "s.yaml");
  const TaskRun run = run_task("carry-on-hip", {"infant_mass_kg=5"}, &s, {});
  const double expected = run.result.frames.front().disc.front().compression_N;
  EXPECT_DOUBLE_EQ(j["summary"]["L5_S1_compression_N"].get<double>(), expected);
  EXPECT_DOUBLE_EQ(j["frames"][0]["levels"][0]["compression_N"].get<double>(), expected);
  EXPECT_EQ(j["frames"][0]["levels"][0]["level"], "L5_S1");
  // Geometry for the 3D view: every body, nine levels, every muscle with its path.
  const json& g = j["geometry"];
  EXPECT_EQ(g["bodies"].size(), run.model->bodies.size());
  EXPECT_EQ(g["levels"].size(), 9u);
  EXPECT_EQ(g["muscles"].size(), run.model->muscles.size());
  EXPECT_GE(g["muscles"][0]["path_m"].size(), 2u);
  EXPECT_EQ(g["com_m"].size(), 3u);
  EXPECT_GT(g["support_m"].size(), 2u);
  // What she holds: the 5 kg infant's weight, shared between her hip and her arm.
  ASSERT_FALSE(g["loads"].empty());
  double down_N = 0;
  for (const auto& l : g["loads"]) {
    EXPECT_EQ(l["point_m"].size(), 3u);
    down_N -= l["force_N"][1].get<double>();
  }
  EXPECT_NEAR(down_N, 5 * 9.81, 0.05 * 5 * 9.81);
  EXPECT_NE(j["notice"].get<std::string>().find("not a diagnosis"), std::string::npos);
}

TEST(ServeApi, BadRequestsAre400WithTheField) {
  EXPECT_EQ(call("POST", "/api/analyze", "{not json", 400)["field"], "body");
  EXPECT_EQ(call("POST", "/api/analyze", "[1,2]", 400)["field"], "body");
  EXPECT_EQ(call("POST", "/api/analyze", "{}", 400)["field"], "task");
  EXPECT_EQ(call("POST", "/api/analyze", R"({"task": 5})", 400)["field"], "task");
  // Unknown task and out-of-range parameter: the engine's own messages.
  EXPECT_NE(call("POST", "/api/analyze", R"({"task": "juggling"})", 400)["error"].get<std::string>().find("juggling"),
            std::string::npos);
  const json range = call("POST", "/api/analyze", R"({"task": "lift-from-crib", "settings": {"rail_height_cm": 500}})", 400);
  EXPECT_EQ(range["field"], "settings.rail_height_cm");
  EXPECT_EQ(range["error"], "settings.rail_height_cm: 500 cm is outside 50 to 130 cm");
  EXPECT_EQ(call("POST", "/api/analyze", R"({"task": "carry-on-hip", "settings": {"infant_mass_kg": [1]}})", 400)["field"],
            "settings.infant_mass_kg");
  EXPECT_EQ(call("POST", "/api/analyze", R"({"task": "carry-on-hip", "subject": "tall"})", 400)["field"], "subject");
  const json height = call("POST", "/api/analyze",
                           R"({"task": "carry-on-hip", "subject": {"height_m": 3.5, "stage": "postpartum", "week": 2}})", 400);
  EXPECT_EQ(height["field"], "subject.height_m");
  EXPECT_EQ(height["error"], "subject.height_m: 3.5 is outside the accepted range 1.2 to 2.2");
  EXPECT_EQ(call("POST", "/api/analyze", R"({"task": "carry-on-hip", "subject": {"height_m": 1.6}})", 400)["field"],
            "subject.stage");
  // Wrong method, unknown path, oversized body.
  EXPECT_EQ(handle_api("GET", "/api/analyze", "").status, 405);
  EXPECT_EQ(handle_api("GET", "/api/nothing", "").status, 404);
  for (const char* path : {"/api/analyze", "/api/timeline", "/api/compare", "/api/day"})
    EXPECT_EQ(handle_api("POST", path, std::string(kMaxRequestBytes + 1, ' ')).status, 413) << path;
  // Invalid UTF-8 echoed back does not break the reply.
  const ApiResponse bad = handle_api("POST", "/api/analyze", "{\"task\": \"\xff\xfe\"}");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(json::accept(bad.body));
}

TEST(ServeApi, CompareSweepsAndIsBounded) {
  const json j = call("POST", "/api/compare",
                      R"({"task": "lift-from-crib", "vary": {"name": "mattress_height_cm", "from": 35, "to": 55, "step": 20}})", 200);
  ASSERT_EQ(j["points"].size(), 2u);
  EXPECT_EQ(j["points"][0]["value"].get<double>(), 35);
  // A lower mattress: she bends further, the peak compression is higher.
  EXPECT_GT(j["points"][0]["L5_S1_compression_N"].get<double>(), j["points"][1]["L5_S1_compression_N"].get<double>());
  EXPECT_EQ(call("POST", "/api/compare",
                 R"({"task": "lift-from-crib", "vary": {"name": "rail_height_cm", "from": 60, "to": 110, "step": 0.5}})", 400)["field"],
            "vary.step");
  EXPECT_EQ(call("POST", "/api/compare", R"({"task": "lift-from-crib"})", 400)["field"], "vary");
}

TEST(ServeApi, TimelineAndDay) {
  const json t = call("POST", "/api/timeline", R"({"task": "carry-on-hip", "step_weeks": 20})", 200);
  // Pregnant 0, 20, 40; postpartum 0, 20, 40.
  ASSERT_EQ(t["points"].size(), 6u);
  EXPECT_EQ(t["points"][2]["stage"], "pregnant");
  EXPECT_GT(t["points"][2]["mass_kg"].get<double>(), t["points"][0]["mass_kg"].get<double>());  // late pregnancy
  EXPECT_EQ(call("POST", "/api/timeline", R"({"task": "carry-on-hip", "step_weeks": 1})", 400)["field"], "step_weeks");
  const json d = call("POST", "/api/day", R"({"schedule": {"name": "short", "tasks": [
      {"task": "carry-on-hip", "count": 3, "duration_min": 10, "start_h": 8, "interval_h": 2}]}})", 200);
  ASSERT_EQ(d["tasks"].size(), 1u);
  EXPECT_EQ(d["tasks"][0]["count"], 3);
  EXPECT_GT(d["cumulative_load_MNs"].get<double>(), 0);
  EXPECT_FALSE(d["hours"].empty());
  EXPECT_EQ(call("POST", "/api/day", R"({"schedule": {"name": "busy", "tasks": [
      {"task": "carry-on-hip", "count": 1000, "duration_s": 1}]}})", 400)["field"], "schedule.tasks.carry-on-hip.count");
  EXPECT_EQ(call("POST", "/api/day", R"({"schedule": 3})", 400)["field"], "schedule");
  // The schedule's own checks, named as in the request.
  const json unknown = call("POST", "/api/day", R"({"schedule": {"tasks": [{"task": "juggling", "count": 1, "duration_s": 1}]}})", 400);
  EXPECT_EQ(unknown["field"], "schedule.tasks[0].task");
  EXPECT_EQ(unknown["error"].get<std::string>().rfind("schedule.tasks[0].task: unknown task 'juggling'", 0), 0u);
  EXPECT_EQ(call("POST", "/api/timeline", R"({"task": "carry-on-hip", "subject": {"height_m": 9}})", 400)["field"],
            "subject.height_m");
}

}  // namespace
}  // namespace spineload::serve

namespace spineload::serve {
namespace {

TEST(ServeApi, EveryInvalidValueTypeOrFieldIsA400NamingIt) {
  struct Case {
    const char* method;
    const char* path;
    std::string body;
    int status;
    std::string field;
  };
  const std::string day_start = R"({"schedule": {"day_start_h": "6", "tasks": [{"task": "carry-in-arms"}]}})";
  const std::vector<Case> cases = {
      {"POST", "/api/analyze", R"({"task": "carry-in-arms", "settings": {"infant_mass_kg": 1e309}})", 400, "body"},
      {"POST", "/api/analyze", "{\"task\": \"carry-in-arms\", \"x\": " + std::string(5000, '9') + "}", 400, "body"},
      {"POST", "/api/day", R"({"schedule": {"tasks": "carry-in-arms"}})", 400, "schedule.tasks"},
      {"POST", "/api/day", R"({"schedule": {"tasks": 3}})", 400, "schedule.tasks"},
      {"POST", "/api/day", R"({"schedule": {"tasks": {"task": "carry-in-arms"}}})", 400, "schedule.tasks"},
      {"POST", "/api/day", day_start, 400, "schedule.day_start_h"},
      {"POST", "/api/day", R"({"schedule": {"tasks": [{"task": "carry-in-arms", "count": "2"}]}})", 400, "schedule.tasks[0].count"},
      {"POST", "/api/analyze", R"({"task": "no-such-task"})", 400, "task"},
      {"POST", "/api/analyze", R"({"task": "carry-in-arms", "sujbect": {}})", 400, "sujbect"},
      {"POST", "/api/compare", R"({"task": "carry-in-arms", "vary": {"name": "hold_height_cm", "from": 90, "to": 100, "step": 5, "by": 1}})",
       400, "vary.by"},
      {"POST", "/api/health", "", 405, "method"},
      {"PUT", "/api/tasks", "", 405, "method"},
  };
  for (const Case& c : cases) {
    const json j = call(c.method, c.path, c.body, c.status);
    EXPECT_EQ(j["field"], c.field) << c.body;
    EXPECT_EQ(j["error"].get<std::string>().find("json.exception"), std::string::npos) << j["error"];
    // The checks alone (what the fuzz target runs) answer the same.
    const ApiResponse checked = check_api_request(c.method, c.path, c.body);
    EXPECT_EQ(checked.status, c.status) << c.body;
    EXPECT_EQ(json::parse(checked.body)["field"], c.field) << c.body;
  }
}

TEST(ServeApi, CheckingARequestRunsNothingAndAcceptsWhatWouldRun) {
  const std::vector<std::pair<const char*, std::string>> good = {
      {"/api/analyze", R"({"task": "carry-in-arms", "settings": {"infant_mass_kg": 5}})"},
      {"/api/timeline", R"({"task": "carry-on-hip", "step_weeks": 8})"},
      {"/api/compare", R"({"task": "carry-in-arms", "vary": {"name": "infant_mass_kg", "from": 3, "to": 6, "step": 1}})"},
      {"/api/day", R"({"schedule": {"tasks": [{"task": "carry-in-arms", "count": 2}]}})"},
      {"/api/claims", R"({"subject": {"height_m": 1.6}})"},
  };
  for (const auto& [path, body] : good) {
    const ApiResponse r = check_api_request("POST", path, body);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    EXPECT_EQ(json::parse(r.body), json({{"valid", true}})) << path;
  }
  // A setting checked by the task, not by the JSON: out of range in a sweep's values too.
  const ApiResponse swept = check_api_request(
      "POST", "/api/compare", R"({"task": "carry-in-arms", "vary": {"name": "infant_mass_kg", "from": 3, "to": 90, "step": 29}})");
  EXPECT_EQ(swept.status, 400);
  EXPECT_EQ(json::parse(swept.body)["field"], "settings.infant_mass_kg");
}

TEST(ServeApi, ClaimsAnswerEveryClaimWithFiguresAndRefuseABadSubject) {
  const json bad = call("POST", "/api/claims", R"({"subject": {"height_m": 9}})", 400);
  EXPECT_EQ(bad["field"], "subject.height_m");
  EXPECT_EQ(call("POST", "/api/claims", R"({"who": 1})", 400)["field"], "who");
#ifndef SPINELOAD_SANITIZED_BUILD  // forty analyses: seconds in release, minutes sanitized
  const json j = call("POST", "/api/claims", "{}", 200);
  ASSERT_EQ(j["claims"].size(), 10u);
  const json& walking = j["claims"][2];
  EXPECT_EQ(walking["number"], 3);
  EXPECT_EQ(walking["verdict"], "not supported");
  bool compared = false;
  for (const auto& f : walking["figures"])
    if (f["name"] == "mean L5/S1 compression forwards, before pregnancy") {
      compared = true;
      EXPECT_GT(f["value"].get<double>(), 500);
      EXPECT_EQ(f["unit"], "N");
    }
  EXPECT_TRUE(compared);
  EXPECT_TRUE(j["claims"][9]["figures"].empty());
#endif
}

}  // namespace
}  // namespace spineload::serve
