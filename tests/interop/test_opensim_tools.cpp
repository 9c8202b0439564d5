// OpenSim analyses on imported models: muscle physiology and static optimisation.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "interop/opensim_tools.hpp"
#include "interop/osim_import.hpp"
#include "model/data.hpp"
#include "muscles/fibre.hpp"
#include "muscles/muscle_geometry.hpp"
#include "muscles/thelen2003.hpp"
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

// OpenSim's JointReaction with static optimisation's forces (its forces_file): the muscles
// pull at their path points, the motor along its coordinate, so the forces balance the
// still leg and each reaction is what holds its subtree: checked by Newton's laws from the
// leg's own bodies and the vasti's path points, computed here by hand.
TEST(JointReaction, StaticOptimisationForcesHoldTheLegAndEachJointCarriesWhatHangsBelowIt) {
  const ImportedModel im = import_osim_file(test::source_path("tests/data/osim/leg_4x.osim"));
  const Model& m = *im.model;
  const Storage st = test::motion_table({"hip_flexion", "knee_angle"}, 11, [](int, int c) { return c == 0 ? 1.2 : -0.3; });
  const Motion motion = motion_from_storage(m, st, {}, "hold.sto");
  const StaticOptimizationTables so = static_optimization_tables(m, motion, {});
  std::vector<std::string> warnings;
  const std::optional<ReactionActuation> given = actuation_from_forces(m, motion, so.force, "so_force.sto", &warnings);
  ASSERT_TRUE(given.has_value());
  EXPECT_TRUE(warnings.empty());
  const double vasti_N = so.force.data(5, so.force.column("vasti"));
  EXPECT_DOUBLE_EQ(given->muscle_N(5, 0), vasti_N);
  EXPECT_GT(vasti_N, 100.0);
  Eigen::VectorXd gap;
  const Storage jr = joint_reaction_table(m, motion, {{"knee", true, "ground"}, {"hip", true, "ground"}}, "t", nullptr,
                                          &*given, &gap);
  // The forces balance the still leg: no acceleration.
  EXPECT_LT(gap.maxCoeff(), 1e-6);

  Data d(m);
  forward_kinematics(m, d, motion.q[5], motion.qdot[5]);
  const Eigen::Vector3d g = m.gravity_m_s2;
  const int thigh = m.body_index("thigh"), shank = m.body_index("shank"), foot = m.body_index("foot");
  auto com = [&](int b) { return Eigen::Vector3d(d.pose[b] * m.bodies[b].com_m); };
  // The vasti's last segment pulls the shank at its insertion towards the thigh's point.
  const Eigen::Vector3d over_knee = d.pose[thigh] * Eigen::Vector3d(0.05, -0.38, 0);
  const Eigen::Vector3d insertion = d.pose[shank] * Eigen::Vector3d(0.04, -0.06, 0);
  const Eigen::Vector3d pull = vasti_N * (over_knee - insertion).normalized();
  // Knee: on the shank, at the knee frame's origin on the shank (the shank's origin).
  const Eigen::Vector3d knee_point = d.pose[shank].translation();
  const Eigen::Vector3d weight_below = (m.bodies[shank].mass_kg + m.bodies[foot].mass_kg) * g;
  auto column = [&](const std::string& root, const char* q) { return jr.data(5, jr.column(root + "_" + q)); };
  const std::string knee = "knee_on_shank_in_ground";
  const Eigen::Vector3d knee_force(column(knee, "fx"), column(knee, "fy"), column(knee, "fz"));
  const Eigen::Vector3d knee_moment(column(knee, "mx"), column(knee, "my"), column(knee, "mz"));
  EXPECT_LT((knee_force + weight_below + pull).norm(), 1e-6 * vasti_N);
  const Eigen::Vector3d moment_below = (com(shank) - knee_point).cross(m.bodies[shank].mass_kg * g) +
                                       (com(foot) - knee_point).cross(m.bodies[foot].mass_kg * g) +
                                       (insertion - knee_point).cross(pull);
  EXPECT_LT((knee_moment + moment_below).norm(), 1e-6 * vasti_N);
  // The pull is larger than the weight below the knee, and the knee carries it.
  EXPECT_GT(vasti_N, weight_below.norm());
  // Hip: the vasti pulls thigh and shank alike, so only the weight of the leg reaches it.
  const std::string hip = "hip_on_thigh_in_ground";
  const Eigen::Vector3d hip_force(column(hip, "fx"), column(hip, "fy"), column(hip, "fz"));
  EXPECT_LT((hip_force + m.total_mass_kg() * g).norm(), 1e-6 * vasti_N);

  // Without a forces file OpenSim takes the muscles' default states: the vasti at its
  // default activation with its fibre in equilibrium, its tendon force as MuscleAnalysis
  // gives it; the motor at zero control. That does not hold the leg still.
  const ReactionActuation defaults = default_state_actuation(m, motion, &warnings);
  muscle_geometry(m, d);
  const Muscle& vasti = m.muscles[0];
  EXPECT_DOUBLE_EQ(defaults.muscle_N(5, 0),
                   static_equilibrium(vasti, vasti.tendon.default_activation, d.length_m[0]).tendon_force_N);
  EXPECT_EQ(defaults.actuator_N(5, 0), 0.0);
  joint_reaction_table(m, motion, {{"knee", true, "ground"}}, "t", nullptr, &defaults, &gap);
  EXPECT_GT(gap.minCoeff(), 1.0);
}

