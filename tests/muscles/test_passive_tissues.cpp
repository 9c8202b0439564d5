// Passive tissues: ligaments as path elements with their force-strain curves, their
// per-level stiffness, and flexion-relaxation in a full stoop.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>

#include "dynamics/dynamics.hpp"
#include "muscles/muscle_geometry.hpp"
#include "muscles/passive_tissues.hpp"
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

TEST(PassiveTissues, EveryLevelsLigamentsPullAlikeAtTheSameShareOfItsRange) {
  // The same ligament template in each level's disc frame, its curve stiffened and
  // compressed in strain by the level's factor (muscles.yaml: mean range 10 deg / the
  // level's range): bent to the same share of its own range beyond the passive neutral
  // (2 deg), L5/S1 (range 9 deg) pulls as hard as L4/L5 (13 deg), and bent by the same angle
  // harder. Elongation is not quite linear in the angle, hence the 3 %.
  const Model& m = test::default_model();
  auto bent = [&](const char* coordinate, double deg) {
    return test::analyze_text(m, fmt::format("name: a\ncoordinates: {{{}: {}}}\n", coordinate, deg)).frames[0];
  };
  const FrameResult l4 = bent("L4_L5_flexion", 2 + 0.6 * 13), l5 = bent("L5_S1_flexion", 2 + 0.6 * 9);
  for (const char* lig : {"SSL", "ISL", "LF", "CL"}) {
    const std::string side = std::string(lig) == "CL" ? "_r" : "";
    const double f4 = force_of(m, l4, fmt::format("{}_L4_L5{}", lig, side)), f5 = force_of(m, l5, fmt::format("{}_L5_S1{}", lig, side));
    EXPECT_GT(f4, 10.0) << lig;
    EXPECT_NEAR(f5 / f4, 1.0, 0.03) << lig << " " << f4 << " " << f5;
  }
  const FrameResult l4_same = bent("L4_L5_flexion", 2 + 0.6 * 9);
  EXPECT_GT(force_of(m, l5, "SSL_L5_S1"), 1.3 * force_of(m, l4_same, "SSL_L4_L5"));
}

TEST(PassiveTissues, TheL4L5SegmentFlexesWithinThePublishedSpreadOfSpecimens) {
  // A motion segment alone, as tested in vitro under a pure moment: the disc's own stiffness
  // and the ligaments' pull about the joint (tension x -dL/dq), without the muscles' fibres.
  // Published figures for 7.5 N m of flexion: intact lumbar specimens 5-8 deg (Panjabi et
  // al. 1994, Heuer et al. 2007, as model.yaml recalls them), whole-segment stiffness 1.8 N
  // m/deg (Schmidt et al. 1998, as AnyBody's lumbar model takes it: 4.2 deg). The model is at
  // the stiff end of that spread; it may not leave it by more than the specimens' scatter.
  const Model& m = test::default_model();
  Data d(m);
  const int c = m.coordinate_index("L4_L5_flexion"), mb = m.coordinates[c].mb_index;
  auto moment_Nm = [&](double beyond_neutral_deg) {
    const double q_rad = (2.0 + beyond_neutral_deg) * M_PI / 180, h = 1e-5;  // passive neutral 2 deg
    auto at = [&](double q) {
      Eigen::VectorXd qv = Eigen::VectorXd::Zero(m.num_q), zero = Eigen::VectorXd::Zero(m.num_q);
      qv[mb] = q;
      forward_kinematics(m, d, qv, zero);
      d.passive_Nm.setZero(m.num_q);
      passive_moments(m, d);
      const double joint = d.passive_Nm[mb];
      muscle_geometry(m, d);
      passive_tissues(m, d);
      return std::make_pair(joint, Eigen::VectorXd(d.passive_length_m));
    };
    const auto [joint, length] = at(q_rad);
    const Eigen::VectorXd tension = d.passive_element_force_N;
    const Eigen::VectorXd shorter = at(q_rad - h).second, longer = at(q_rad + h).second;
    double ligaments = 0;
    for (std::size_t e = 0; e < m.passive_elements.size(); ++e)
      ligaments -= tension[static_cast<int>(e)] * (longer[static_cast<int>(e)] - shorter[static_cast<int>(e)]) / (2 * h);
    return joint + ligaments;  // negative: resisting flexion
  };
  EXPECT_NEAR(moment_Nm(0), 0.0, 0.6);  // at its neutral only the flavum's resting tension
  double lo = 0, hi = 12;               // the angle where the segment resists 7.5 N m
  for (int i = 0; i < 40; ++i) {
    const double mid = 0.5 * (lo + hi);
    (moment_Nm(mid) > -7.5 ? lo : hi) = mid;
  }
  EXPECT_GT(lo, 4.2 / 1.15);
  EXPECT_LT(lo, 8.0);
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
