// OpenSim analyses on imported models: muscle physiology and static optimisation.
#include <gtest/gtest.h>

#include <cmath>

#include "interop/opensim_tools.hpp"
#include "interop/osim_import.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

TEST(MusclePhysiology, ThelenRigidTendonScale) {
  MuscleTendon m;
  m.optimal_fiber_length_m = 0.1;
  m.tendon_slack_length_m = 0.2;
  m.pennation_at_optimal_rad = 0.2;
  m.kshape_active = 0.5;
  m.af = 0.3;
  m.flen = 1.8;
  const double at_optimum = 0.2 + 0.1 * std::cos(0.2);
  // At optimal fibre length, still: the pennation cosine alone.
  EXPECT_NEAR(thelen_rigid_tendon_scale(m, at_optimum, 0), std::cos(0.2), 1e-12);
  // Shorter than its tendon: no force.
  EXPECT_DOUBLE_EQ(thelen_rigid_tendon_scale(m, 0.19, 0), 0.0);
  // Shortening at the maximum speed (10 fibre lengths per second along the fibre): none.
  EXPECT_NEAR(thelen_rigid_tendon_scale(m, at_optimum, -1.0 / std::cos(0.2)), 0.0, 1e-12);
  // Lengthening fast: towards Flen.
  EXPECT_NEAR(thelen_rigid_tendon_scale(m, at_optimum, 1e3) / std::cos(0.2), 1.8, 1e-2);
  // Half the speed of shortening: (1 - 0.5) / (1 + 0.5 / Af).
  EXPECT_NEAR(thelen_rigid_tendon_scale(m, at_optimum, -0.5 / std::cos(0.2)) / std::cos(0.2), 0.5 / (1 + 0.5 / 0.3), 1e-12);
}




TEST(StaticOptimization, CoordinateActuatorsAndMusclesShareTheLoad) {
  // The 4.x leg held with the hip flexed and the knee nearly straight: its hip has only a coordinate
  // actuator (100 N m per unit control), its knee only the vasti.
  const ImportedModel im = import_osim_file(test::source_path("tests/data/osim/leg_4x.osim"));
  const Model& m = *im.model;
  // Thigh raised, shank ahead of vertical: the vasti must extend the knee.
  const Storage st = test::motion_table({"hip_flexion", "knee_angle"}, 11, [](int, int c) { return c == 0 ? 1.2 : -0.3; });
  const Motion motion = motion_from_storage(m, st, {}, "hold.sto");
  const Storage id = inverse_dynamics_table(m, motion);
  const StaticOptimizationTables so = static_optimization_tables(m, motion, {});
  ASSERT_EQ(so.activation.labels.back(), "hip_motor");
  EXPECT_EQ(so.frames_beyond_capacity, 0);
  // The motor alone holds the hip: control x 100 N m equals the inverse-dynamics moment.
  EXPECT_NEAR(so.force.data(5, 1), id.data(5, id.column("hip_flexion_moment")), 1e-6);
  EXPECT_NEAR(so.activation.data(5, 1) * 100, so.force.data(5, 1), 1e-9);
  // The vasti alone hold the knee: activation x 3000 N x moment arm equals its moment.
  EXPECT_GT(so.activation.data(5, 0), 0.0);
  EXPECT_LT(so.activation.data(5, 0), 1.0);
}

}  // namespace
}  // namespace spineload
