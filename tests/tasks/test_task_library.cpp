#include <gtest/gtest.h>

#include <cmath>

#include <fmt/format.h>

#include "common/errors.hpp"
#include "tasks/infant.hpp"
#include "posture/prediction.hpp"
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
    // Every task loads the spine more than standing, except feeding lying down (and standing).
    if (spec.id == "stand") EXPECT_NEAR(r.frames[0].disc[0].compression_N, standing, 1e-9);
    else if (r.support != Support::lying_right) EXPECT_GT(r.frames[0].disc[0].compression_N, standing) << spec.id;
    else EXPECT_LT(r.frames[0].disc[0].compression_N, 0.6 * standing) << spec.id;
    EXPECT_EQ(t.lift.has_value(), spec.lift) << spec.id;
  }
}

TEST(TaskLibrary, FeedingLyingDownLoadsTheLowBackLessThanSitting) {
  const Model& m = test::default_model();
  auto l5s1 = [&](const char* id) {
    const TaskInstance t = instantiate_task(m, id, {"infant_mass_kg=6"});
    Data d(m);
    return analyze_posture(m, d, t.posture, {}).frames[0].disc[0].compression_N;
  };
  EXPECT_LT(l5s1("breastfeed-lying-side"), 0.3 * l5s1("breastfeed-seated"));
}

