#include <gtest/gtest.h>

#include <cmath>

#include "multibody/system.hpp"

namespace spineload::mb {
namespace {

// A 2 kg point-like body 0.5 m along +x from a pin about z: holding it still against
// gravity needs tau = m g l = 9.80665 N m about +z (hand calculation).
TEST(MultibodySystem, PinHoldingAMassNeedsMassTimesGravityTimesLever) {
  BodySpec b;
  b.mass_kg = 2;
  b.com_m = {0.5, 0, 0};
  b.inertia_kg_m2 = 1e-4 * Eigen::Matrix3d::Identity();
  b.axes = {Eigen::Vector3d::UnitZ()};
  System sys({b});
  Workspace ws(sys);
  set_state(sys, ws, Eigen::VectorXd::Zero(1), Eigen::VectorXd::Zero(1));
  std::vector<SpatialForce> applied(1);
  applied[0].force_N = {0, -2 * 9.80665, 0};
  applied[0].moment_Nm = Eigen::Vector3d(0.5, 0, 0).cross(applied[0].force_N);
  Eigen::VectorXd tau;
  inverse_dynamics(sys, ws, Eigen::VectorXd::Zero(1), applied, tau);
  EXPECT_NEAR(tau[0], 2 * 9.80665 * 0.5, 1e-12);
  // Accelerating it at 3 rad/s^2 adds I_O alpha = (m l^2 + I_zz) alpha.
  inverse_dynamics(sys, ws, Eigen::VectorXd::Constant(1, 3.0), applied, tau);
  EXPECT_NEAR(tau[0], 2 * 9.80665 * 0.5 + (2 * 0.25 + 1e-4) * 3.0, 1e-10);
}

TEST(MultibodySystem, GimbalAxesFollowTheGivenSequence) {
  // Axes (-z, x, -y): a first coordinate of +90 deg turns the body's +y axis to +x.
  BodySpec b;
  b.mass_kg = 1;
  b.inertia_kg_m2 = Eigen::Matrix3d::Identity();
  b.axes = {-Eigen::Vector3d::UnitZ(), Eigen::Vector3d::UnitX(), -Eigen::Vector3d::UnitY()};
  System sys({b});
  Workspace ws(sys);
  Eigen::VectorXd q = Eigen::VectorXd::Zero(3);
  q[0] = M_PI / 2;
  set_state(sys, ws, q, Eigen::VectorXd::Zero(3));
  std::vector<Eigen::Isometry3d> poses;
  body_poses(sys, ws, poses);
  const Eigen::Vector3d y = poses[0].linear() * Eigen::Vector3d::UnitY();
  EXPECT_NEAR(y.x(), 1.0, 1e-12);
  EXPECT_NEAR(y.y(), 0.0, 1e-12);
}

}  // namespace
}  // namespace spineload::mb
