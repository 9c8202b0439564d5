#include <gtest/gtest.h>

#include <cmath>

#include "loads/disc_loads.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

TEST(DiscLoads, OneJointCompressionIsWeightPlusMuscleForce) {
  // 50 kg trunk (490.3325 N) plus the 980.665 N extensor, both vertical: 1470.9975 N of
  // compression, no shear, 49.03325 N m of flexion load moment.
  const auto m = test::test_model("one_joint");
  const DiscLoad d = test::analyze_text(*m, "name: upright\n").frames[0].disc[0];
  EXPECT_NEAR(d.compression_N, 1470.9975, 1e-6);
  EXPECT_NEAR(d.shear_ap_N, 0.0, 1e-9);
  EXPECT_NEAR(d.shear_lateral_N, 0.0, 1e-9);
  EXPECT_NEAR(d.flexion_moment_Nm, 49.03325, 1e-9);
  EXPECT_NEAR(d.lateral_moment_Nm, 0.0, 1e-9);
  EXPECT_NEAR(d.joint_flexion_moment_Nm, 0.0, 1e-6);  // no rotation, no passive moment
}

TEST(DiscLoads, WeakJointStillReportsFiniteLoadsWithTheMuscleSaturated) {
  const auto m = test::test_model("weak_joint");
  const DiscLoad d = test::analyze_text(*m, "name: upright\n").frames[0].disc[0];
  EXPECT_NEAR(d.compression_N, 490.3325 + 60.0, 1e-3);
  // What the saturated muscle (3 N m) cannot carry the joint does, as reserve: 46.03 N m.
  EXPECT_NEAR(d.joint_flexion_moment_Nm, -46.03325, 1e-3);
}

TEST(DiscLoads, LeaningShearsTheDiscForward) {
  // Base 10 deg and joint 10 deg forward: the disc mid-plane is turned 15 deg, so the
  // trunk's weight has 490.3325 * sin(15 deg) along it, pushing the upper side anteriorly;
  // the muscle adds its force times the direction cosine of its line on the same axis.
  const auto m = test::test_model("one_joint");
  Data d(*m);
  const Posture p = parse_posture_text(*m, "rhythms: {lean: 20}\n", "p.yaml");
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(m->coordinates.size()));
  analyze_frame(*m, d, p, p.q_rad[0], zero, zero, {});
  const double tilt = 15 * M_PI / 180;
  const Eigen::Vector3d anterior(std::cos(tilt), -std::sin(tilt), 0);
  const Eigen::Vector3d pull = (d.path_m[0][0] - d.path_m[0][1]).normalized();  // on the trunk, towards the base
  const double expected = 490.3325 * std::sin(tilt) + d.force_N[0] * pull.dot(anterior);
  EXPECT_NEAR(d.disc[0].shear_ap_N, expected, 1e-6);
  EXPECT_NEAR(d.passive_Nm[m->coordinate_index("J_flexion")], -5.0, 1e-9);
  EXPECT_GT(d.disc[0].shear_ap_N, 0.0);
  // The joint itself carries only the passive 5 N m of extension (0.5 N m/deg x 10 deg):
  // the muscle balances the rest of the load moment.
  EXPECT_NEAR(d.disc[0].joint_flexion_moment_Nm, -5.0, 1e-6);
  EXPECT_NEAR(d.disc[0].joint_lateral_moment_Nm, 0.0, 1e-9);
}

TEST(DiscLoads, BackrestHoldsATrunkLeaningBack) {
  // Trunk leaning back 20 deg: its weight (490.3325 N) acts 0.07704 m behind the joint,
  // 37.776 N m of extension; the joint's passive stiffness gives back 10 N m (0.5 N m/deg);
  // the extensor cannot help, so the backrest (normal at 20 deg, lever 0.2000 m about the
  // joint) pushes 27.776 / 0.2 = 138.88 N and no reserve is needed.
  const auto m = test::test_model("one_joint");
  const FrameResult f = test::analyze_text(*m, "support: seated\nbackrest: {inclination_deg: 20, friction: 0}\n"
                                                "coordinates: {J_flexion: -20}\n").frames[0];
  ASSERT_EQ(f.contact_force_N.size(), 1);
  EXPECT_NEAR(f.contact_force_N[0], 138.88, 0.01);
  EXPECT_NEAR(f.force_N[0], 0.0, 1e-6);
  EXPECT_EQ(f.status, RecruitmentStatus::ok);
  // Without the backrest the same posture needs a flexion reserve of 27.776 N m.
  const FrameResult alone = test::analyze_text(*m, "support: seated\ncoordinates: {J_flexion: -20}\n").frames[0];
  EXPECT_NEAR(alone.reserve_Nm[0], 27.776, 0.01);
  EXPECT_EQ(alone.status, RecruitmentStatus::beyond_muscle_capacity);
}

