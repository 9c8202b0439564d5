// The arms' joints balanced by joint torques (model.yaml limb_joint_strength): what they
// hold, where they give out, and what leaning on them does to the back.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sstream>
#include <string>

#include "analysis/analyze.hpp"
#include "output/results.hpp"
#include "posture/posture.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

JointTorque torque_at(const Model& m, const std::vector<JointTorque>& torques, const std::string& coordinate) {
  for (const JointTorque& t : torques)
    if (m.coordinates[t.coordinate].name == coordinate) return t;
  throw std::runtime_error("no joint torque at " + coordinate);
}

int row_of(const Model& m, const std::string& coordinate) {
  for (std::size_t k = 0; k < m.equilibrium_coordinates.size(); ++k)
    if (m.coordinates[m.equilibrium_coordinates[k]].name == coordinate) return static_cast<int>(k);
  return -1;
}

// Arms held straight forward: the shoulder's net moment is the arm's weight about the
// shoulder's axis (summed body by body from the poses, an independent route), and the
// flexion torque with the muscles that cross the shoulder (latissimus) holds exactly that.
TEST(LimbTorques, ArmsHeldForwardNeedTheMomentTheirWeightMakes) {
  const Model& m = test::default_model();
  Data d(m);
  const Posture p = parse_posture_text(m, "coordinates: {shoulder_r_flexion: 90, shoulder_l_flexion: 90}\n", "p.yaml");
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(p.q_rad[0].size());
  analyze_frame(m, d, p, p.q_rad[0], zero, zero, {});
  ASSERT_EQ(d.status, RecruitmentStatus::ok);
  const int c = m.coordinate_index("shoulder_r_flexion");
  const Joint& shoulder = m.joints[m.coordinates[c].joint];
  const Eigen::Vector3d centre = d.pose[shoulder.child_body].translation();
  const Eigen::Vector3d axis = d.pose[shoulder.child_body].linear() * m.coordinates[c].axis;
  double gravity_Nm = 0;
  for (std::size_t b = 0; b < m.bodies.size(); ++b)
    if (shoulder.in_subtree[b])
      gravity_Nm += (d.pose[b] * m.bodies[b].com_m - centre).cross(m.bodies[b].mass_kg * m.gravity_m_s2).dot(axis);
  // The arm's weight pulls it down, against flexion: about 3 kg at about 0.3 m.
  EXPECT_LT(gravity_Nm, -5.0);
  EXPECT_NEAR(d.tau_Nm[m.coordinates[c].mb_index], -gravity_Nm, 1e-9);
  FrameResult f;
  f.actuator_control = d.actuator_control;
  const JointTorque t = torque_at(m, joint_torques(m, f), "shoulder_r_flexion");
  double muscles_Nm = 0;
  for (std::size_t k = 0; k < m.muscles.size(); ++k) muscles_Nm += d.force_N[k] * d.moment_arm_m(c, k);
  EXPECT_NEAR(t.torque_Nm + muscles_Nm + d.passive_Nm[c] + d.reserve_Nm[row_of(m, "shoulder_r_flexion")],
              d.tau_Nm[m.coordinates[c].mb_index], 1e-6);
  EXPECT_GT(t.torque_Nm, 5.0);
  EXPECT_NEAR(t.strength_Nm, 34 * m.mass_kg / 61.9, 1e-9);
}

// Arms straight out with 15 kg in each hand: about 90 N m at each shoulder, where women's
// flexion strength is 34 N m. The torque gives its all and a reserve, flagged, takes the rest.
TEST(LimbTorques, AShoulderAskedBeyondItsStrengthLeavesAFlaggedReserve) {
  const Model& m = test::default_model();
  const PostureResult r = test::analyze_text(
      m, "coordinates: {shoulder_r_flexion: 90, shoulder_l_flexion: 90}\nloads:\n  - {type: hand_mass, mass_kg: 30, hands: both}\n");
  const FrameResult& f = r.frames[0];
  EXPECT_EQ(f.status, RecruitmentStatus::beyond_muscle_capacity);
  const JointTorque t = torque_at(m, joint_torques(m, f), "shoulder_r_flexion");
  EXPECT_NEAR(t.torque_Nm, t.strength_Nm, 1e-3 * t.strength_Nm);  // at its strength, and no further
  EXPECT_GT(f.reserve_Nm[row_of(m, "shoulder_r_flexion")], 40.0);
}

