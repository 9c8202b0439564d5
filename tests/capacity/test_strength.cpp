// Trunk strength as an isometric test finds it, against women's published strength, and the
// Biering-Sorensen test.
#include <gtest/gtest.h>

#include <algorithm>

#include "capacity/fatigue.hpp"
#include "capacity/strength.hpp"
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
  ASSERT_EQ(refs.size(), 6u);
  const LevelStrength& l4 = level(m, strength, "L4_L5");
  ASSERT_TRUE(l4.pelvis_held);
  for (const auto& r : refs) {
    ASSERT_EQ(r.level, "L4_L5");
    const auto d = std::find(kStrengthDirections.begin(), kStrengthDirections.end(), r.direction) - kStrengthDirections.begin();
    const double model_Nm = l4.pelvis_held_moment_Nm[static_cast<std::size_t>(d)];
    EXPECT_GE(model_Nm, r.min_Nm) << r.direction;
    EXPECT_LE(model_Nm, r.max_Nm) << r.direction;
  }
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
  // docs/validation.md: the model holds longer than women's published means (her share of
  // maximal extension is at the low end of the EMG range). Pinned so that a change shows.
  EXPECT_GT(s.endurance_s, s.published_max_s);
  EXPECT_LT(s.endurance_s, 1.3 * s.published_max_s);
}

}  // namespace
}  // namespace spineload
