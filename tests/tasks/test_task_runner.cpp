#include <gtest/gtest.h>

#include "capacity/fatigue_failure.hpp"
#include "common/errors.hpp"
#include "tasks/task_runner.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

TEST(Compare, VarySpecExpandsToItsValues) {
  const auto [name, values] = parse_vary("table_height_cm=70:100:5");
  EXPECT_EQ(name, "table_height_cm");
  ASSERT_EQ(values.size(), 7u);
  EXPECT_EQ(values.front(), 70);
  EXPECT_EQ(values.back(), 100);
  EXPECT_THROW(parse_vary("table_height_cm=100:70:5"), InputError);
  EXPECT_THROW(parse_vary("table_height_cm"), InputError);
  // Steps that are not binary fractions reach `to` without drift: 0.8 + 8 x 0.65 = 6.
  const auto [rise, seconds] = parse_vary("rise_duration_s=0.8:6:0.65");
  ASSERT_EQ(seconds.size(), 9u);
  EXPECT_DOUBLE_EQ(seconds[3], 0.8 + 3 * 0.65);
  EXPECT_NEAR(seconds.back(), 6, 1e-12);
  EXPECT_THROW(parse_vary("x=0:1000:1"), InputError);  // over 200 values
}

TEST(Compare, LowTableLoadsTheBackMoreThanAHighOne) {
  const TaskRun low = run_task("change-diaper", {"table_height_cm=60"}, nullptr, {});
  const TaskRun high = run_task("change-diaper", {"table_height_cm=95"}, nullptr, {});
  EXPECT_GT(low.indices.l5s1_compression_N, high.indices.l5s1_compression_N + 100);
  EXPECT_GT(low.extensor_demand, high.extensor_demand);
  const std::string table = format_compare("change-diaper", "table_height_cm", {60, 95}, {low, high});
  EXPECT_NE(table.find("table_height_cm"), std::string::npos);
}

const char* kDay = R"(name: test_day
day_start_h: 8
day_end_h: 12
tasks:
  - {task: lift-from-crib, count: 4, duration_s: 4, start_h: 8.5, interval_h: 0.5, set: {infant_mass_kg: 5}}
  - {task: carry-in-arms, count: 2, duration_min: 10, start_h: 9, interval_h: 1, set: {infant_mass_kg: 5}}
)";

// A task on a subject is posed as `analyze --subject` poses it: a given posture adapted to
// her pregnant body (lumbar extension), unless her file turns that off.
TEST(RunTask, AdaptsAGivenPostureToHerPregnantBodyAsAnalyzeDoes) {
  Subject s;
  s.stage = Stage::pregnant;
  s.week = 32;
  const TaskRun adapted = run_task("carry-on-hip", {}, &s, {});
  s.posture_adaptation = false;
  const TaskRun kept = run_task("carry-on-hip", {}, &s, {});
  const double a = adapted.result.frames.front().disc.front().compression_N;
  const double k = kept.result.frames.front().disc.front().compression_N;
  // Extending the lumbar spine brings her upper body back over the hips: less extensor force.
  EXPECT_LT(a, k - 10) << a << " N adapted, " << k << " N kept";
  const Eigen::VectorXd dq = adapted.result.frames.front().q_rad - kept.result.frames.front().q_rad;
  EXPECT_GT(dq.norm(), 0.01);
}

TEST(Day, RunsEndToEndWithFatigueAndCumulativeLoad) {
  const DaySchedule s = parse_day_schedule(kDay, "day.yaml");
  const DayResult d = run_day(s, nullptr, {});
  ASSERT_EQ(d.tasks.size(), 2u);
  ASSERT_EQ(d.hours.size(), 4u);  // 8, 9, 10, 11 h
  // Cumulative load = peak L5/S1 compression x time x count, per task, summed.
  double total = 0;
  for (const auto& t : d.tasks) {
    EXPECT_NEAR(t.cumulative_load_MNs, t.peak_l5s1_N * t.duration_s * t.count / 1e6, 1e-12);
    total += t.cumulative_load_MNs;
  }
  EXPECT_NEAR(d.cumulative_load_MNs, total, 1e-12);
  EXPECT_EQ(d.top_contributors.front(), "carry-in-arms infant_mass_kg=5");  // 20 min against 16 s
  // Before any task the extensors are fresh; carrying tires them; rest restores them.
  EXPECT_NEAR(d.hours[0].capacity, 1.0, 0.02);
  EXPECT_LT(d.hours[1].capacity, 0.9);
  EXPECT_GT(d.hours[3].capacity, d.hours[1].capacity);
  EXPECT_LT(d.lowest_capacity, 1.0);
  EXPECT_NE(format_day(s, d, nullptr).find("cumulative L5/S1 load"), std::string::npos);
  // Fatigue damage: Miner's sum, one cycle per occurrence at the task's peak share of her
  // L5/S1 strength; the lifts, near the action limit, dominate the few minutes of carrying.
  double damage = 0;
  for (const auto& t : d.tasks) {
    EXPECT_GT(t.indices.l5s1_fraction_of_strength, 0.1);
    EXPECT_NEAR(t.damage, t.count * damage_per_cycle(lumbar_fatigue_failure_curve(), t.indices.l5s1_fraction_of_strength),
                1e-15);
    damage += t.damage;
  }
  EXPECT_NEAR(d.damage, damage, 1e-15);
  EXPECT_EQ(d.top_damage.front(), "lift-from-crib infant_mass_kg=5");
}

TEST(Day, ScheduleErrorsNameTheField) {
  try {
    parse_day_schedule("tasks:\n  - {task: lift-from-cot}\n", "day.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "tasks[0].task");
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("lift-from-crib"), std::string::npos);
  }
  EXPECT_THROW(parse_day_schedule("day_start_h: 8\nday_end_h: 9\ntasks:\n  - {task: change-diaper, count: 5, start_h: 8, interval_h: 1}\n",
                                  "day.yaml"),
               InputError);
}

}  // namespace
}  // namespace spineload