TEST(JointReaction, AForcesFileIsReadByNameAndTime) {
  const ImportedModel im = import_osim_file(test::source_path("tests/data/osim/leg_4x.osim"));
  const Model& m = *im.model;
  const Motion motion = motion_from_storage(m, test::motion_table({"hip_flexion", "knee_angle"}, 5, [](int, int) { return 0.1; }),
                                            {}, "m.sto");
  // Columns in another order, an extra column, rows at other times: by name, linear in time,
  // and continued beyond the last row, as OpenSim's Storage::getDataAtTime.
  Storage forces;
  forces.labels = {"hip_motor", "spare", "vasti"};
  forces.time_s = {0.0, motion.time_s[2]};
  forces.data.resize(2, 3);
  forces.data << 10, 1, 100, 20, 1, 300;
  std::vector<std::string> warnings;
  const auto a = actuation_from_forces(m, motion, forces, "f.sto", &warnings);
  ASSERT_TRUE(a.has_value());
  // The extra column is ignored, as OpenSim ignores it, and said.
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("spare"), std::string::npos);
  warnings.clear();
  EXPECT_NEAR(a->muscle_N(1, 0), 200, 1e-9);
  EXPECT_NEAR(a->actuator_N(1, 0), 15, 1e-9);
  EXPECT_NEAR(a->muscle_N(4, 0), 100 + 200 * (motion.time_s[4] / motion.time_s[2]), 1e-9);
  // Without a column for every actuator OpenSim falls back to the states, and says so.
  forces.labels = {"hip_motor", "spare", "not_vasti"};
  EXPECT_FALSE(actuation_from_forces(m, motion, forces, "f.sto", &warnings).has_value());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("lacks"), std::string::npos);
  EXPECT_NE(warnings[0].find("vasti"), std::string::npos);
  EXPECT_NE(warnings[0].find("f.sto"), std::string::npos);
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

// OpenSim's Storage keeps rows in any order and repeated times, and its tools read them by
// time: so are they read here, with a warning naming the lines.
Motion motion_of(const Storage& given, const MotionOptions& o = {}) {
  Storage st = given;
  st.row_line.resize(st.time_s.size());
  for (std::size_t i = 0; i < st.row_line.size(); ++i) st.row_line[i] = 7 + static_cast<int>(i);
  const ImportedModel im = import_osim_file(test::source_path("tests/data/osim/leg_4x.osim"));
  return motion_from_storage(*im.model, st, o, "m.sto");
}

