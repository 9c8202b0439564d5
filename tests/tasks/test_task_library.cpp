#include <gtest/gtest.h>

#include <cmath>

#include "common/errors.hpp"
#include "tasks/infant.hpp"
#include "tasks/posture_prediction.hpp"
#include "tasks/task_library.hpp"
#include "tasks/task_runner.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

TEST(TaskLibrary, ListsTheTasksWithTheirParameters) {
  std::vector<std::string> ids;
  for (const auto& t : task_library()) ids.push_back(t.id);
  for (const char* id : {"lift-from-crib", "lift-from-floor", "change-diaper", "carry-in-arms", "breastfeed-seated"})
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
  const std::string list = format_task_list();
  EXPECT_NE(list.find("rail_height_cm"), std::string::npos);
  EXPECT_NE(list.find("table_height_cm"), std::string::npos);
}

TEST(TaskLibrary, CribLiftUsesTheWhoInfantAndTheLiftGeometry) {
  const Model& m = test::default_model();
  const TaskInstance t = instantiate_task(m, "lift-from-crib", {"rail_height_cm=95", "infant_age_months=6"});
  EXPECT_NEAR(t.infant_mass_kg, infant_mass_kg(6, InfantSex::girl), 1e-12);  // 7.30 kg
  ASSERT_TRUE(t.lift.has_value());
  EXPECT_NEAR(t.lift->horizontal_cm, 40, 1e-12);
  EXPECT_NEAR(t.lift->vertical_cm, 45 + 8, 1e-12);           // mattress + grip above it
  EXPECT_NEAR(t.lift->distance_cm, 95 + 10 - 53, 1e-12);     // to 10 cm over the rail
  ASSERT_TRUE(t.posture.prediction.has_value());
  EXPECT_NEAR(t.posture.prediction->hands_height_m, 0.53, 1e-12);
  EXPECT_NEAR(t.posture.held_mass_kg, 7.30, 1e-9);
}

TEST(TaskLibrary, AHigherChangingTableLowersLumbarLoad) {
  const Model& m = test::default_model();
  auto l5s1 = [&](const std::string& height) {
    const TaskInstance t = instantiate_task(m, "change-diaper", {"table_height_cm=" + height});
    Data d(m);
    return analyze_posture(m, d, resolve_prediction(m, t.posture), {}).frames[0].disc[0].compression_N;
  };
  EXPECT_GT(l5s1("70"), l5s1("100"));
}

TEST(TaskLibrary, APillowUnloadsBreastfeeding) {
  const Model& m = test::default_model();
  auto l5s1 = [&](const std::string& pillow) {
    const TaskInstance t = instantiate_task(m, "breastfeed-seated", {"pillow=" + pillow});
    Data d(m);
    return analyze_posture(m, d, t.posture, {}).frames[0].disc[0].compression_N;
  };
  EXPECT_LT(l5s1("1"), l5s1("0"));
}

TEST(TaskLibrary, IndicesCompareWithThePublishedLimits) {
  PostureResult r;
  FrameResult f;
  DiscLoad d;
  d.compression_N = 1700;
  d.shear_ap_N = -350;
  f.disc.push_back(d);
  r.frames.push_back(f);
  const ErgonomicIndices e = ergonomic_indices(r, std::nullopt);
  EXPECT_NEAR(e.percent_of_action_limit, 50, 1e-12);
  EXPECT_NEAR(e.percent_of_maximum_permissible, 100 * 1700.0 / 6400, 1e-12);
  EXPECT_NEAR(e.percent_of_repeated_shear_limit, 50, 1e-12);
  EXPECT_NEAR(e.percent_of_occasional_shear_limit, 35, 1e-12);
  EXPECT_FALSE(e.niosh.has_value());
}

TEST(TaskLibrary, EveryTaskRunsAtItsDefaults) {
  const Model& m = test::default_model();
  const double standing = test::analyze_text(m, "name: standing\n").frames[0].disc[0].compression_N;
  for (const auto& spec : task_library()) {
    const TaskInstance t = instantiate_task(m, spec.id, {});
    Data d(m);
    const PostureResult r = analyze_posture(m, d, resolve_prediction(m, t.posture), {});
    EXPECT_TRUE(std::isfinite(r.frames[0].disc[0].compression_N)) << spec.id;
    EXPECT_GT(r.frames[0].disc[0].compression_N, standing) << spec.id;  // every task loads more than standing
    EXPECT_EQ(t.lift.has_value(), spec.lift) << spec.id;
  }
}

TEST(TaskLibrary, AFrontCarrierLoadsTheLowBackLessThanArms) {
  // Walking studies find carrier loads close to unloaded and in-arms carrying worse
  // (Williams, Standifird & Madsen 2019 [V abstract]); the model agrees in standing.
  const Model& m = test::default_model();
  auto l5s1 = [&](const char* id) {
    const TaskInstance t = instantiate_task(m, id, {"infant_mass_kg=6"});
    Data d(m);
    return analyze_posture(m, d, resolve_prediction(m, t.posture), {}).frames[0].disc[0].compression_N;
  };
  const double carrier = l5s1("carry-front-carrier");
  const double held = l5s1("carry-in-arms");
  EXPECT_LT(carrier, held);
}

TEST(TaskLibrary, ACarSeatInOneHandBendsAndShearsTheSpineSideways) {
  const Model& m = test::default_model();
  const TaskInstance t = instantiate_task(m, "carry-car-seat", {});
  Data d(m);
  const PostureResult r = analyze_posture(m, d, t.posture, {});
  // A load in the right hand bends the spine above L4/L5 to the right.
  EXPECT_GT(r.frames[0].disc[1].lateral_moment_Nm, 10.0);
  EXPECT_GT(std::abs(r.frames[0].disc[1].shear_lateral_N), 5.0);
}

TEST(TaskLibrary, AFasterLiftPeaksHigherThroughInertia) {
  const TaskRun slow = run_task("lift-from-crib", {"lift_duration_s=3"}, nullptr, {});
  const TaskRun fast = run_task("lift-from-crib", {"lift_duration_s=0.8"}, nullptr, {});
  const TaskRun still = run_task("lift-from-crib", {}, nullptr, {});
  EXPECT_EQ(slow.result.frames.size(), 91u);  // 3 s at 30 frames per second, both ends
  EXPECT_EQ(still.result.frames.size(), 1u);
  EXPECT_GT(slow.indices.l5s1_compression_N, still.indices.l5s1_compression_N);
  EXPECT_GT(fast.indices.l5s1_compression_N, slow.indices.l5s1_compression_N + 300);
}

TEST(TaskLibrary, BadNamesListTheValidOnes) {
  const Model& m = test::default_model();
  try {
    instantiate_task(m, "lift-from-cot", {});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("lift-from-crib"), std::string::npos);
  }
  try {
    instantiate_task(m, "change-diaper", {"table_hieght_cm=80"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("table_height_cm"), std::string::npos);
  }
  EXPECT_THROW(instantiate_task(m, "change-diaper", {"table_height_cm=300"}), InputError);
  EXPECT_THROW(instantiate_task(m, "lift-from-floor", {"strategy=crouch"}), InputError);
}

}  // namespace
}  // namespace spineload