// Seated, bent forward as far as AnyBody poses it, upper arms hanging: resting, the rests
// under the elbows carry at most the arms; leaning on them, they carry part of the trunk, the
// back's load falls, and shoulders and elbows stay within their strength.
TEST(LimbTorques, LeaningOnTheElbowsCarriesPartOfTheTrunkAndLightensTheBack) {
  const Model& m = test::default_model();
  const std::string posture =
      "support: seated\nrhythms: {trunk_flexion: 0}\ncoordinates: {L5_S1_flexion: 6.6, L4_L5_flexion: 9.5, L3_L4_flexion: 8.8,"
      " L2_L3_flexion: 7.3, L1_L2_flexion: 5.9, T12_L1_flexion: 5.9, hip_r_flexion: 85, hip_l_flexion: 85,"
      " knee_r_flexion: 75, knee_l_flexion: 75, shoulder_r_flexion: 44, shoulder_l_flexion: 44,"
      " elbow_r_flexion: 100, elbow_l_flexion: 100}\n";
  const PostureResult resting = test::analyze_text(m, posture + "arm_rest: {at: elbow, friction: 0}\n");
  const PostureResult leaning = test::analyze_text(m, posture + "arm_rest: {at: elbow, friction: 0, lean: true}\n");
  const double arm_N = (m.bodies[m.body_index("upper_arm_r")].mass_kg + m.bodies[m.body_index("forearm_r")].mass_kg +
                        m.bodies[m.body_index("hand_r")].mass_kg) * m.gravity_m_s2.norm();
  auto carried = [](const PostureResult& r) {
    double n = 0;
    for (std::size_t k = 0; k < r.contact_labels.size(); ++k)
      if (r.contact_labels[k].rfind("rest under elbow of forearm_r", 0) == 0) n += r.frames[0].contact_force_N[k];
    return n;
  };
  EXPECT_LE(carried(resting), arm_N + 1e-6);
  EXPECT_GT(carried(leaning), 1.5 * arm_N);
  const int l4l5 = 1;
  EXPECT_LT(leaning.frames[0].disc[l4l5].compression_N, 0.9 * resting.frames[0].disc[l4l5].compression_N);
  EXPECT_EQ(leaning.frames[0].status, RecruitmentStatus::ok);
  for (const JointTorque& t : joint_torques(m, leaning.frames[0])) EXPECT_LT(t.share(), 1.0) << m.coordinates[t.coordinate].name;
}

// Lying on her right side the left arm lies on her flank: its shoulder holds nothing up, and
// the flank contacts carry the arm.
TEST(LimbTorques, OnHerSideTheTopArmRestsOnHerFlankNotOnItsShoulder) {
  const Model& m = test::default_model();
  const PostureResult r = test::analyze_text(m, "support: lying_right\n");
  EXPECT_EQ(r.frames[0].status, RecruitmentStatus::ok);
  for (const char* c : {"shoulder_l_flexion", "shoulder_l_abduction", "shoulder_l_rotation", "elbow_l_flexion"})
    EXPECT_LT(std::abs(torque_at(m, joint_torques(m, r.frames[0]), c).torque_Nm), 1.0) << c;
  double on_flank = 0;
  for (std::size_t k = 0; k < r.contact_labels.size(); ++k)
    if (r.contact_labels[k].rfind("her ", 0) == 0) on_flank += r.frames[0].contact_force_N[k];
  EXPECT_GT(on_flank, 10.0);
}

TEST(LimbTorques, JsonGivesEachJointTorqueWithItsStrength) {
  const Model& m = test::default_model();
  const PostureResult r = test::analyze_text(m, "coordinates: {shoulder_r_flexion: 90, shoulder_l_flexion: 90}\n");
  const auto j = results_json(m, r);
  const auto& torques = j["frames"][0]["joint_torques"];
  ASSERT_EQ(torques.size(), 8u);
  const JointTorque t = torque_at(m, joint_torques(m, r.frames[0]), "shoulder_r_flexion");
  bool found = false;
  for (const auto& e : torques)
    if (e["coordinate"] == "shoulder_r_flexion") {
      found = true;
      EXPECT_NEAR(e["torque_Nm"].get<double>(), t.torque_Nm, 1e-12);
      EXPECT_NEAR(e["strength_Nm"].get<double>(), t.strength_Nm, 1e-12);
      EXPECT_NEAR(e["share_of_strength"].get<double>(), t.torque_Nm / t.strength_Nm, 1e-12);
    }
  EXPECT_TRUE(found);

  // The joints CSV gives the same torque and strength on the coordinate's row, nothing on a
  // spinal one.
  const auto files = render_results(m, r, {Format::csv});
  std::istringstream in(files.at("test_joints.csv"));
  std::string line, shoulder, lumbar;
  std::getline(in, line);
  EXPECT_EQ(line.substr(line.size() - 27), "joint_torque_Nm,strength_Nm");
  while (std::getline(in, line)) {
    if (line.find(",shoulder_r_flexion,") != std::string::npos) shoulder = line;
    if (line.find(",L4_L5_flexion,") != std::string::npos) lumbar = line;
  }
  EXPECT_EQ(shoulder.substr(shoulder.rfind(',', shoulder.rfind(',') - 1) + 1),
            fmt::format("{:.6g},{:.6g}", t.torque_Nm, t.strength_Nm));
  EXPECT_EQ(lumbar.substr(lumbar.size() - 2), ",,");
}

}  // namespace
}  // namespace spineload