TEST(MotionLeniency, ARepeatedTimeKeepsItsFirstRowWithAWarning) {
  Storage st = test::motion_table({"hip_flexion", "knee_angle"}, 8, [](int i, int) { return 0.1 * i; });
  st.time_s[4] = st.time_s[3];
  st.data(4, 0) = 9;  // the dropped row's values are not used
  const Motion m = motion_of(st);
  ASSERT_EQ(m.time_s.size(), 7u);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("line 11 repeats time 0.3 s of line 10"), std::string::npos) << m.warnings[0];
  for (const auto& q : m.q) EXPECT_LT(q.cwiseAbs().maxCoeff(), 1.0);
}

TEST(MotionLeniency, RowsOutOfOrderAreSortedByTimeWithAWarning) {
  const Storage sorted = test::motion_table({"hip_flexion", "knee_angle"}, 8, [](int i, int c) { return 0.1 * i * (c + 1); });
  Storage shuffled = sorted;
  shuffled.time_s[2] = sorted.time_s[5], shuffled.time_s[5] = sorted.time_s[2];
  shuffled.data.row(2) = sorted.data.row(5), shuffled.data.row(5) = sorted.data.row(2);
  const Motion a = motion_of(sorted), b = motion_of(shuffled);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("not in time order"), std::string::npos);
  EXPECT_TRUE(a.warnings.empty());
  ASSERT_EQ(a.time_s, b.time_s);
  for (std::size_t i = 0; i < a.q.size(); ++i) {
    EXPECT_EQ(a.q[i], b.q[i]);
    EXPECT_EQ(a.qddot[i], b.qddot[i]);
  }
}

// Uneven time steps with a low-pass filter: OpenSim's Storage::lowpassIIR resamples at the
// smallest step before filtering, and the tools run at the resampled times.
TEST(MotionLeniency, UnevenStepsAreResampledAtTheSmallestStepBeforeFiltering) {
  auto signal = [](double t) { return 0.4 * std::sin(2 * std::numbers::pi * 1.0 * t); };  // 1 Hz, well under the cut-off
  Storage uneven = test::motion_table({"hip_flexion", "knee_angle"}, 41, [](int, int) { return 0.0; });
  for (int i = 0; i < 41; ++i) {
    uneven.time_s[static_cast<std::size_t>(i)] = 0.02 * i + (i % 2 ? 0.004 : 0.0);  // steps 0.024 and 0.016 s
    uneven.data(i, 0) = signal(uneven.time_s[static_cast<std::size_t>(i)]);
  }
  MotionOptions o;
  o.lowpass_hz = 6;
  const Motion m = motion_of(uneven, o);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("resampled at the smallest step, 0.016 s"), std::string::npos) << m.warnings[0];
  ASSERT_EQ(m.time_s.size(), 51u);  // 0 to 0.8 s every 0.016 s
  EXPECT_NEAR(m.time_s[1] - m.time_s[0], 0.016, 1e-12);
  // The filtered motion follows the 1 Hz signal (a 6 Hz low-pass barely touches it) away
  // from the ends.
  for (std::size_t i = 10; i + 10 < m.time_s.size(); ++i) EXPECT_NEAR(m.q[i][0], signal(m.time_s[i]), 5e-3) << m.time_s[i];
  // Evenly spaced rows are filtered where they are, without a warning.
  Storage evenly = test::motion_table({"hip_flexion", "knee_angle"}, 41, [&](int i, int) { return signal(0.02 * i); });
  for (int i = 0; i < 41; ++i) evenly.time_s[static_cast<std::size_t>(i)] = 0.02 * i;
  const Motion even = motion_of(evenly, o);
  EXPECT_TRUE(even.warnings.empty());
  EXPECT_EQ(even.time_s.size(), 41u);
  // Found by fuzzing: steps too uneven to resample (0.1 s, then 1e43 s) are refused by name,
  // not converted into a frame count that overflows.
  Storage wild = test::motion_table({"hip_flexion", "knee_angle"}, 5, [](int, int) { return 0.1; });
  wild.time_s = {0, 0.1, 0.2, 0.3, 1e43};
  try {
    (void)motion_of(wild, o);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "time");
    EXPECT_NE(std::string(e.what()).find("too uneven to filter"), std::string::npos) << e.what();
  }
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
