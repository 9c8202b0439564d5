// Setup files end to end: an InverseDynamicsTool setup with external loads, written here
// for the pendulum of the import tests.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "common/errors.hpp"
#include "interop/setup.hpp"
#include "io/storage.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

const char* kPendulum = R"(<OpenSimDocument Version="40000"><Model name="pendulum">
  <gravity>0 -10 0</gravity><Ground name="ground"/>
  <BodySet><objects><Body name="rod"><mass>2</mass><mass_center>0 -0.5 0</mass_center><inertia>0.1 0.01 0.1 0 0 0</inertia></Body></objects></BodySet>
  <JointSet><objects><PinJoint name="pin"><socket_parent_frame>/ground</socket_parent_frame><socket_child_frame>/bodyset/rod</socket_child_frame>
    <coordinates><Coordinate name="theta"/></coordinates></PinJoint></objects></JointSet>
</Model></OpenSimDocument>)";

struct Folder {
  fs::path dir = fs::temp_directory_path() / "spineload_setup_test";
  Folder() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    write(dir / "pendulum.osim", kPendulum);
    // Held still at 0.3 rad (degrees in the file, as its header says).
    std::string mot = "still\nversion=1\ninDegrees=yes\nendheader\ntime\ttheta\n";
    for (int k = 0; k <= 10; ++k) mot += std::to_string(0.1 * k) + "\t" + std::to_string(0.3 * 180 / M_PI) + "\n";
    write(dir / "still.mot", mot);
    // 20 N upwards at the rod's centre of mass, given in the rod's frame.
    write(dir / "lift.mot", "lift\nversion=1\nendheader\ntime\tlift_vx\tlift_vy\tlift_vz\tlift_px\tlift_py\tlift_pz\n"
                            "0\t0\t20\t0\t0\t-0.5\t0\n1\t0\t20\t0\t0\t-0.5\t0\n");
    write(dir / "lift.xml", R"(<OpenSimDocument Version="30000"><ExternalLoads name="loads"><objects>
      <ExternalForce name="lift"><applied_to_body>rod</applied_to_body><force_expressed_in_body>ground</force_expressed_in_body>
        <point_expressed_in_body>rod</point_expressed_in_body><force_identifier>lift_v</force_identifier>
        <point_identifier>lift_p</point_identifier></ExternalForce></objects>
      <datafile>lift.mot</datafile></ExternalLoads></OpenSimDocument>)");
  }
  ~Folder() { fs::remove_all(dir); }
  std::string setup(const std::string& loads) const {
    const fs::path p = dir / "setup.xml";
    write(p, "<OpenSimDocument Version=\"30000\"><InverseDynamicsTool name=\"pend\"><model_file>pendulum.osim</model_file>"
             "<coordinates_file>still.mot</coordinates_file><external_loads_file>" + loads +
             "</external_loads_file><lowpass_cutoff_frequency_for_coordinates>-1</lowpass_cutoff_frequency_for_coordinates>"
             "</InverseDynamicsTool></OpenSimDocument>");
    return p.string();
  }
};

double first_moment(const std::vector<std::pair<std::string, std::string>>& files) {
  const Storage s = read_storage_text(files.at(0).second, files.at(0).first);
  EXPECT_EQ(files.at(0).first, "pend_InverseDynamics.sto");
  return s.data(5, s.column("theta_moment"));
}

TEST(Setup, InverseDynamicsToolWithAndWithoutExternalLoads) {
  const Folder f;
  // Gravity alone: m g l sin(theta) to hold it.
  EXPECT_NEAR(first_moment(run_setup(read_setup_file(f.setup("")))), 2 * 10 * 0.5 * std::sin(0.3), 1e-6);
  // A hand under its centre of mass carrying its weight: nothing left for the joint.
  EXPECT_NEAR(first_moment(run_setup(read_setup_file(f.setup("lift.xml")))), 0.0, 1e-6);
}

TEST(Setup, BadSetupsNameTheField) {
  const Folder f;
  write(f.dir / "bad.xml", "<OpenSimDocument><CMCTool name=\"x\"><model_file>pendulum.osim</model_file></CMCTool></OpenSimDocument>");
  try {
    read_setup_file((f.dir / "bad.xml").string());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "CMCTool");
  }
  write(f.dir / "lift_bad.xml", R"(<ExternalLoads><objects><ExternalForce name="lift"><applied_to_body>femur</applied_to_body>
    <force_identifier>lift_v</force_identifier></ExternalForce></objects><datafile>lift.mot</datafile></ExternalLoads>)");
  try {
    run_setup(read_setup_file(f.setup("lift_bad.xml")));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "lift.applied_to_body");
    EXPECT_EQ(e.line(), 1);
  }
}

}  // namespace
}  // namespace spineload

#include "interop/opensim_tools.hpp"

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

}  // namespace
}  // namespace spineload

#include "interop/osim_import.hpp"

namespace spineload {
namespace {

TEST(StaticOptimization, CoordinateActuatorsAndMusclesShareTheLoad) {
  // The 4.x leg held with the hip flexed and the knee nearly straight: its hip has only a coordinate
  // actuator (100 N m per unit control), its knee only the vasti.
  const ImportedModel im = import_osim_file(test::source_path("tests/data/osim/leg_4x.osim"));
  const Model& m = *im.model;
  Storage st;
  st.name = "hold";
  st.in_degrees = false;
  st.labels = {"hip_flexion", "knee_angle"};
  for (int i = 0; i <= 10; ++i) st.time_s.push_back(0.1 * i);
  st.data = Eigen::MatrixXd(11, 2);
  st.data.col(0).setConstant(1.2);   // thigh raised
  st.data.col(1).setConstant(-0.3);  // shank ahead of vertical: the vasti must extend the knee
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
