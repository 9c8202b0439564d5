// OpenSim analyses on imported models: muscle physiology and static optimisation.
#include <gtest/gtest.h>

#include <cmath>

#include "interop/opensim_tools.hpp"
#include "interop/osim_import.hpp"
#include "muscles/thelen2003.hpp"
#include "common/errors.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

TEST(MusclePhysiology, OnlyImplementedClassesAreScaled) {
  Muscle m;
  m.name = "vasti";
  m.max_isometric_force_N = 1000;
  m.tendon.optimal_fiber_length_m = 0.1;
  m.tendon.tendon_slack_length_m = 0.2;
  // A path actuator gives its optimal force whatever the path does.
  m.tendon.type = "PathActuator";
  EXPECT_DOUBLE_EQ(muscle_physiology_scale(m, 0.25, -0.3), 1.0);
  // A Thelen muscle at optimal fibre length (tendon at 3.3 % strain), still: its full force.
  m.tendon.type = "Thelen2003Muscle";
  EXPECT_NEAR(muscle_physiology_scale(m, 0.2 * 1.033 + 0.1, 0), thelen2003::generic_force_velocity(0), 1e-6);
  // Another class: refused, naming the muscle.
  m.tendon.type = "Millard2012EquilibriumMuscle";
  try {
    muscle_physiology_scale(m, 0.3, 0);
    ADD_FAILURE() << "expected a refusal";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "muscle vasti");
    EXPECT_NE(std::string(e.what()).find("Millard2012EquilibriumMuscle"), std::string::npos);
  }
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

namespace spineload {
namespace {

InputError motion_error(Storage st) {
  const ImportedModel im = import_osim_file(test::source_path("tests/data/osim/leg_4x.osim"));
  st.row_line.resize(st.time_s.size());
  for (std::size_t i = 0; i < st.row_line.size(); ++i) st.row_line[i] = 7 + static_cast<int>(i);
  try {
    (void)motion_from_storage(*im.model, st, {}, "m.sto");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError("", 0, "", "");
}

TEST(MotionBoundary, ARepeatedTimeIsRefusedAtItsLine) {
  Storage st = test::motion_table({"hip_flexion", "knee_angle"}, 8, [](int, int) { return 0.2; });
  st.time_s[4] = st.time_s[3];
  const InputError e = motion_error(st);
  EXPECT_EQ(e.file(), "m.sto");
  EXPECT_EQ(e.line(), 11);
  EXPECT_EQ(e.field(), "time");
}

TEST(MotionBoundary, AValueNoPostureCanHaveIsRefusedWhereItStands) {
  for (const double v : {1e308, -1e300, 1e200, 1e100, 50.0}) {  // 50 rad: eight turns
    Storage st = test::motion_table({"hip_flexion", "knee_angle"}, 8, [](int, int) { return 0.2; });
    st.data(5, 1) = v;
    SCOPED_TRACE(v);
    const InputError e = motion_error(st);
    EXPECT_EQ(e.line(), 12) << v;
    EXPECT_EQ(e.field(), "knee_angle") << v;
  }
  // A little beyond a range is a real recording: accepted, as OpenSim's tools accept it.
  const ImportedModel im = import_osim_file(test::source_path("tests/data/osim/leg_4x.osim"));
  const int knee = im.model->coordinate_index("knee_angle");
  const double beyond = im.model->coordinates[knee].min_rad - 0.3;
  const Storage ok = test::motion_table({"hip_flexion", "knee_angle"}, 8, [&](int, int c) { return c == 1 ? beyond : 0.2; });
  EXPECT_NO_THROW((void)motion_from_storage(*im.model, ok, {}, "m.sto"));
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

TEST(MotionBoundary, ACoordinateThatTurnsIsAnAngleEvenWithACoupledTranslation) {
  // The 4.x leg's knee: rotation about z plus a translation along x that follows it (a
  // SimmSpline), as in OpenSim's gait models. OpenSim calls it rotational; so degrees in a
  // motion file are converted for it.
  const ImportedModel im = import_osim_file(test::source_path("tests/data/osim/leg_4x.osim"));
  EXPECT_FALSE(im.model->coordinates[im.model->coordinate_index("knee_angle")].translational);
}

}  // namespace
}  // namespace spineload
