#include <gtest/gtest.h>

#include <cmath>

#include "dynamics/dynamics.hpp"
#include "loads/disc_loads.hpp"
#include "multibody/system.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

void run_static(const Model& m, Data& d, const Posture& p) {
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(m.coordinates.size()));
  forward_kinematics(m, d, p.q_rad[0], zero);
  apply_loads(m, d, p.loads);
  inverse_dynamics(m, d, zero);
  passive_moments(m, d);
}

TEST(Dynamics, OneJointHoldsTheTrunkWeightTimesItsLever) {
  // Trunk 50 kg with its COM 0.1 m in front of the joint: 50 * 9.80665 * 0.1 N m of
  // extension must be supplied (the flexion coordinate's generalised force is negative).
  const auto m = test::test_model("one_joint");
  Data d(*m);
  run_static(*m, d, parse_posture_text(*m, "name: upright\n", "p.yaml"));
  EXPECT_NEAR(d.tau_Nm[m->coordinate_index("J_flexion")], -49.03325, 1e-9);
  EXPECT_NEAR(d.tau_Nm[m->coordinate_index("J_lateral_bending")], 0.0, 1e-9);
}

TEST(Dynamics, InverseDynamicsMatchesTheSubtreeMomentAtEverySpinalLevel) {
  // Two independent computations: the joint chain's residual forces, and the moment of every load
  // above a joint about its centre projected on the coordinate's axis.
  const Model& m = test::default_model();
  Data d(m);
  run_static(m, d, builtin_posture(m, "holding_5kg_30cm"));
  test::expect_inverse_dynamics_matches_subtree_loads(m, d, 1e-9);
}

