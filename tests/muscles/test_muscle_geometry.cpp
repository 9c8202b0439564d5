#include <gtest/gtest.h>

#include "dynamics/dynamics.hpp"
#include "muscles/muscle_geometry.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

// The moment arm (generalised force per newton, from the Jacobian) must equal -dL/dq (+dL/dq
// for the intra-abdominal pressure, which pushes), checked by central differences of the
// path length on the default model.
TEST(MuscleGeometry, MomentArmsEqualMinusLengthDerivative) {
  const Model& m = test::default_model();
  Data d(m);
  const int nc = static_cast<int>(m.coordinates.size());
  Eigen::VectorXd q = builtin_posture(m, "trunk_flexed_30").q_rad[0];
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(nc);
  forward_kinematics(m, d, q, zero);
  muscle_geometry(m, d);
  const Eigen::MatrixXd arms = d.moment_arm_m;
  const double h = 1e-6;
  for (int c : m.equilibrium_coordinates) {
    Eigen::VectorXd qp = q, qm = q;
    qp[c] += h;
    qm[c] -= h;
    forward_kinematics(m, d, qp, zero);
    muscle_geometry(m, d);
    const Eigen::VectorXd lp = d.length_m;
    forward_kinematics(m, d, qm, zero);
    muscle_geometry(m, d);
    const Eigen::VectorXd lm = d.length_m;
    for (int k = 0; k < static_cast<int>(m.muscles.size()); ++k)
      EXPECT_NEAR(arms(c, k), (m.muscles[k].pushes ? 1 : -1) * (lp[k] - lm[k]) / (2 * h), 1e-7)
          << m.coordinates[c].name << " " << m.muscles[k].name;
  }
}

TEST(MuscleGeometry, ErectorSpinaeExtendAndRectusAbdominisFlexesL4L5) {
  const Model& m = test::default_model();
  Data d(m);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(m.coordinates.size()));
  forward_kinematics(m, d, zero, zero);
  muscle_geometry(m, d);
  const int c = m.coordinate_index("L4_L5_flexion");
  // Female moment arms at L4/L5 are about 5-6 cm (erector spinae) and 8-9 cm (rectus).
  EXPECT_LT(d.moment_arm_m(c, m.muscle_index("LTpT_T8_r")), -0.05);
  EXPECT_GT(d.moment_arm_m(c, m.muscle_index("RA_r")), 0.07);
}

}  // namespace
}  // namespace spineload