TEST(TaskLibrary, RisingFromAChairLeansToSeatOffThenStands) {
  const Model& m = test::default_model();
  const TaskInstance t = instantiate_task(m, "rise-from-chair", {"rise_duration_s=3"});
  const Posture& p = t.posture;
  ASSERT_TRUE(p.is_time_series());
  EXPECT_NEAR(p.time_s.back(), 3.0, 1e-12);
  EXPECT_EQ(p.support_at(0), Support::seated);
  EXPECT_EQ(p.support_at(p.time_s.size() - 1), Support::standing);
  Data d(m);
  const PostureResult r = analyze_posture(m, d, p, {});
  // At seat-off (the first frame on her feet) the centre of mass is over her feet, and the
  // peak L5/S1 compression comes while she leans forward, not seated or standing.
  std::size_t off = 0;
  while (r.frames[off].support != Support::standing) ++off;
  EXPECT_NEAR(r.frames[off].time_s, 1.2, 0.05);
  EXPECT_TRUE(r.frames[off].balance.com_over_support);
  // The lean to seat-off flexes the lumbar spine and the hips 1:3, as young adults do (Tully
  // et al. 2005, abstract), not in the proportions of bending forward from standing (1.4:1).
  auto change_deg = [&](const char* coordinate) {
    const int c = m.coordinate_index(coordinate);
    return (r.frames[off].q_rad[c] - r.frames[0].q_rad[c]) * 180 / M_PI;
  };
  double lumbar_deg = 0;
  for (const auto& [c, ratio] : lumbar_ratios(m, m.rhythms[m.rhythm_index("trunk_flexion")]))
    lumbar_deg += change_deg(m.coordinates[c].name.c_str());
  EXPECT_GT(change_deg("hip_r_flexion"), 20.0);
  EXPECT_NEAR(lumbar_deg / change_deg("hip_r_flexion"), 1.0 / 3.0, 1e-6);
  EXPECT_NEAR(change_deg("pelvis_tilt"), change_deg("hip_r_flexion"), 1e-9);  // the thighs stay on the seat
  EXPECT_NEAR(change_deg("T6_T7_flexion"), 0.0, 1e-9);
  std::size_t peak = 0;
  for (std::size_t k = 0; k < r.frames.size(); ++k)
    if (r.frames[k].disc[0].compression_N > r.frames[peak].disc[0].compression_N) peak = k;
  EXPECT_GT(r.frames[peak].time_s, 0.5);
  EXPECT_LT(r.frames[peak].time_s, 2.0);
  EXPECT_GT(r.frames[peak].disc[0].compression_N, 1.5 * r.frames.back().disc[0].compression_N);
  // A higher seat needs less lean and loads the low back less.
  auto peak_N = [&](const char* seat) {
    const TaskInstance ti = instantiate_task(m, "rise-from-chair", {seat, "rise_duration_s=3"});
    Data dd(m);
    double mx = 0;
    for (const auto& f : analyze_posture(m, dd, ti.posture, {}).frames) mx = std::max(mx, f.disc[0].compression_N);
    return mx;
  };
  EXPECT_LT(peak_N("seat_height_cm=55"), peak_N("seat_height_cm=35"));
  // A seat so high her thighs would slope down past 35 deg is refused, naming the parameter.
  try {
    instantiate_task(m, "rise-from-chair", {"seat_height_cm=70"});
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "--set seat_height_cm");
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
  // The faster lift asks a larger moment of the low back at its start (the infant and her
  // trunk accelerated upwards), and the disc carries more for it.
  auto peak_moment = [](const TaskRun& r) {
    double mx = 0;
    for (const auto& f : r.result.frames) mx = std::max(mx, f.disc.front().flexion_moment_Nm);
    return mx;
  };
  EXPECT_GT(peak_moment(fast), 1.25 * peak_moment(slow));
  EXPECT_GT(fast.indices.l5s1_compression_N, slow.indices.l5s1_compression_N + 100);
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

namespace spineload {
namespace {

TEST(TaskLibrary, EveryTaskAtItsDefaultsIsHeldWithoutReserves) {
  // A healthy woman does each of these every day: the default woman's muscles hold them.
  // Stricter than "not beyond capacity", which lets a reserve below its threshold pass: no
  // task needs any (walking needed 0.2 N m of axial rotation at C7/T1 until its pelvis was
  // given the centre of mass's path less the joints' share, 2026-12-04). At the optimum an
  // unneeded reserve is its multiplier over twice its weight: micro-newton metres.
  for (const TaskSpec& spec : task_library()) {
    const TaskRun run = run_task(spec.id, {}, nullptr, {});
    EXPECT_FALSE(beyond_muscle_capacity(run.result)) << spec.id;
    EXPECT_LT(run.extensor_demand, 0.6) << spec.id;
    double largest_Nm = 0;
    for (const FrameResult& f : run.result.frames)
      if (f.reserve_Nm.size() > 0) largest_Nm = std::max(largest_Nm, f.reserve_Nm.cwiseAbs().maxCoeff());
    EXPECT_LT(largest_Nm, 1e-3) << spec.id;
  }
}

// Issue 15: every built-in task is posed (its grip reached, with balance) and held by the
// muscles for short and tall women, before pregnancy and at 36 weeks, when the abdomen is
// largest. Her mass keeps the default woman's body-mass index (62 kg at 1.65 m).
struct WomanAtStage {
  double height_m, week;
};
class EveryTaskForHer : public ::testing::TestWithParam<WomanAtStage> {};

TEST_P(EveryTaskForHer, IsPosedAndHeldWithoutReserves) {
#ifdef SPINELOAD_SANITIZED_BUILD
  // 45 s a case under the sanitizers, through the same code: the shortest woman at 36 weeks
  // (the hardest to pose) runs there, the release suite runs all four.
  if (GetParam().height_m != 1.50 || GetParam().week != 36) GTEST_SKIP() << "release suite only";
#endif
  Subject s;
  s.height_m = GetParam().height_m;
  s.pre_pregnancy_mass_kg = 62 * (s.height_m / 1.65) * (s.height_m / 1.65);
  s.stage = Stage::pregnant;
  s.week = GetParam().week;
  for (const TaskSpec& spec : task_library()) {
    TaskRun run;
    ASSERT_NO_THROW(run = run_task(spec.id, {}, &s, {})) << spec.id;
    EXPECT_FALSE(beyond_muscle_capacity(run.result)) << spec.id;
  }
}

INSTANTIATE_TEST_SUITE_P(Women, EveryTaskForHer,
                         ::testing::Values(WomanAtStage{1.50, 0}, WomanAtStage{1.50, 36}, WomanAtStage{1.80, 0},
                                           WomanAtStage{1.80, 36}));

TEST(TaskLibrary, TwentyKilogramsHeldCloseAtWaistOrChestWithoutReserves) {
  const Model& m = test::default_model();
  for (const double height_m : {0.95, 1.20}) {
    const std::string yaml = fmt::format(
        "name: hold\npredict: {{hands_forward_m: 0.20, hands_height_m: {}, strategy: stoop}}\n"
        "loads:\n  - {{type: hand_mass, mass_kg: 20}}\n",
        height_m);
    Data d(m);
    const Posture p = resolve_prediction(m, parse_posture_text(m, yaml, "hold.yaml"));
    const PostureResult r = analyze_posture(m, d, p, {});
    EXPECT_FALSE(beyond_muscle_capacity(r)) << height_m;
  }
}

TEST(TaskLibrary, AStoopedLiftOfTwentyKilogramsIsCarriedByTheWholeLumbarErectorNotThePressure) {
  // Lifting 18-20 kg, women's intra-abdominal pressure is 35-52 mmHg on average, 10-88 in
  // single women (Bo & Nygaard 2020, Table 2); in a stoop the lumbosacral ligaments pull as
  // L4/L5's do, so the fascicles from L1-L4 share the extension and the pressure stays in
  // that range (it was 140-180 mmHg when L5/S1's ligaments stayed in the toe of their curve).
  const Model& m = test::default_model();
  const TaskInstance t = instantiate_task(m, "lift-from-floor", {"strategy=stoop", "infant_mass_kg=20"});
  Data d(m);
  const FrameResult f = analyze_posture(m, d, resolve_prediction(m, t.posture), {}).frames[0];
  ASSERT_EQ(f.status, RecruitmentStatus::ok);
  const double iap = kMmHgPerKPa * intra_abdominal_pressure_kPa(m, f);
  EXPECT_GT(iap, 10);
  EXPECT_LT(iap, 88);
  double upper_lumbar = 0;
  int n = 0;
  for (std::size_t i = 0; i < m.muscles.size(); ++i) {
    const std::string& name = m.muscles[i].name;
    const bool lumbar_fascicle = name.rfind("LTpL_L", 0) == 0 || name.rfind("ILpL_L", 0) == 0;
    if (!lumbar_fascicle || name.rfind("LTpL_L5", 0) == 0) continue;
    upper_lumbar += f.activation[static_cast<int>(i)];
    ++n;
  }
  ASSERT_GT(n, 8);
  EXPECT_GT(upper_lumbar / n, 0.2) << upper_lumbar / n;  // resting tone is 0.01
}

}  // namespace
}  // namespace spineload