TEST(DiscLoads, SymmetricStandingHasNoLateralLoadAndEqualSides) {
  const Model& m = test::default_model();
  const FrameResult f = test::analyze_text(m, "name: standing\n").frames[0];
  for (const auto& d : f.disc) {
    EXPECT_NEAR(d.shear_lateral_N, 0.0, 1e-6);
    EXPECT_NEAR(d.lateral_moment_Nm, 0.0, 1e-9);
    EXPECT_NEAR(d.torsion_moment_Nm, 0.0, 1e-9);
  }
  for (std::size_t k = 0; k + 1 < m.muscles.size(); k += 2) {
    ASSERT_EQ(m.muscles[k].name.substr(0, m.muscles[k].name.size() - 2),
              m.muscles[k + 1].name.substr(0, m.muscles[k + 1].name.size() - 2));
    EXPECT_NEAR(f.force_N[k], f.force_N[k + 1], 1e-6) << m.muscles[k].name;
  }
}

TEST(DiscLoads, LeftAndRightBendingMirrorEachOther) {
  const Model& m = test::default_model();
  const FrameResult right = test::analyze_text(m, "rhythms: {trunk_lateral_bending: 15}\n").frames[0];
  const FrameResult left = test::analyze_text(m, "rhythms: {trunk_lateral_bending: -15}\n").frames[0];
  for (std::size_t k = 0; k < right.disc.size(); ++k) {
    EXPECT_NEAR(right.disc[k].compression_N, left.disc[k].compression_N, 1e-6);
    EXPECT_NEAR(right.disc[k].shear_lateral_N, -left.disc[k].shear_lateral_N, 1e-6);
    EXPECT_NEAR(right.disc[k].lateral_moment_Nm, -left.disc[k].lateral_moment_Nm, 1e-9);
  }
  EXPECT_GT(right.disc[1].lateral_moment_Nm, 1.0);  // bending right loads L4/L5 to the right
  for (std::size_t k = 0; k + 1 < m.muscles.size(); k += 2) EXPECT_NEAR(right.force_N[k], left.force_N[k + 1], 1e-6);
}

TEST(DiscLoads, FlexionAndAHeldMassRaiseLumbarCompression) {
  const Model& m = test::default_model();
  Data d(m);
  auto l5s1 = [&](const std::string& name) {
    return analyze_posture(m, d, builtin_posture(m, name), {}).frames[0].disc[0].compression_N;
  };
  const double standing = l5s1("standing_relaxed");
  EXPECT_GT(l5s1("trunk_flexed_30"), standing);
  EXPECT_GT(l5s1("trunk_flexed_60"), l5s1("trunk_flexed_30"));
  EXPECT_GT(l5s1("holding_5kg_60cm"), l5s1("holding_5kg_30cm"));
  EXPECT_GT(l5s1("holding_5kg_30cm"), standing);
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

TEST(DiscLoads, TheRibCageSharesTheMidThoracicLoad) {
  // Holding 5 kg in front: the mid-thoracic moment is close to the lumbosacral one, but the
  // rib cage and sternum carry a third of the force across the mid-thorax (Iyer et al. 2010),
  // so the lumbosacral disc stays the most compressed.
  const Model& m = test::default_model();
  const PostureResult r = test::analyze_text(
      m, "name: h\ncoordinates: {elbow_r_flexion: 90, elbow_l_flexion: 90}\nloads:\n  - {type: hand_mass, mass_kg: 5}\n");
  const auto& d = r.frames[0].disc;
  double t6 = 0, l5 = 0;
  for (const DiscLoad& x : d) {
    if (m.joints[x.joint].name == "T6_T7") t6 = x.compression_N;
    if (m.joints[x.joint].name == "L5_S1") l5 = x.compression_N;
    EXPECT_NEAR(m.joints[x.joint].column_share, m.joints[x.joint].name == "T6_T7" ? 0.67 : 1.0, 1e-12);
  }
  EXPECT_GT(t6, 200);
  EXPECT_LT(t6, l5);
}

}  // namespace
}  // namespace spineload