TEST(Dynamics, JointJacobianMatchesSimbodysSystemJacobian) {
  const Model& m = test::default_model();
  Data d(m);
  run_static(m, d, parse_posture_text(m, "rhythms: {trunk_flexion: 35, trunk_lateral_bending: 10, trunk_axial_rotation: 15}\n"
                                         "coordinates: {shoulder_r_flexion: 70, shoulder_r_abduction: 20, elbow_l_flexion: 45}\n",
                                      "p.yaml"));
  Eigen::MatrixXd reference;
  mb::set_state(*m.multibody, *d.ws, d.q, d.u);  // the chain computed d; Simbody is asked here
  mb::system_jacobian(*m.multibody, *d.ws, reference);
  EXPECT_LT((d.jacobian - reference).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(Dynamics, BodyPosesFromTheJointChainMatchSimbodys) {
  // forward_kinematics walks the joint chain itself on the built-in model; Simbody's
  // realize(Position) must put every body in the same place.
  const Model& m = test::default_model();
  const Posture p = parse_posture_text(
      m, "rhythms: {trunk_flexion: 50, trunk_lateral_bending: -12, trunk_axial_rotation: 20, head_flexion: 15}\n"
         "coordinates: {shoulder_r_flexion: 110, shoulder_l_abduction: 40, elbow_r_flexion: 80, knee_l_flexion: 35,\n"
         "              hip_r_flexion: 25, ankle_r_dorsiflexion: 10}\n",
      "p.yaml");
  Data simbody(m), chain(m);
  forward_kinematics(m, chain, p.q_rad[0], Eigen::VectorXd::Zero(p.q_rad[0].size()));
  mb::set_state(*m.multibody, *simbody.ws, chain.q, chain.u);
  mb::body_poses(*m.multibody, *simbody.ws, simbody.pose);
  ASSERT_EQ(simbody.pose.size(), chain.pose.size());
  for (std::size_t b = 0; b < chain.pose.size(); ++b) {
    EXPECT_LT((simbody.pose[b].translation() - chain.pose[b].translation()).norm(), 1e-12) << m.bodies[b].name;
    EXPECT_LT((simbody.pose[b].linear() - chain.pose[b].linear()).cwiseAbs().maxCoeff(), 1e-12) << m.bodies[b].name;
  }
}

TEST(Dynamics, TheJointChainsInverseDynamicsIsSimbodysWhileMoving) {
  // Built-in models take poses, Jacobian, accelerations and the residual forces from the
  // joint chain (no Simbody realisation, no allocation); Simbody's own residual and body
  // accelerations for the same state must agree, at every coordinate and body.
  const Model& m = test::default_model();
  const int nc = static_cast<int>(m.coordinates.size());
  const Posture p = parse_posture_text(
      m, "rhythms: {trunk_flexion: 40, trunk_lateral_bending: 10, trunk_axial_rotation: -15}\n"
         "coordinates: {shoulder_r_flexion: 60, elbow_l_flexion: 70, hip_r_flexion: 20, knee_r_flexion: 30}\n"
         "loads:\n  - {type: hand_mass, mass_kg: 4, hands: both}\n",
      "p.yaml");
  Eigen::VectorXd qdot(nc), qddot(nc);
  for (int c = 0; c < nc; ++c) {  // every coordinate moving, deterministic
    qdot[c] = 0.7 * std::sin(1.3 * c + 0.2);
    qddot[c] = 4.0 * std::cos(0.9 * c + 0.5);
  }
  Data chain(m);
  forward_kinematics(m, chain, p.q_rad[0], qdot);
  apply_loads(m, chain, p.loads, Eigen::Vector3d(0.8, 2.5, -0.4));
  inverse_dynamics(m, chain, qddot);
  Data simbody(m);
  mb::set_state(*m.multibody, *simbody.ws, chain.q, chain.u);
  Eigen::VectorXd tau;
  mb::inverse_dynamics(*m.multibody, *simbody.ws, chain.udot, chain.applied, tau);
  double scale = 1;
  for (int c = 0; c < nc; ++c) scale = std::max(scale, std::abs(chain.tau_Nm[c]));
  for (int c = 0; c < nc; ++c)
    EXPECT_NEAR(chain.tau_Nm[c], tau[m.coordinates[c].mb_index], 1e-10 * scale) << m.coordinates[c].name;
  std::vector<Eigen::Vector3d> alpha, a_origin, omega;
  mb::body_accelerations(*m.multibody, *simbody.ws, chain.udot, alpha, a_origin);
  mb::body_angular_velocities(*m.multibody, *simbody.ws, omega);
  for (std::size_t b = 0; b < m.bodies.size(); ++b) {
    EXPECT_LT((chain.body_omega[b] - omega[b]).norm(), 1e-10) << m.bodies[b].name;
    EXPECT_LT((chain.body_alpha[b] - alpha[b]).norm(), 1e-9) << m.bodies[b].name;
    EXPECT_LT((chain.body_a_origin[b] - a_origin[b]).norm(), 1e-9) << m.bodies[b].name;
  }
  EXPECT_GT(scale, 10.0);
}

TEST(Dynamics, PassiveMomentResistsRotation) {
  const auto m = test::test_model("one_joint");
  Data d(*m);
  run_static(*m, d, parse_posture_text(*m, "coordinates: {J_flexion: 10}\n", "p.yaml"));
  EXPECT_NEAR(d.passive_Nm[m->coordinate_index("J_flexion")], -5.0, 1e-9);  // 0.5 N m/deg * 10 deg
}

TEST(Dynamics, CentreOfMassOverTheFeetInRelaxedStanding) {
  const auto m = test::test_model("one_joint");
  Data d(*m);
  run_static(*m, d, parse_posture_text(*m, "name: upright\n", "p.yaml"));
  balance(*m, d, Support::standing);
  // COM x = (5 * 0 + 50 * 0.1) / 55; support rectangle x in [-0.2, 0.2], z in [-0.1, 0.1].
  EXPECT_NEAR(d.balance.com_m.x(), 5.0 / 55.0, 1e-12);
  EXPECT_TRUE(d.balance.com_over_support);
  EXPECT_NEAR(d.balance.margin_m, 0.1, 1e-12);
}

TEST(Dynamics, LeaningFarForwardPutsTheCentreOfMassOutsideTheFeet) {
  const auto m = test::test_model("one_joint");
  Data d(*m);
  run_static(*m, d, parse_posture_text(*m, "coordinates: {base_tilt: 60}\n", "p.yaml"));
  balance(*m, d, Support::standing);
  EXPECT_FALSE(d.balance.com_over_support);
  EXPECT_LT(d.balance.margin_m, 0);
}

}  // namespace
}  // namespace spineload
