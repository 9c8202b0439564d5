// Setup files end to end: an InverseDynamicsTool setup with external loads, written here
// for the pendulum of the import tests.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "interop/opensim_tools.hpp"
#include "interop/osim_import.hpp"
#include "interop/setup.hpp"
#include "io/storage.hpp"
#include "model/data.hpp"
#include "multibody/system.hpp"
#include "muscles/millard2012.hpp"
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

// A JointReaction setup with a forces_file, as OpenSim users run it after static
// optimisation: the file's forces act (the leg is held, so the hip carries only the leg's
// weight), "ALL" joints in any case; a forces_file that is not there falls back, as in
// OpenSim, to the muscles' default states, with a warning.
// The 4.x leg (a Millard vasti, a hip motor) held still, hip flexed and knee nearly
// straight, in a scratch folder, and AnalyzeTool setups on it.
struct HeldLeg {
  fs::path dir;
  explicit HeldLeg(const std::string& stem) : dir(test::scratch_dir(stem)) {
    fs::copy_file(test::source_path("tests/data/osim/leg_4x.osim"), dir / "leg.osim", fs::copy_options::overwrite_existing);
    std::string mot = "hold\nversion=1\ninDegrees=no\nendheader\ntime\thip_flexion\tknee_angle\n";
    for (int k = 0; k <= 10; ++k) mot += std::to_string(0.1 * k) + "\t1.2\t-0.3\n";
    write(dir / "hold.mot", mot);
  }
  ~HeldLeg() { fs::remove_all(dir); }
  // A setup `file` running `analysis`, with `extra` tool properties (force set files).
  Setup setup(const std::string& file, const std::string& extra, const std::string& analysis) const {
    write(dir / file, "<OpenSimDocument Version=\"30000\"><AnalyzeTool name=\"leg\"><model_file>leg.osim</model_file>" + extra +
                          "<coordinates_file>hold.mot</coordinates_file><AnalysisSet><objects>" + analysis +
                          "</objects></AnalysisSet></AnalyzeTool></OpenSimDocument>");
    return read_setup_file((dir / file).string());
  }
};

