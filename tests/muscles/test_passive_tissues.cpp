// Passive tissues: ligaments as path elements with their force-strain curves, their
// per-level stiffness, and flexion-relaxation in a full stoop.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "test_support.hpp"

namespace spineload {
namespace {

double force_of(const Model& m, const FrameResult& f, const std::string& name) {
  for (std::size_t i = 0; i < m.passive_elements.size(); ++i)
    if (m.passive_elements[i].name == name) return f.passive_element_force_N[static_cast<int>(i)];
  throw std::runtime_error("no passive element " + name);
}

TEST(PassiveTissues, ForceIsPiecewiseLinearInStrain) {
  PassiveElement e;
  e.slack_length_m = 0.020;
  e.strain_breaks = {0, 0.2};
  e.stiffness_N_per_m = {1000, 2000};
  EXPECT_EQ(e.force_N(0.019), 0.0);                       // slack: no push
  EXPECT_NEAR(e.force_N(0.022), 1000 * 0.002, 1e-12);     // 10 % strain, first range
  EXPECT_NEAR(e.force_N(0.026), 1000 * 0.004 + 2000 * 0.002, 1e-12);  // 30 %: both ranges
}

TEST(PassiveTissues, LigamentsAreSlackUprightAndTautInFlexion) {
  const Model& m = test::default_model();
  const FrameResult up = test::analyze_text(m, "name: up\n").frames[0];
  const FrameResult bent = test::analyze_text(m, "name: bent\nrhythms: {trunk_flexion: 60}\n").frames[0];
  for (const char* level : {"L1_L2", "L4_L5", "L5_S1"}) {
    // Relaxed standing is extended 2 deg beyond the unloaded segment's rest: the posterior
    // ligaments are slack, the flavum alone keeps its resting tension.
    EXPECT_EQ(force_of(m, up, fmt::format("SSL_{}", level)), 0.0) << level;
    EXPECT_EQ(force_of(m, up, fmt::format("ISL_{}", level)), 0.0) << level;
    EXPECT_GT(force_of(m, up, fmt::format("LF_{}", level)), 1.0) << level;
    EXPECT_GT(force_of(m, bent, fmt::format("SSL_{}", level)), 5.0) << level;
    EXPECT_GT(force_of(m, bent, fmt::format("LF_{}", level)), 3 * force_of(m, up, fmt::format("LF_{}", level))) << level;
    EXPECT_GT(force_of(m, bent, fmt::format("CL_{}_r", level)), force_of(m, up, fmt::format("CL_{}_r", level))) << level;
  }
}

TEST(PassiveTissues, ALevelWithASmallerRangeHasStifferLigaments) {
  // The same ligament template in each level's disc frame: bent by the same angle, L5/S1
  // (flexion range 9 deg) pulls harder than L4/L5 (13 deg) by the ratio of the two levels'
  // stiffness factors in muscles.yaml (1.111 / 0.769).
  const Model& m = test::default_model();
  const FrameResult l4 = test::analyze_text(m, "name: a\ncoordinates: {L4_L5_flexion: 8}\n").frames[0];
  const FrameResult l5 = test::analyze_text(m, "name: b\ncoordinates: {L5_S1_flexion: 8}\n").frames[0];
  const double ratio = force_of(m, l5, "ISL_L5_S1") / force_of(m, l4, "ISL_L4_L5");
  EXPECT_NEAR(ratio, 1.111 / 0.769, 0.02);
}

TEST(PassiveTissues, FlexionRelaxationInAFullStoop) {
  // Bending forward, the erectors' active force rises and then falls as the ligaments and
  // the stretched fibres take over (flexion-relaxation): in a full stoop the passive tissues
  // carry most of the L4/L5 moment.
  const Model& m = test::default_model();
  const int l4 = 1;  // disc index: bottom to top
  double peak = 0, peak_at = 0, full = 0;
  for (int angle = 0; angle <= 90; angle += 10) {
    const FrameResult f = test::analyze_text(m, fmt::format("name: s\nrhythms: {{trunk_flexion: {}}}\n", angle)).frames[0];
    ASSERT_EQ(f.status, RecruitmentStatus::ok) << angle;
    double erectors = 0;
    for (std::size_t i = 0; i < m.muscles.size(); ++i) {
      const std::string& g = m.muscles[i].group;
      if (g == "erector_spinae" || g == "erector_spinae_thoracic" || g == "multifidus") erectors += f.force_N[static_cast<int>(i)];
    }
    if (erectors > peak) peak = erectors, peak_at = angle;
    full = erectors;
    if (angle == 90) {
      const DiscLoad& d = f.disc[l4];
      ASSERT_EQ(m.joints[d.joint].name, "L4_L5");
      // External moment = active muscles + passive tissues + the disc and facets.
      const double passive = d.flexion_moment_Nm + d.muscle_flexion_moment_Nm + d.joint_flexion_moment_Nm;
      EXPECT_GT(passive, 0.5 * d.flexion_moment_Nm);
    }
  }
  EXPECT_GE(peak_at, 40);
  EXPECT_LE(peak_at, 80);
  EXPECT_LT(full, 0.85 * peak);
}

}  // namespace
}  // namespace spineload
