#include <gtest/gtest.h>

#include "dynamics/dynamics.hpp"
#include "interop/osim_import.hpp"
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

// A path's pulls on the bodies (what joint reactions apply) and its moving points' slides
// map through the Jacobian to exactly tension x its moment arms: straight paths and the
// intra-abdominal push on the default model, moving and conditional points on a knee,
// wrapped paths on OpenSim's gait2392 (when ../shared holds it).
void expect_pulls_give_moment_arms(const Model& m, const Eigen::VectorXd& q) {
  Data d(m);
  forward_kinematics(m, d, q, Eigen::VectorXd::Zero(static_cast<long>(m.coordinates.size())));
  muscle_geometry(m, d);
  for (std::size_t k = 0; k < m.muscles.size(); ++k) {
    std::vector<mb::SpatialForce> applied(m.bodies.size());
    Eigen::VectorXd mobility = Eigen::VectorXd::Zero(m.num_q), g = Eigen::VectorXd::Zero(m.num_q);
    const double tension = 250;
    add_path_pull(m, d, m.muscles[k], tension, applied, mobility);
    for (std::size_t b = 0; b < m.bodies.size(); ++b)
      add_body_force(d, static_cast<int>(b), applied[b].moment_Nm, applied[b].force_N, g);
    g += mobility;
    for (std::size_t c = 0; c < m.coordinates.size(); ++c)
      EXPECT_NEAR(g[m.coordinates[c].mb_index], tension * d.moment_arm_m(static_cast<int>(c), static_cast<int>(k)), 1e-9)
          << m.muscles[k].name << " about " << m.coordinates[c].name;
  }
}

TEST(MuscleGeometry, APathsPullsOnBodiesGiveTensionTimesItsMomentArms) {
  const Model& def = test::default_model();
  expect_pulls_give_moment_arms(def, builtin_posture(def, "trunk_flexed_30").q_rad[0]);
  const ImportedModel knee = import_osim_file(test::source_path("tests/data/osim/knee_3x.osim"));
  for (double k : {-1.5, -0.2}) {
    Eigen::VectorXd q(2);
    q[knee.model->coordinate_index("knee_angle")] = k;
    q[knee.model->coordinate_index("patella_angle")] = 0.5 * k;
    expect_pulls_give_moment_arms(*knee.model, q);
  }
  const std::string dir = test::shared_path("opensim-models");
  if (dir.empty()) GTEST_SKIP() << "../shared/opensim-models is absent";
  const ImportedModel gait = import_osim_file(dir + "/subject01_gait2392_scaled.osim");
  const Model& g = *gait.model;
  Eigen::VectorXd q = Eigen::VectorXd::Zero(static_cast<long>(g.coordinates.size()));
  q[g.coordinate_index("hip_flexion_r")] = 0.6;
  q[g.coordinate_index("knee_angle_r")] = -1.2;
  q[g.coordinate_index("ankle_angle_r")] = 0.2;
  expect_pulls_give_moment_arms(g, q);
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