TEST(Setup, JointReactionAppliesTheForcesFileAsOpenSimDoes) {
  const HeldLeg leg("spineload_jr_setup");
  const fs::path& dir = leg.dir;
  auto setup = [&](const std::string& file, const std::string& analysis) { return leg.setup(file, "", analysis); };
  for (const auto& [name, text] : run_setup(setup("so.xml", "<StaticOptimization name=\"so\"/>"))) write(dir / name, text);
  ASSERT_TRUE(fs::exists(dir / "leg_so_force.sto"));
  std::vector<std::string> warnings;
  const auto files = run_setup(setup("jr.xml", "<JointReaction name=\"jr\"><joint_names>ALL</joint_names>"
                                               "<forces_file>leg_so_force.sto</forces_file></JointReaction>"),
                               &warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  const Storage jr = read_storage_text(files.at(0).second, files.at(0).first);
  EXPECT_EQ(files.at(0).first, "leg_jr_ReactionLoads.sto");
  const ImportedModel im = import_osim_file((dir / "leg.osim").string());
  const double weight = im.model->total_mass_kg() * 9.80665;
  for (int k = 0; k < static_cast<int>(jr.time_s.size()); ++k) {
    EXPECT_NEAR(jr.data(k, jr.column("hip_on_thigh_in_ground_fy")), weight, 1e-6 * weight);
    EXPECT_NEAR(jr.data(k, jr.column("hip_on_thigh_in_ground_fx")), 0, 1e-6 * weight);
  }
  EXPECT_GE(jr.column("ankle_on_foot_in_ground_fy"), 0);
  // No such file: OpenSim's fallback, said; the muscle's default pull does not hold the leg.
  const auto fallback = run_setup(setup("jr2.xml", "<JointReaction name=\"jr\"><forces_file>gone.sto</forces_file></JointReaction>"),
                                  &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("gone.sto"), std::string::npos);
  const Storage jr2 = read_storage_text(fallback.at(0).second, fallback.at(0).first);
  EXPECT_GT(std::abs(jr2.data(5, jr2.column("hip_on_thigh_in_ground_fy")) - weight), 1.0);
}

// AnalyzeTool's force_set_files: their actuators join the model (a knee reserve here), are
// recruited and written by static optimisation, and act in the joint reactions read back
// from its forces file; replace_force_set drops the model's own forces; a bad force set
// file's error names that file and line.
TEST(Setup, ForceSetFilesAddActuatorsAsOpenSimsAnalyzeToolDoes) {
  const HeldLeg leg("spineload_force_set");
  const fs::path& dir = leg.dir;
  write(dir / "reserves.xml", "<OpenSimDocument Version=\"40000\"><ForceSet name=\"reserves\"><objects>\n"
                              "<CoordinateActuator name=\"knee_reserve\"><coordinate>knee_angle</coordinate>"
                              "<optimal_force>1</optimal_force></CoordinateActuator>\n"
                              "</objects></ForceSet></OpenSimDocument>");
  auto setup = [&](const std::string& file, const std::string& extra, const std::string& analysis) {
    return leg.setup(file, extra, analysis);
  };
  const std::string with = "<force_set_files>reserves.xml</force_set_files>";
  for (const auto& [name, text] : run_setup(setup("so.xml", with, "<StaticOptimization name=\"so\"/>"))) write(dir / name, text);
  const Storage force = read_storage_file((dir / "leg_so_force.sto").string());
  ASSERT_EQ(force.labels, (std::vector<std::string>{"vasti", "hip_motor", "knee_reserve"}));
  // A reserve of optimal force 1 N m, costed like an activation, takes the share of the
  // knee's moment the optimum gives it: reserve / vasti activation = 1 / (the vasti's knee
  // moment at full activation), a few thousandths of a newton metre here.
  EXPECT_NE(force.data(5, 2), 0.0);
  const Storage activation = read_storage_file((dir / "leg_so_activation.sto").string());
  EXPECT_NEAR(activation.data(5, 2), force.data(5, 2), 1e-12);
  std::vector<std::string> warnings;
  const auto files = run_setup(setup("jr.xml", with, "<JointReaction name=\"jr\"><forces_file>leg_so_force.sto</forces_file>"
                                                    "</JointReaction>"),
                               &warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  const Storage jr = read_storage_text(files.at(0).second, files.at(0).first);
  const double weight = 12 * 9.80665;
  EXPECT_NEAR(jr.data(5, jr.column("hip_on_thigh_in_ground_fy")), weight, 1e-6 * weight);
  // The reserve missing from the model: OpenSim's fallback to the states, and this says so.
  warnings.clear();
  (void)run_setup(setup("jr2.xml", "", "<JointReaction name=\"jr\"><forces_file>leg_so_force.sto</forces_file></JointReaction>"),
                  &warnings);
  EXPECT_FALSE(warnings.empty());
  // Replacing the model's forces: only the file's actuator is left to recruit.
  const auto replaced = run_setup(setup("so2.xml", with + "<replace_force_set>true</replace_force_set>",
                                        "<StaticOptimization name=\"so\"/>"));
  const Storage only = read_storage_text(replaced.at(1).second, replaced.at(1).first);
  EXPECT_EQ(only.labels, std::vector<std::string>{"knee_reserve"});
  // A force set file that is not one names itself.
  write(dir / "bad.xml", "<OpenSimDocument>\n<ForceSet><objects>\n<CoordinateActuator name=\"r\"><coordinate>nope</coordinate>"
                         "</CoordinateActuator></objects></ForceSet></OpenSimDocument>");
  try {
    run_setup(setup("so3.xml", "<force_set_files>bad.xml</force_set_files>", "<StaticOptimization name=\"so\"/>"));
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), (dir / "bad.xml").string());
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.field(), "r.coordinate");
  }
}

}  // namespace
}  // namespace spineload

