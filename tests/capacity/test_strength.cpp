// Trunk strength as an isometric test finds it, against women's published strength, and the
// Biering-Sorensen test.
#include <gtest/gtest.h>

#include <algorithm>

#include "capacity/fatigue.hpp"
#include "analysis/analyze.hpp"
#include "capacity/strength.hpp"
#include "posture/posture.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

const LevelStrength& level(const Model& m, const std::vector<LevelStrength>& s, const std::string& name) {
  return *std::find_if(s.begin(), s.end(), [&](const LevelStrength& l) { return m.joints[l.joint].name == name; });
}

TEST(Strength, PelvisHeldL4L5WithinWomensPublishedRangesInAllSixDirections) {
  const Model& m = test::default_model();
  const auto strength = trunk_strength(m);
  const auto refs = trunk_strength_references();
  ASSERT_EQ(std::count_if(refs.begin(), refs.end(), [](const StrengthReference& r) { return r.level == "L4_L5"; }), 6);
  const LevelStrength& l4 = level(m, strength, "L4_L5");
  ASSERT_TRUE(l4.pelvis_held);
  for (const auto& r : refs) {
    if (r.level != "L4_L5") continue;
    const auto d = std::find(kStrengthDirections.begin(), kStrengthDirections.end(), r.direction) - kStrengthDirections.begin();
    const double model_Nm = l4.pelvis_held_moment_Nm[static_cast<std::size_t>(d)];
    EXPECT_GE(model_Nm, r.min_Nm) << r.direction;
    EXPECT_LE(model_Nm, r.max_Nm) << r.direction;
  }
}

TEST(Strength, TheNeckAgainstPublishedNeckStrength) {
  // C7/T1 and C0/C1 tested alone, the pad on the head, against published means +- 2 SD
  // (trunk_strength.yaml). Nodding back (C0/C1 extension) the model is about twice the
  // published mean: docs/validation.md says why and what was tried; it is pinned here so
  // that a change to the neck which brings it within (or pushes another row out) shows up.
  const Model& m = test::default_model();
  const auto strength = trunk_strength(m);
  int neck_rows = 0;
  for (const auto& r : trunk_strength_references()) {
    if (r.level != "C7_T1" && r.level != "C0_C1") continue;
    ++neck_rows;
    const LevelStrength& l = level(m, strength, r.level);
    EXPECT_FALSE(l.pelvis_held);
    const auto d = std::find(kStrengthDirections.begin(), kStrengthDirections.end(), r.direction) - kStrengthDirections.begin();
    const double model_Nm = l.max_moment_Nm[static_cast<std::size_t>(d)];
    const bool within = model_Nm >= r.min_Nm && model_Nm <= r.max_Nm;
    EXPECT_EQ(within, !(r.level == "C0_C1" && r.direction == "extension")) << r.level << " " << r.direction << ": " << model_Nm;
  }
  EXPECT_EQ(neck_rows, 6);
  EXPECT_LT(level(m, strength, "C0_C1").max_moment_Nm[0], 2.5 * 16.46);  // no worse than docs/validation.md says
}

TEST(Strength, ALevelTestedAloneIsNoWeakerThanWithThePelvisHeld) {
  // Holding the pelvis asks every lumbar level to hold the pad, so at any level the
  // pelvis-held moment cannot exceed what that level holds when tested alone.
  const Model& m = test::default_model();
  for (const LevelStrength& s : trunk_strength(m)) {
    if (!s.pelvis_held) continue;
    for (std::size_t d = 0; d < kStrengthDirections.size(); ++d)
      EXPECT_LE(s.pelvis_held_moment_Nm[d], s.max_moment_Nm[d] * 1.001 + 0.1) << m.joints[s.joint].name << " " << d;
  }
}

TEST(Strength, LeftAndRightMirrorAndExtensionExceedsFlexionLow) {
  const Model& m = test::default_model();
  const auto strength = trunk_strength(m);
  for (const LevelStrength& s : strength) {
    EXPECT_NEAR(s.max_moment_Nm[2], s.max_moment_Nm[3], 0.01 * s.max_moment_Nm[2] + 0.5) << m.joints[s.joint].name;
    EXPECT_NEAR(s.max_moment_Nm[4], s.max_moment_Nm[5], 0.01 * s.max_moment_Nm[4] + 0.5) << m.joints[s.joint].name;
  }
  // Women's lumbar extension is 1.3-2 times their flexion (Nordin et al. 1987, Kumar et al. 1995).
  const LevelStrength& l5 = level(m, strength, "L5_S1");
  EXPECT_GT(l5.max_moment_Nm[0], 1.3 * l5.max_moment_Nm[1]);
  // Thoracic extensors cross T6/T7: the upper trunk can be held against a load.
  EXPECT_GT(level(m, strength, "T6_T7").max_moment_Nm[0], 40.0);
}

// The target load of the fatigue model is a share of maximal voluntary extension as a test
// measures it, so the model's extensor capacity at a level is the sum of its extensors'
// maximal moments times the share of that sum the level's isometric test reaches
// (muscles.yaml, extension_mvc_share). The shares are data: this keeps them in step with the
// anatomy, so a change of muscles that moves a level's strength fails here until they follow.
TEST(Strength, ExtensionMvcShareIsTheLevelsTestOverItsExtensorsSum) {
  const Model& m = test::default_model();
  const std::vector<LevelStrength> strength = trunk_strength(m);
  Data data(m);
  const PostureResult upright =
      analyze_posture(m, data, parse_posture_text(m, "name: upright\nsupport: standing\n", "upright.yaml"), {});
  for (const DiscLoad& d : upright.frames.front().disc) {
    const std::string& name = m.joints[d.joint].name;
    if (name.front() != 'L' && name != "T12_L1" && name != "T6_T7") continue;
    const auto k = static_cast<std::size_t>(std::find(m.spinal_joints.begin(), m.spinal_joints.end(), d.joint) -
                                            m.spinal_joints.begin());
    const double sum_Nm = d.extensor_capacity_Nm / m.extension_mvc_share[k];
    const double share = std::min(1.0, level(m, strength, name).max_moment_Nm[0] / sum_Nm);
    EXPECT_NEAR(m.extension_mvc_share[k], share, 0.01) << name;
  }
}

TEST(Strength, SorensenTestDemandAndEndurance) {
  const Model& m = test::default_model();
  const SorensenResult s = sorensen_test(m);
  // Surface EMG of the lumbar erectors in the test is of the order of 30-60 % of maximal
  // [U]; the model's share of maximal lumbar extension falls there.
  EXPECT_GT(s.demand, 0.3);
  EXPECT_LT(s.demand, 0.6);
  EXPECT_NEAR(s.endurance_s, endurance_time_s(trunk_fatigue_parameters(), s.demand), 1e-9);
  EXPECT_EQ(s.published_min_s, 146);
  EXPECT_EQ(s.published_max_s, 227);
  // Within women's published means (docs/validation.md); it was 269 s while the target load
  // was taken against the sum of the extensors' maximal moments rather than a maximal effort.
  EXPECT_GE(s.endurance_s, s.published_min_s);
  EXPECT_LE(s.endurance_s, s.published_max_s);
}

}  // namespace
}  // namespace spineload
