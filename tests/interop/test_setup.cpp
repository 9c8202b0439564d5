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
  fs::path dir = test::scratch_dir("spineload_setup");
  Folder() {
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

// Found by fuzzing (fuzz/fuzz_setup.cpp): an uncaught std::invalid_argument and a null
// dereference, now the file's errors.
TEST(Setup, InputsFoundByFuzzingAreInputErrors) {
  try {
    (void)read_setup_text("<InverseDynamicsTool name=\"t\">\n<model_file>m.osim</model_file>\n"
                          "<time_range>0 x1</time_range></InverseDynamicsTool>", "s.xml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "time_range");
    EXPECT_EQ(e.line(), 3);
  }
  EXPECT_THROW((void)read_setup_text("<!-- only a comment -->", "s.xml"), InputError);
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
  // An exponent the optimiser does not offer is the setup file's, at its line.
  write(f.dir / "so_bad.xml", "<OpenSimDocument><AnalyzeTool name=\"t\"><model_file>pendulum.osim</model_file>\n"
                              "<coordinates_file>m.mot</coordinates_file><AnalysisSet><objects>\n"
                              "<StaticOptimization name=\"so\">\n<activation_exponent>4</activation_exponent>\n"
                              "</StaticOptimization></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>");
  try {
    read_setup_file((f.dir / "so_bad.xml").string());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), (f.dir / "so_bad.xml").string());
    EXPECT_EQ(e.field(), "so.activation_exponent");
    EXPECT_EQ(e.line(), 4);
  }
}

}  // namespace
}  // namespace spineload