// OpenSim's gait models users run (../shared/opensim-models, optional) over its walking
// motion: inverse dynamics, joint reactions and static optimisation all run, and the
// inverse dynamics obeys Newton's law for the whole body (no ground reactions in this
// file, so the pelvis's vertical generalised force carries the body: it equals the rate of
// the body's vertical momentum plus its weight, computed here from each body's acceleration
// through the engine's own kinematics, while the generalised force is Simbody's).
namespace spineload {
namespace {

TEST(SharedModels, GaitModelsRunInverseDynamicsReactionsAndStaticOptimisationOverTheWalkingMotion) {
  const std::string dir = test::shared_path("opensim-models");
  if (dir.empty()) GTEST_SKIP() << "../shared/opensim-models is absent";
  const std::string motion_file = dir + "/gait10dof18musc_ik_CRLF_line_ending.mot";
  // Rajagopal 2015 as shared (from OpenSense) has neither muscles nor actuators: no static
  // optimisation; its patellofemoral couplers are honoured in the joint reactions.
  for (const char* name : {"gait10dof18musc_subject01", "gait2354_simbody", "subject01_gait2392_scaled", "Rajagopal_2015"}) {
    SCOPED_TRACE(name);
    MotionAnalysis req;
    req.model_file = dir + "/" + name + ".osim";
    req.motion_file = motion_file;
    std::string summary;
    const auto files = analyze_motion(req, summary);
    std::map<std::string, Storage> out;
    for (const auto& [file, text] : files) out.emplace(file, read_storage_text(text, file));
    const std::string stem = name;
    ASSERT_EQ(out.count(stem + "_InverseDynamics.sto"), 1u) << summary;
    ASSERT_EQ(out.count(stem + "_JointReaction_ReactionLoads.sto"), 1u) << summary;
    const Storage& id = out.at(stem + "_InverseDynamics.sto");
    EXPECT_EQ(id.time_s.size(), 15u);
    EXPECT_TRUE(out.at(stem + "_JointReaction_ReactionLoads.sto").data.allFinite());
    if (stem != "Rajagopal_2015") {
      ASSERT_EQ(out.count(stem + "_StaticOptimization_activation.sto"), 1u) << summary;
      EXPECT_TRUE(out.at(stem + "_StaticOptimization_activation.sto").data.allFinite());
    }
    const ImportedModel im = import_osim_file(req.model_file);
    const Model& m = *im.model;
    const Motion motion = motion_from_storage(m, read_storage_file(motion_file), {}, motion_file);
    Data d(m);
    const int ty = id.column("pelvis_ty_force");
    ASSERT_GE(ty, 0);
    const double weight = m.total_mass_kg() * 9.80665;
    std::vector<Eigen::Vector3d> alpha, a_origin, omega;
    for (std::size_t k = 0; k < motion.time_s.size(); ++k) {
      forward_kinematics(m, d, motion.q[k], motion.qdot[k]);
      Eigen::VectorXd udot = Eigen::VectorXd::Zero(m.num_q);
      for (std::size_t c = 0; c < m.coordinates.size(); ++c) udot[m.coordinates[c].mb_index] = motion.qddot[k][static_cast<int>(c)];
      mb::body_accelerations(*m.multibody, *d.ws, udot, alpha, a_origin);
      mb::body_angular_velocities(*m.multibody, *d.ws, omega);
      double p_dot_y = 0;
      for (std::size_t b = 0; b < m.bodies.size(); ++b) {
        const Eigen::Vector3d r = d.pose[b].linear() * m.bodies[b].com_m;
        p_dot_y += m.bodies[b].mass_kg * (a_origin[b] + alpha[b].cross(r) + omega[b].cross(omega[b].cross(r))).y();
      }
      EXPECT_NEAR(id.data(static_cast<int>(k), ty), p_dot_y + weight, 1e-6 * weight) << "frame " << k;
    }
    // The same law from the BodyKinematics output that analyze writes beside it: the whole
    // body's centre of mass acceleration (OpenSim's "center_of_mass_Y").
    ASSERT_EQ(out.count(stem + "_BodyKinematics_acc_global.sto"), 1u) << summary;
    const Storage& acc = out.at(stem + "_BodyKinematics_acc_global.sto");
    for (std::size_t k = 0; k < acc.time_s.size(); ++k)
      EXPECT_NEAR(id.data(static_cast<int>(k), ty), m.total_mass_kg() * acc.data(static_cast<int>(k), acc.column("center_of_mass_Y")) + weight,
                  1e-6 * weight);
    // The walking motion is not still: the vertical force swings by over 10 % of body weight.
    EXPECT_GT(id.data.col(ty).maxCoeff() - id.data.col(ty).minCoeff(), 0.1 * weight);
    if (stem == "Rajagopal_2015") continue;
    // Static optimisation's muscle forces and reserves, applied as OpenSim's JointReaction
    // applies its forces_file, give back the motion's accelerations: the reactions are the
    // walking's. Without the reserves (no residual actuators: nothing holds the pelvis up)
    // the body falls, and the reactions are another motion's.
    const StaticOptimizationTables so = static_optimization_tables(m, motion, {});
    std::optional<ReactionActuation> act = actuation_from_forces(m, motion, so.force, "so", nullptr);
    ASSERT_TRUE(act.has_value());
    Eigen::VectorXd gap;
    const std::vector<ReactionRequest> knee = {{"knee_r", true, "ground"}};
    const Storage falling = joint_reaction_table(m, motion, knee, "t", nullptr, &*act, &gap);
    EXPECT_GT(gap.maxCoeff(), 1.0);
    add_reserves(m, motion, so.reserve, *act);
    const Storage walking = joint_reaction_table(m, motion, knee, "t", nullptr, &*act, &gap);
    // (The optimiser's balance is exact to ~1e-7 N m; the light toes turn that into up to
    // 4e-4 rad/s^2 on gait2354.)
    EXPECT_LT(gap.maxCoeff(), 1e-3) << gap.transpose();
    // analyze wrote the same reactions (its static optimisation's forces and reserves).
    const Storage& written = out.at(stem + "_JointReaction_ReactionLoads.sto");
    for (const std::string q : {"fx", "fy", "fz"}) {
      const std::string label = "knee_r_on_" + m.bodies[m.joints[m.joint_index("knee_r")].child_body].name + "_in_ground_" + q;
      ASSERT_GE(written.column(label), 0) << label;
      EXPECT_LT((written.data.col(written.column(label)) - walking.data.col(walking.column(label))).cwiseAbs().maxCoeff(), 1e-6)
          << label;
    }
  }
}

// A force set file of coordinate actuators (optimal force 1, unbounded), one per coordinate,
// named <coordinate><suffix>: reserves or residuals as OpenSim's users write them.
std::string reserve_force_set(const std::vector<std::string>& coordinates, const std::string& suffix) {
  std::string set = "<OpenSimDocument Version=\"40000\"><ForceSet name=\"reserves\"><objects>\n";
  for (const std::string& c : coordinates)
    set += fmt::format("<CoordinateActuator name=\"{}{}\"><coordinate>{}</coordinate><optimal_force>1</optimal_force>"
                       "<min_control>-Inf</min_control><max_control>Inf</max_control></CoordinateActuator>\n",
                       c, suffix, c);
  return set + "</objects></ForceSet></OpenSimDocument>";
}

// An AnalyzeTool setup `file` in `dir` on `model` with a force set file over the shared
// walking motion, running `analysis`.
Setup walking_setup(const fs::path& dir, const std::string& file, const std::string& name, const std::string& model,
                    const std::string& force_set, const std::string& analysis) {
  write(dir / file, "<OpenSimDocument Version=\"30000\"><AnalyzeTool name=\"" + name + "\"><model_file>" + model +
                        "</model_file><force_set_files>" + force_set + "</force_set_files><coordinates_file>" +
                        test::shared_path("opensim-models") + "/gait10dof18musc_ik_CRLF_line_ending.mot</coordinates_file>"
                        "<AnalysisSet><objects>" + analysis + "</objects></AnalysisSet></AnalyzeTool></OpenSimDocument>");
  return read_setup_file((dir / file).string());
}

// OpenSim's workflow: static optimisation ("so.xml", its files written into `dir`), then
// JointReaction ("jr.xml", `joints` as its joint_names element, its forces file the
// optimisation's); returns the reactions, expecting no warning that the forces fail to
// reproduce the motion.
template <class MakeSetup>
Storage reactions_after_static_optimisation(const fs::path& dir, MakeSetup&& setup, const std::string& stem,
                                            const std::string& joints) {
  for (const auto& [name, text] : run_setup(setup("so.xml", "<StaticOptimization name=\"so\"/>"))) write(dir / name, text);
  std::vector<std::string> warnings;
  const auto files = run_setup(setup("jr.xml", "<JointReaction name=\"jr\">" + joints + "<forces_file>" + stem +
                                                   "_so_force.sto</forces_file></JointReaction>"),
                               &warnings);
  for (const auto& w : warnings) EXPECT_EQ(w.find("accelerations"), std::string::npos) << w;
  return read_storage_text(files.at(0).second, files.at(0).first);
}

// OpenSim's walking workflow on gait10dof18musc: static optimisation with residual and
// reserve actuators from a force set file (the pelvis has no ground reactions in this
// motion, so residuals hold it), then JointReaction with its forces file: the forces give
// back the motion's accelerations (no warning), and the knee's reaction equals the one
// computed from the same forces through the engine's functions.
TEST(SharedModels, StaticOptimisationThenJointReactionWithForceSetFilesOnGait10dof18musc) {
  const std::string models = test::shared_path("opensim-models");
  if (models.empty()) GTEST_SKIP() << "../shared/opensim-models is absent";
  const fs::path dir = test::scratch_dir("spineload_gait_jr");
  write(dir / "residuals.xml", reserve_force_set({"pelvis_tx", "pelvis_ty", "pelvis_tilt", "lumbar_extension"}, "_residual"));
  auto setup = [&](const std::string& file, const std::string& analysis) {
    return walking_setup(dir, file, "walk", models + "/gait10dof18musc_subject01.osim", "residuals.xml", analysis);
  };
  const Storage jr = reactions_after_static_optimisation(dir, setup, "walk", "<joint_names>knee_r</joint_names>");
  const Storage reserves = read_storage_file((dir / "walk_so_reserves.sto").string());
  // The residuals carry what the muscles cannot: nothing is left for spineload's own reserves.
  EXPECT_LT(reserves.data.cwiseAbs().maxCoeff(), 1e-3);
  const ImportedModel im = import_osim_file(models + "/gait10dof18musc_subject01.osim", {(dir / "residuals.xml").string()});
  const std::string mot = models + "/gait10dof18musc_ik_CRLF_line_ending.mot";
  const Motion motion = motion_from_storage(*im.model, read_storage_file(mot), {}, mot);
  const auto act = actuation_from_forces(*im.model, motion, read_storage_file((dir / "walk_so_force.sto").string()), "f", nullptr);
  ASSERT_TRUE(act.has_value());
  Eigen::VectorXd gap;
  const Storage direct = joint_reaction_table(*im.model, motion, {{"knee_r", true, "ground"}}, "t", nullptr, &*act, &gap);
  EXPECT_LT(gap.maxCoeff(), 1e-3);
  ASSERT_EQ(jr.labels, direct.labels);
  EXPECT_LT((jr.data - direct.data).cwiseAbs().maxCoeff(), 1e-9);
  // The knee carries more than the shank's and foot's weight: the muscles crossing it pull.
  const int fy = jr.column("knee_r_on_tibia_r_in_ground_fy");
  ASSERT_GE(fy, 0);
  EXPECT_GT(jr.data.col(fy).cwiseAbs().maxCoeff(), 100.0);
  fs::remove_all(dir);
}

// Rajagopal 2015 as shared has no muscles or actuators: with reserves on every coordinate
// from a force set file, as OpenSim's users give it, static optimisation runs, and the joint
// reactions with its forces give back the walking's accelerations, its locked wrists,
// subtalar and toe joints held still as OpenSim's locked coordinates are.
TEST(SharedModels, RajagopalRunsStaticOptimisationAndJointReactionsWithReserveActuators) {
  const std::string models = test::shared_path("opensim-models");
  if (models.empty()) GTEST_SKIP() << "../shared/opensim-models is absent";
  const fs::path dir = test::scratch_dir("spineload_rajagopal");
  const std::string model = models + "/Rajagopal_2015.osim";
  const ImportedModel plain = import_osim_file(model);
  std::vector<std::string> coordinates;
  for (const Coordinate& c : plain.model->coordinates) coordinates.push_back(c.name);
  write(dir / "reserves.xml", reserve_force_set(coordinates, "_reserve"));
  auto setup = [&](const std::string& file, const std::string& analysis) {
    return walking_setup(dir, file, "raj", model, "reserves.xml", analysis);
  };
  const Storage jr = reactions_after_static_optimisation(dir, setup, "raj", "");
  const Storage force = read_storage_file((dir / "raj_so_force.sto").string());
  // The pelvis's vertical reserve carries the body (no ground reactions in this motion).
  const double weight = plain.model->total_mass_kg() * 9.80665;
  EXPECT_GT(force.data.col(force.column("pelvis_ty_reserve")).maxCoeff(), 0.8 * weight);
  EXPECT_TRUE(jr.data.allFinite());
  EXPECT_EQ(jr.labels.size(), 9 * plain.model->joints.size());
  fs::remove_all(dir);
}

// Muscle physiology as OpenSim's static optimisation takes it, on OpenSim's own models:
// gait10dof18musc's Millard muscles (elastic tendons, so OpenSim takes each one's strength
// at its default state, whatever the path's speed) recruit exactly up to that strength;
// and MuscleAnalysis's fibre tables hold the fibre and tendon in equilibrium along a path
// of the written length, for Millard (gait10dof18musc) and Thelen (gait2354) muscles.
TEST(SharedModels, MusclePhysiologyAndFibreTablesOnOpenSimsGaitModels) {
  const std::string dir = test::shared_path("opensim-models");
  if (dir.empty()) GTEST_SKIP() << "../shared/opensim-models is absent";
  const std::string motion_file = dir + "/gait10dof18musc_ik_CRLF_line_ending.mot";
  for (const char* name : {"gait10dof18musc_subject01", "gait2354_simbody"}) {
    SCOPED_TRACE(name);
    const std::string stem = name;
    MotionAnalysis req;
    req.model_file = dir + "/" + stem + ".osim";
    req.motion_file = motion_file;
    std::string summary;
    std::map<std::string, Storage> plain, physio;
    for (const auto& [file, text] : analyze_motion(req, summary)) plain.emplace(file, read_storage_text(text, file));
    req.muscle_physiology = true;
    for (const auto& [file, text] : analyze_motion(req, summary)) physio.emplace(file, read_storage_text(text, file));
    const ImportedModel im = import_osim_file(req.model_file);
    const Model& m = *im.model;
    const Storage& length = physio.at(stem + "_MuscleAnalysis_Length.sto");
    const Storage& act = physio.at(stem + "_StaticOptimization_activation.sto");
    const Storage& force = physio.at(stem + "_StaticOptimization_force.sto");
    // Physiology changes the recruitment.
    EXPECT_GT((act.data - plain.at(stem + "_StaticOptimization_activation.sto").data).cwiseAbs().maxCoeff(), 0.01);
    int checked = 0;
    for (std::size_t j = 0; j < m.muscles.size(); ++j) {
      const Muscle& mu = m.muscles[j];
      const int c = act.column(mu.name), l = length.column(mu.name);
      ASSERT_GE(c, 0);
      for (int k = 0; k < act.data.rows(); ++k) {
        const double a = act.data(k, c);
        if (a < 1e-3) continue;
        if (mu.tendon.type == "Millard2012EquilibriumMuscle") {
          ASSERT_FALSE(mu.tendon.ignore_tendon_compliance);
          const double strength = mu.max_force_N() *
                                  millard2012::opensim_static_optimization_scale(mu.tendon, length.data(k, l), 0.0);
          EXPECT_NEAR(force.data(k, c) / a, strength, 1e-6 * mu.max_force_N()) << mu.name << " frame " << k;
          ++checked;
        }
      }
    }
    if (stem == "gait10dof18musc_subject01") {
      EXPECT_GT(checked, 20);
    }
    // Fibre and tendon in equilibrium along the path (static, at the default activation).
    auto table = [&](const char* t) -> const Storage& { return physio.at(stem + "_MuscleAnalysis_" + t + ".sto"); };
    const Storage &fl = table("FiberLength"), &tl = table("TendonLength"), &pen = table("PennationAngle");
    const Storage &tf = table("TendonForce"), &ff = table("FiberForce"), &af = table("ActiveFiberForce");
    const Storage &pf = table("PassiveFiberForce"), &nfl = table("NormalizedFiberLength");
    ASSERT_EQ(fl.labels.size(), m.muscles.size());
    for (std::size_t j = 0; j < m.muscles.size(); ++j) {
      const Muscle& mu = m.muscles[j];
      const int c = fl.column(mu.name), l = length.column(mu.name);
      for (int k = 0; k < fl.data.rows(); ++k) {
        const double cosp = std::cos(pen.data(k, c));
        EXPECT_NEAR(fl.data(k, c) * cosp + tl.data(k, c), length.data(k, l), 1e-9) << mu.name;
        EXPECT_NEAR(ff.data(k, c), af.data(k, c) + pf.data(k, c), 1e-9 * mu.max_force_N());
        EXPECT_NEAR(tf.data(k, c), ff.data(k, c) * cosp, 1e-6 * mu.max_force_N()) << mu.name << " frame " << k;
        EXPECT_NEAR(nfl.data(k, c), fl.data(k, c) / mu.tendon.optimal_fiber_length_m, 1e-12);
        EXPECT_GE(af.data(k, c), 0.0);
        EXPECT_LE(af.data(k, c), mu.tendon.default_activation * mu.max_force_N() * 1.0000001);
        EXPECT_GE(tl.data(k, c), mu.tendon.tendon_slack_length_m - 1e-12);
      }
    }
  }
}

// The tug-of-war block (20 kg on a slider, Millard muscles) over a motion generated for
// this test (tests/data/osim/tug_of_war_slide.mot: block_tz = 0.05 sin(2 pi t) m): inverse
// dynamics is the block's mass times its acceleration, and the other analyses run.
TEST(SharedModels, TheTugOfWarBlockRunsOverAGeneratedSlide) {
  const std::string dir = test::shared_path("opensim-models");
  if (dir.empty()) GTEST_SKIP() << "../shared/opensim-models is absent";
  MotionAnalysis req;
  req.model_file = dir + "/Tug_of_War_Millard_Iso.osim";
  req.motion_file = test::source_path("tests/data/osim/tug_of_war_slide.mot");
  std::string summary;
  const auto files = analyze_motion(req, summary);
  std::map<std::string, Storage> out;
  for (const auto& [file, text] : files) out.emplace(file, read_storage_text(text, file));
  ASSERT_EQ(out.count("Tug_of_War_Millard_Iso_InverseDynamics.sto"), 1u) << summary;
  ASSERT_EQ(out.count("Tug_of_War_Millard_Iso_StaticOptimization_force.sto"), 1u) << summary;
  ASSERT_EQ(out.count("Tug_of_War_Millard_Iso_JointReaction_ReactionLoads.sto"), 1u) << summary;
  const Storage& id = out.at("Tug_of_War_Millard_Iso_InverseDynamics.sto");
  const int col = id.column("block_tz_force");
  ASSERT_GE(col, 0);
  const double w = 2 * std::acos(-1.0);
  // Away from the ends, where the spline's end conditions bend the acceleration.
  for (std::size_t k = 10; k + 10 < id.time_s.size(); ++k)
    EXPECT_NEAR(id.data(static_cast<int>(k), col), -20 * 0.05 * w * w * std::sin(w * id.time_s[k]), 0.02 * 20 * 0.05 * w * w)
        << id.time_s[k];
  EXPECT_TRUE(out.at("Tug_of_War_Millard_Iso_StaticOptimization_force.sto").data.allFinite());
}

// The thoracoscapular shoulder (Seth et al. 2016: a ScapulothoracicJoint, and the clavicle
// held on the scapula by a PointConstraint) over a raise generated here: the clavicle
// elevates, the humerus elevates and the elbow flexes, each frame assembled (Simbody's
// projection, as OpenSim assembles) so that the constraint holds. Then the scapula's joint
// frame stays on the thoracic ellipsoid, the acromioclavicular points coincide, inverse
// dynamics obeys Newton's law for the whole body along the vertical, and static optimisation
// and joint reactions run with the constraint's force free.
TEST(SharedModels, TheThoracoscapularShoulderRunsOverAnAssembledRaise) {
  const std::string dir = test::shared_path("opensim-models");
  if (dir.empty()) GTEST_SKIP() << "../shared/opensim-models is absent";
  const std::string model_file = dir + "/ThoracoscapularShoulderModel.osim";
  const ImportedModel im = import_osim_file(model_file);
  ASSERT_TRUE(im.report.unsupported.empty());
  const Model& m = *im.model;
  ASSERT_EQ(m.point_constraints.size(), 1u);
  Data d(m);
  const auto index = [&](const char* name) {
    const int c = m.coordinate_index(name);
    EXPECT_GE(c, 0) << name;
    return m.coordinates[c].mb_index;
  };
  const int clav_elev = index("clav_elev"), shoulder_elv = index("shoulder_elv"), elbow = index("elbow_flexion");
  Eigen::VectorXd q = Eigen::VectorXd::Zero(m.num_q);
  for (const Coordinate& c : m.coordinates) q[c.mb_index] = c.default_value;
  const Eigen::VectorXd rest = q;
  // The file's default coordinates were saved by OpenSim with the model assembled: with the
  // joint built as OpenSim builds it they meet the acromioclavicular constraint exactly (a
  // quarter turn or a swapped radius would leave centimetres).
  {
    body_poses(m, d, q);
    const PointConstraint& ac = m.point_constraints[0];
    EXPECT_LT((d.pose[ac.body1] * ac.point1_m - d.pose[ac.body2] * ac.point2_m).norm(), 1e-12);
  }
  const int frames = 41;
  Storage mot;
  mot.name = "raise";
  mot.in_degrees = true;
  for (const Coordinate& c : m.coordinates) mot.labels.push_back(c.name);
  mot.data.resize(frames, static_cast<int>(m.coordinates.size()));
  const Joint& st = *std::find_if(m.joints.begin(), m.joints.end(),
                                  [](const Joint& j) { return j.kind == mb::JointKind::scapulothoracic; });
  const double pi = std::acos(-1.0);
  for (int k = 0; k < frames; ++k) {
    const double t = k / double(frames - 1), s = std::sin(pi * t);
    q[clav_elev] = rest[clav_elev] + 0.15 * s;
    q[shoulder_elv] = rest[shoulder_elv] + 0.8 * s;
    q[elbow] = rest[elbow] + 0.6 * s;
    mb::assemble(*m.multibody, *d.ws, q);
    body_poses(m, d, q);
    const PointConstraint& ac = m.point_constraints[0];
    EXPECT_LT((d.pose[ac.body1] * ac.point1_m - d.pose[ac.body2] * ac.point2_m).norm(), 1e-8) << "frame " << k;
    // The scapula's joint frame on the ellipsoid of the thorax's joint frame.
    const Eigen::Isometry3d parent = d.pose[st.parent_body] * st.frame_in_parent;
    const Eigen::Vector3d p = parent.inverse() * (d.pose[st.child_body] * st.frame_in_child).translation();
    EXPECT_NEAR(p.cwiseQuotient(st.scapulothoracic.radii_m).squaredNorm(), 1.0, 1e-9) << "frame " << k;
    mot.time_s.push_back(t);
    for (std::size_t c = 0; c < m.coordinates.size(); ++c)
      mot.data(k, static_cast<int>(c)) =
          q[m.coordinates[c].mb_index] * (m.coordinates[c].translational ? 1.0 : 180 / pi);
  }
  // The clavicle moved, and the scapula with it (the constraint carried it along).
  EXPECT_GT(std::abs(mot.data(20, m.coordinate_index("clav_elev")) - mot.data(0, m.coordinate_index("clav_elev"))), 5.0);
  double scapula_motion_deg = 0;
  for (int c : st.coordinates) scapula_motion_deg += std::abs(mot.data(20, c) - mot.data(0, c));
  EXPECT_GT(scapula_motion_deg, 1.0);

  const fs::path folder = test::scratch_dir("spineload_thoracoscapular");
  write(folder / "raise.mot", format_storage(mot));
  MotionAnalysis req;
  req.model_file = model_file;
  req.motion_file = (folder / "raise.mot").string();
  std::string summary;
  const auto files = analyze_motion(req, summary);
  fs::remove_all(folder);
  std::map<std::string, Storage> out;
  for (const auto& [file, text] : files) out.emplace(file, read_storage_text(text, file));
  const std::string stem = "ThoracoscapularShoulderModel";
  for (const char* kind : {"_InverseDynamics.sto", "_StaticOptimization_activation.sto", "_StaticOptimization_force.sto",
                           "_JointReaction_ReactionLoads.sto"}) {
    ASSERT_EQ(out.count(stem + kind), 1u) << kind << "\n" << summary;
    EXPECT_TRUE(out.at(stem + kind).data.allFinite()) << kind;
  }
  // Newton along the vertical for the whole body: the constraint's forces are internal.
  const Storage& id = out.at(stem + "_InverseDynamics.sto");
  const Storage& acc = out.at(stem + "_BodyKinematics_acc_global.sto");
  const int ty = id.column("ground_thorax_ty_force");
  ASSERT_GE(ty, 0);
  const double weight = m.total_mass_kg() * 9.80665;
  for (std::size_t k = 0; k < id.time_s.size(); ++k)
    EXPECT_NEAR(id.data(static_cast<int>(k), ty),
                m.total_mass_kg() * acc.data(static_cast<int>(k), acc.column("center_of_mass_Y")) + weight, 1e-6 * weight);
}

}  // namespace
}  // namespace spineload
