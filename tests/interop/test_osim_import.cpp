// Importing OpenSim models: our own 4.x test model, a 3.x-layout pendulum written inline,
// and bad files.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "interop/opensim_tools.hpp"
#include "interop/osim_export.hpp"
#include "interop/osim_import.hpp"
#include "output/tables.hpp"
#include "io/storage.hpp"
#include "model/data.hpp"
#include "multibody/system.hpp"
#include "muscles/muscle_geometry.hpp"
#include "muscles/passive_tissues.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

ImportedModel leg() { return import_osim_file(test::source_path("tests/data/osim/leg_4x.osim")); }

// A one-body pendulum in the OpenSim 2.x/3.x layout: rod of 2 kg, centre of mass 0.5 m
// below a pin about Z at the origin. `extra` goes into the body.
std::string pendulum(const std::string& joint_type = "CustomJoint", const std::string& extra = "") {
  const std::string transform = joint_type == "CustomJoint" ? R"(
          <SpatialTransform>
            <TransformAxis name="rotation1"><function><LinearFunction><coefficients>1 0</coefficients></LinearFunction></function>
              <coordinates>theta</coordinates><axis>0 0 1</axis></TransformAxis>
          </SpatialTransform>)" : "";
  return R"(<?xml version="1.0"?>
<OpenSimDocument Version="30000"><Model name="pendulum">
  <gravity>0 -10 0</gravity>
  <BodySet><objects>
    <Body name="ground"><mass>0</mass></Body>
    <Body name="rod"><mass>2</mass><mass_center>0 -0.5 0</mass_center>
      <inertia_xx>0.1</inertia_xx><inertia_yy>0.01</inertia_yy><inertia_zz>0.1</inertia_zz>
      <Joint><)" + joint_type + R"( name="pin">
          <parent_body>ground</parent_body>
          <location_in_parent>0 0 0</location_in_parent><orientation_in_parent>0 0 0</orientation_in_parent>
          <location>0 0 0</location><orientation>0 0 0</orientation>
          <CoordinateSet><objects><Coordinate name="theta"><range>-3 3</range></Coordinate></objects></CoordinateSet>)" +
         transform + R"(
      </)" + joint_type + R"(></Joint>)" + extra + R"(
    </Body>
  </objects></BodySet>
</Model></OpenSimDocument>
)";
}

TEST(OsimImport, ReadsThe4xLayoutWithEveryPart) {
  const ImportedModel im = leg();
  const Model& m = *im.model;
  EXPECT_EQ(im.report.layout, "4.x");
  ASSERT_EQ(m.bodies.size(), 3u);
  ASSERT_EQ(m.coordinates.size(), 2u);
  EXPECT_NEAR(m.total_mass_kg(), 12, 1e-12);
  EXPECT_NEAR(m.coordinates[m.coordinate_index("hip_flexion")].max_rad, 2.0, 1e-15);
  EXPECT_TRUE(m.coordinates[m.coordinate_index("hip_flexion")].clamped);
  ASSERT_EQ(m.muscles.size(), 1u);
  EXPECT_DOUBLE_EQ(m.muscles[0].max_force_N(), 3000);
  EXPECT_DOUBLE_EQ(m.muscles[0].tendon.optimal_fiber_length_m, 0.09);
  EXPECT_EQ(m.markers.size(), 1u);
  ASSERT_EQ(m.actuators.size(), 1u);
  EXPECT_DOUBLE_EQ(m.actuators[0].optimal_force, 100);
  EXPECT_TRUE(im.report.unsupported.empty());
  EXPECT_GE(m.frame_index("hip/ground_offset"), 0);
  EXPECT_NE(format_import_report(im).find("not supported: nothing"), std::string::npos);
}

TEST(OsimImport, PinAndSplineDrivenKneeMoveTheBodies) {
  const ImportedModel im = leg();
  const Model& m = *im.model;
  Data d(m);
  Eigen::VectorXd q = Eigen::VectorXd::Zero(2), zero = Eigen::VectorXd::Zero(2);
  forward_kinematics(m, d, q, zero);
  // Upright: hip at (0, 1, 0); the shank hangs 0.4 m below, shifted 4 mm by the spline.
  const int shank = m.body_index("shank"), foot = m.body_index("foot");
  EXPECT_NEAR(d.pose[shank].translation().x(), 0.004, 1e-12);
  EXPECT_NEAR(d.pose[shank].translation().y(), 0.6, 1e-12);
  EXPECT_NEAR(d.pose[foot].translation().y(), 0.2, 1e-12);
  // Hip flexed 90 deg about Z: the thigh points forward (+X).
  q[m.coordinate_index("hip_flexion")] = std::numbers::pi / 2;
  forward_kinematics(m, d, q, zero);
  EXPECT_NEAR(d.pose[shank].translation().x(), 0.4, 1e-12);
  EXPECT_NEAR(d.pose[shank].translation().y(), 1.004, 1e-12);
  // The knee's translation follows its spline: at knee_angle -1 it is 1 mm.
  q.setZero();
  q[m.coordinate_index("knee_angle")] = -1;
  forward_kinematics(m, d, q, zero);
  EXPECT_NEAR(d.pose[shank].translation().x(), 0.001, 1e-12);
}

TEST(OsimImport, PendulumInverseDynamicsAndReactionAreTextbookValues) {
  for (const char* type : {"CustomJoint", "PinJoint"}) {
    const ImportedModel im = import_osim_text(pendulum(type), "pendulum.osim");
    const Model& m = *im.model;
    EXPECT_EQ(im.report.layout, "2.x/3.x");
    Data d(m);
    const double theta = 0.3;
    Eigen::VectorXd q(1), zero = Eigen::VectorXd::Zero(1);
    q << theta;
    forward_kinematics(m, d, q, zero);
    apply_loads(m, d, {});
    inverse_dynamics(m, d, zero);
    // Holding it still at theta needs m g l sin(theta) about +Z.
    EXPECT_NEAR(d.tau_Nm[0], 2 * 10 * 0.5 * std::sin(theta), 1e-10) << type;
    // Released at rest, the pin pushes on the rod: m g cos(theta) along the rod, upwards
    // share m g - m a_y (tangential acceleration g sin(theta) at the COM, less I effects).
    Motion motion;
    motion.time_s = {0};
    motion.q = {q};
    motion.qdot = {zero};
    motion.qddot = {zero};
    const Storage r = joint_reaction_table(m, motion, {{"pin", true, "rod"}}, "test");
    const double I_pin = 0.1 + 2 * 0.25;
    const double alpha = -2 * 10 * 0.5 * std::sin(theta) / I_pin;
    const double f_along = 2 * 10 * std::cos(theta);        // rod axis (-y of the rod): no centripetal term at rest
    const double f_across = 2 * 10 * std::sin(theta) + 2 * alpha * 0.5;  // x of the rod
    EXPECT_NEAR(r.data(0, r.column("pin_on_rod_in_rod_fy")), f_along, 1e-9) << type;
    EXPECT_NEAR(r.data(0, r.column("pin_on_rod_in_rod_fx")), f_across, 1e-9) << type;
    EXPECT_NEAR(r.data(0, r.column("pin_on_rod_in_rod_mz")), 0, 1e-9) << type;
  }
}

// A locked coordinate is held as OpenSim's Coordinate holds it (a prescribed-motion
// constraint at its default value): released at rest, the pendulum stays put and its pin
// carries the weight and the whole moment of gravity.
TEST(OsimImport, ALockedCoordinateHoldsItsJointInTheReactions) {
  std::string text = pendulum("PinJoint");
  const std::string free_coordinate = R"(<Coordinate name="theta"><range>-3 3</range></Coordinate>)";
  text.replace(text.find(free_coordinate), free_coordinate.size(),
               R"(<Coordinate name="theta"><range>-3 3</range><default_value>0.3</default_value><locked>true</locked></Coordinate>)");
  const ImportedModel im = import_osim_text(text, "locked.osim");
  const Model& m = *im.model;
  ASSERT_TRUE(m.coordinates[0].locked);
  Motion motion;
  Eigen::VectorXd q(1), zero = Eigen::VectorXd::Zero(1);
  q << 0.3;
  motion.time_s = {0};
  motion.q = {q};
  motion.qdot = {zero};
  motion.qddot = {zero};
  Eigen::VectorXd gap;
  const Storage r = joint_reaction_table(m, motion, {{"pin", true, "ground"}}, "test", nullptr, nullptr, &gap);
  EXPECT_LT(gap[0], 1e-9);
  EXPECT_NEAR(r.data(0, r.column("pin_on_rod_in_ground_fx")), 0, 1e-9);
  EXPECT_NEAR(r.data(0, r.column("pin_on_rod_in_ground_fy")), 2 * 10, 1e-9);
  EXPECT_NEAR(r.data(0, r.column("pin_on_rod_in_ground_mz")), 2 * 10 * 0.5 * std::sin(0.3), 1e-9);
}

InputError import_error(const std::string& xml) {
  try {
    import_osim_text(xml, "bad.osim");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError("", 0, "", "");
}

TEST(OsimImport, BadFilesNameTheElementAndLine) {
  // Malformed XML: the parser's line.
  const InputError malformed = import_error("<?xml version=\"1.0\"?>\n<OpenSimDocument>\n<Model name=\"x\">\n</OpenSimDocument>\n");
  EXPECT_EQ(malformed.file(), "bad.osim");
  EXPECT_GT(malformed.line(), 0);
  EXPECT_NE(std::string(malformed.what()).find("malformed XML"), std::string::npos);
  // A joint to a body that does not exist.
  std::string dangling = pendulum();
  dangling.replace(dangling.find("<parent_body>ground"), 19, "<parent_body>femur");
  const InputError e1 = import_error(dangling);
  EXPECT_EQ(e1.field(), "pin");
  EXPECT_EQ(e1.line(), 8);
  EXPECT_NE(std::string(e1.what()).find("'femur' does not exist"), std::string::npos);
  // A number that is not one.
  std::string nan_mass = pendulum();
  nan_mass.replace(nan_mass.find("<mass>2</mass>"), 14, "<mass>two</mass>");
  EXPECT_EQ(import_error(nan_mass).field(), "Body rod.mass");
  EXPECT_NE(std::string(import_error("<Model name=\"m\"/>").what()).find("BodySet"), std::string::npos);
}

// Found by fuzzing (fuzz/fuzz_osim.cpp): each aborted the import instead of naming the input.
TEST(OsimImport, InputsFoundByFuzzingAreInputErrors) {
  // No element at all (a declaration, a comment): was a null dereference.
  const InputError empty = import_error("<?xml version=\"1.0\"?>\n<!-- nothing -->\n");
  EXPECT_EQ(empty.file(), "bad.osim");
  EXPECT_NE(std::string(empty.what()).find("no XML element"), std::string::npos);
  // A 3.x inertia component that is no number: was Eigen's assertion (a throw half-way
  // through a comma initialiser).
  const InputError inertia = import_error(
      "<OpenSimDocument Version=\"30000\"><Model name=\"m\"><BodySet><objects><Body name=\"ground\"/>\n"
      "<Body name=\"b\"><mass>1</mass><mass_center>0 0 0</mass_center><inertia_xx>1</inertia_xx>\n"
      "<inertia_yy>oops</inertia_yy></Body></objects></BodySet></Model></OpenSimDocument>");
  EXPECT_EQ(inertia.line(), 3);
  EXPECT_NE(inertia.field().find("inertia_yy"), std::string::npos) << inertia.field();
  // A transform axis naming a coordinate the joint does not have (read past the end of its
  // coordinates), and a CustomJoint with none (Simbody's mobiliser asserted).
  std::string stray = pendulum();
  stray.replace(stray.find("<coordinates>theta</coordinates>"), 32, "<coordinates>phi</coordinates>");
  const InputError axis = import_error(stray);
  EXPECT_EQ(axis.field().rfind("pin.", 0), 0u) << axis.field();
  EXPECT_NE(std::string(axis.what()).find("phi"), std::string::npos) << axis.what();
  std::string none = pendulum();
  none.replace(none.find("<Coordinate name=\"theta\"><range>-3 3</range></Coordinate>"), 57, "");
  none.replace(none.find("<coordinates>theta</coordinates>"), 32, "<coordinates></coordinates>");
  const InputError empty_joint = import_error(none);
  EXPECT_EQ(empty_joint.field(), "pin");
  EXPECT_NE(std::string(empty_joint.what()).find("0 coordinates"), std::string::npos) << empty_joint.what();
}

TEST(OsimImport, CyclesInTheJointTreeAreRefused) {
  const std::string xml = R"(<OpenSimDocument Version="30000"><Model name="loop"><BodySet><objects>
    <Body name="a"><mass>1</mass><Joint><WeldJoint name="ab"><parent_body>b</parent_body></WeldJoint></Joint></Body>
    <Body name="b"><mass>1</mass><Joint><WeldJoint name="ba"><parent_body>a</parent_body></WeldJoint></Joint></Body>
  </objects></BodySet></Model></OpenSimDocument>)";
  const InputError e = import_error(xml);
  EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos);
  EXPECT_EQ(e.line(), 2);
}

TEST(OsimImport, UnsupportedPartsAreListedAndAnalysesThatNeedThemRefuse) {
  // An obstacle-set wrap object: listed, and muscle analyses refuse; a cylinder and a torus
  // are imported.
  const std::string wrap = R"(
      <WrapObjectSet><objects><WrapCylinderObst name="ring"><radius>0.01</radius></WrapCylinderObst>
        <WrapTorus name="hoop"><inner_radius>0.01</inner_radius><outer_radius>0.04</outer_radius></WrapTorus>
        <WrapCylinder name="roller"><radius>0.02</radius><length>0.1</length><quadrant>-y</quadrant></WrapCylinder></objects></WrapObjectSet>)";
  const ImportedModel im = import_osim_text(pendulum("CustomJoint", wrap), "wrap.osim");
  ASSERT_EQ(im.report.unsupported.size(), 1u);
  EXPECT_EQ(im.report.unsupported[0].name, "ring");
  EXPECT_EQ(im.report.unsupported[0].type, "WrapCylinderObst");
  ASSERT_EQ(im.model->wrap_objects.size(), 2u);
  EXPECT_EQ(im.model->wrap_objects[0].shape, WrapObject::Shape::torus);
  EXPECT_EQ(im.model->wrap_objects[0].dimensions_m.y(), 0.04);
  EXPECT_EQ(im.model->wrap_objects[1].quadrant_axis, 1);
  EXPECT_EQ(im.model->wrap_objects[1].quadrant_sign, -1);
  // A torus without a hole is refused, naming the field.
  const std::string solid = R"(
      <WrapObjectSet><objects><WrapTorus name="hoop"><inner_radius>0.05</inner_radius><outer_radius>0.04</outer_radius></WrapTorus></objects></WrapObjectSet>)";
  EXPECT_EQ(import_error(pendulum("CustomJoint", solid)).field(), "WrapTorus hoop.outer_radius");
  EXPECT_NO_THROW(require_supported(im, false, "InverseDynamics"));
  EXPECT_THROW(require_supported(im, true, "StaticOptimization"), InputError);
  // An unknown joint type: welded, listed, and every analysis refuses.
  const ImportedModel ej = import_osim_text(pendulum("EllipsoidJoint"), "ellipsoid.osim");
  ASSERT_EQ(ej.report.unsupported.size(), 1u);
  EXPECT_TRUE(ej.report.unsupported[0].affects_kinematics);
  EXPECT_THROW(require_supported(ej, false, "InverseDynamics"), InputError);
}




TEST(OsimImport, CouplersConditionalAndMovingPoints) {
  const ImportedModel im = import_osim_file(test::source_path("tests/data/osim/knee_3x.osim"));
  const Model& m = *im.model;
  EXPECT_TRUE(im.report.unsupported.empty());
  ASSERT_EQ(m.couplers.size(), 1u);
  const int knee = m.coordinate_index("knee_angle"), patella = m.coordinate_index("patella_angle");
  // The patella is balanced through the knee it follows.
  EXPECT_EQ(m.equilibrium_coordinates, std::vector<int>{knee});
  ASSERT_TRUE(m.muscles[0].variable_path);
  Data d(m);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(2);
  auto length = [&](double k, double p) {
    Eigen::VectorXd q(2);
    q[knee] = k;
    q[patella] = p;
    forward_kinematics(m, d, q, zero);
    muscle_geometry(m, d);
    return d.length_m[0];
  };
  // Moment arms = -dL/dq, each coordinate on its own, with the moving insertion and with and
  // without the conditional point.
  for (double k : {-1.5, -0.2}) {
    const double p = 0.5 * k;
    length(k, p);
    const Eigen::MatrixXd arms = d.moment_arm_m;
    const double h = 1e-6;
    EXPECT_NEAR(arms(knee, 0), -(length(k + h, p) - length(k - h, p)) / (2 * h), 1e-6) << k;
    EXPECT_NEAR(arms(patella, 0), -(length(k, p + h) - length(k, p - h)) / (2 * h), 1e-6) << k;
  }
  // The conditional point joins the path inside its range only: crossing the range's edge,
  // the path jumps by the detour through it.
  const double inside = length(-0.5 - 1e-9, -0.25), outside = length(-0.5 + 1e-9, -0.25);
  EXPECT_GT(inside - outside, 1e-5);
  // A motion without the patella column: the patella follows the knee.
  const Storage st = test::motion_table({"knee_angle"}, 11, [](int i, int) { return -0.1 * i; });
  const Motion motion = motion_from_storage(m, st, {}, "knee.sto");
  EXPECT_NEAR(motion.q[6][patella], 0.5 * motion.q[6][knee], 1e-12);
  EXPECT_NEAR(motion.qdot[6][patella], 0.5 * motion.qdot[6][knee], 1e-12);
  EXPECT_TRUE(motion.missing.empty());
  // Reactions: forward dynamics honours the coupler (a Simbody constraint; OsimCouplers
  // checks the values), so the patella's pin reacts to the constraint as well.
  const Storage jr = joint_reaction_table(m, motion, {{"knee", true, "shank"}, {"patellofemoral", true, "thigh"}}, "x");
  EXPECT_TRUE(jr.data.allFinite());
}

}  // namespace
}  // namespace spineload

// OpenSim's own leniencies (issue 16): what it accepts, accepted the same way, with a warning.
namespace spineload {
namespace {

std::string with_forces(std::string xml, const std::string& forces) {
  xml.replace(xml.find("</BodySet>"), 10, "</BodySet>\n  <ForceSet><objects>" + forces + "</objects></ForceSet>");
  return xml;
}

std::string replaced(std::string xml, const std::string& from, const std::string& to) {
  xml.replace(xml.find(from), from.size(), to);
  return xml;
}

TEST(OsimLeniency, InfAndNaNLiteralsAreReadWhereOpenSimAllowsThemAndRefusedWhereAValueMustBeFinite) {
  // Unbounded controls, as OpenSim writes them, and an unbounded range.
  const std::string xml = replaced(
      with_forces(pendulum(), R"(<CoordinateActuator name="reserve"><coordinate>theta</coordinate><optimal_force>10</optimal_force>
        <min_control>-Inf</min_control><max_control>Infinity</max_control></CoordinateActuator>)"),
      "<range>-3 3</range>", "<range>-inf INF</range>");
  const ImportedModel im = import_osim_text(xml, "p.osim");
  ASSERT_EQ(im.model->actuators.size(), 1u);
  EXPECT_EQ(im.model->actuators[0].min_control, -1e6);
  EXPECT_EQ(im.model->actuators[0].max_control, 1e6);
  EXPECT_TRUE(std::isinf(im.model->coordinates[0].max_rad));
  // A mass of Inf or NaN is a number OpenSim reads, but no body has it.
  for (const char* bad : {"Inf", "NaN", "-nan"}) {
    const InputError e = import_error(replaced(pendulum(), "<mass>2</mass>", std::string("<mass>") + bad + "</mass>"));
    EXPECT_EQ(e.field(), "Body rod.mass") << bad;
    EXPECT_NE(std::string(e.what()).find("must be finite"), std::string::npos) << e.what();
  }
}

TEST(OsimLeniency, AnInertiaSimbodyRefusesIsRepairedAsOpenSimDoesWithAWarning) {
  // 0.1 + 0.01 < 0.5: no rigid body has these moments (Simbody's triangle inequality).
  const std::string bad = replaced(pendulum(), "<inertia_zz>0.1</inertia_zz>", "<inertia_zz>0.5</inertia_zz>");
  const ImportedModel im = import_osim_text(bad, "p.osim");
  ASSERT_EQ(im.report.warnings.size(), 1u);
  EXPECT_NE(im.report.warnings[0].find("Body rod (line 6)"), std::string::npos) << im.report.warnings[0];
  const double sphere = std::sqrt(0.1 * 0.1 + 0.01 * 0.01 + 0.5 * 0.5) / std::sqrt(3.0);  // OpenSim's Body::getInertia
  const Body& rod = im.model->bodies[im.model->body_index("rod")];
  EXPECT_NEAR(rod.inertia_kg_m2.x(), sphere, 1e-15);
  EXPECT_NEAR(rod.inertia_kg_m2.z(), sphere, 1e-15);
  EXPECT_NE(format_import_report(im).find("accepted as OpenSim accepts it"), std::string::npos);
  // A massless body keeps no inertia.
  const ImportedModel massless = import_osim_text(replaced(pendulum(), "<mass>2</mass>", "<mass>0</mass>"), "p.osim");
  ASSERT_EQ(massless.report.warnings.size(), 1u);
  EXPECT_EQ(massless.model->bodies[massless.model->body_index("rod")].inertia_kg_m2, Eigen::Vector3d::Zero());
  // A physical inertia: no warning.
  EXPECT_TRUE(import_osim_text(pendulum(), "p.osim").report.warnings.empty());
}

TEST(OsimLeniency, CommentsInsideANumbersElementAreSkipped) {
  const ImportedModel im = import_osim_text(replaced(pendulum(), "<mass>2</mass>", "<mass><!-- kg -->\n 2 <!-- measured --></mass>"), "p.osim");
  EXPECT_EQ(im.model->bodies[im.model->body_index("rod")].mass_kg, 2.0);
}

TEST(OsimLeniency, TheReportGivesTranslationalRangesInMetres) {
  const ImportedModel im = import_osim_text(
      replaced(replaced(pendulum("CustomJoint"), "<axis>0 0 1</axis></TransformAxis>",
                        "<axis>0 0 1</axis></TransformAxis>\n<TransformAxis name=\"translation1\"><function><LinearFunction><coefficients>1 0</coefficients></LinearFunction></function><coordinates>slide</coordinates><axis>1 0 0</axis></TransformAxis>"),
               "<Coordinate name=\"theta\"><range>-3 3</range></Coordinate>",
               "<Coordinate name=\"theta\"><range>-3 3</range></Coordinate><Coordinate name=\"slide\"><motion_type>translational</motion_type><range>-5 5</range></Coordinate>"),
      "p.osim");
  const std::string info = format_model_info(*im.model);
  EXPECT_NE(info.find("-5 to 5 m"), std::string::npos) << info;
  EXPECT_NE(info.find("-172 to 172 deg"), std::string::npos) << info;
}

// The models users run (../shared/opensim-models, optional): every one imports; the two
// whose inertias Simbody refuses are repaired as OpenSim repairs them.
TEST(OsimLeniency, EveryModelInTheSharedFolderImports) {
  const std::string dir = test::shared_path("opensim-models");
  if (dir.empty()) GTEST_SKIP() << "../shared/opensim-models is absent";
  for (const char* f : {"gait10dof18musc_subject01.osim", "gait2354_simbody.osim", "subject01_gait2392_scaled.osim",
                         "Rajagopal_2015.osim", "ThoracoscapularShoulderModel.osim", "Tug_of_War_Millard_Iso.osim"}) {
    SCOPED_TRACE(f);
    const ImportedModel im = import_osim_file(dir + "/" + f);
    EXPECT_GT(im.model->total_mass_kg(), 0.0);
    const std::string name = f;
    if (name == "subject01_gait2392_scaled.osim") {
      ASSERT_EQ(im.report.warnings.size(), 2u);  // toes_r and toes_l
      EXPECT_NE(im.report.warnings[0].find("Body toes_r"), std::string::npos);
    } else if (name == "ThoracoscapularShoulderModel.osim") {
      ASSERT_EQ(im.report.warnings.size(), 1u);
      EXPECT_NE(im.report.warnings[0].find("Body radius"), std::string::npos);
    } else {
      EXPECT_TRUE(im.report.warnings.empty());
    }
  }
}

}  // namespace
}  // namespace spineload

// Forces and actuators users' models contain (issue 16), against OpenSim's formulas.
namespace spineload {
namespace {

constexpr double kDegToRad = std::numbers::pi / 180;

// The pendulum held still at theta by static optimisation: the actuators' force columns.
Storage held_pendulum(const std::string& forces, double theta, double theta_dot = 0) {
  const ImportedModel im = import_osim_text(with_forces(pendulum(), forces), "p.osim");
  Motion motion;
  motion.time_s = {0};
  motion.q = {Eigen::VectorXd::Constant(1, theta)};
  motion.qdot = {Eigen::VectorXd::Constant(1, theta_dot)};
  motion.qddot = {Eigen::VectorXd::Zero(1)};
  return static_optimization_tables(*im.model, motion, {}).force;
}

TEST(OsimForces, CoordinateLimitForceIsOpenSimsSteppedSpringAndDamper) {
  // 2 N m/deg beyond 10 deg, reached over a 5 deg transition; damping 0.1 N m/(deg/s).
  const std::string limit = R"(<CoordinateLimitForce name="stop"><coordinate>theta</coordinate>
      <upper_stiffness>2</upper_stiffness><upper_limit>10</upper_limit><lower_stiffness>3</lower_stiffness>
      <lower_limit>-20</lower_limit><damping>0.1</damping><transition>5</transition></CoordinateLimitForce>)";
  const ImportedModel im = import_osim_text(with_forces(pendulum(), limit), "p.osim");
  ASSERT_EQ(im.model->limit_forces.size(), 1u);
  const CoordinateLimitForce& f = im.model->limit_forces[0];
  EXPECT_NEAR(f.force(0.0, 0.0), 0.0, 1e-12);                        // between the limits
  EXPECT_NEAR(f.force(30 * kDegToRad, 0.0), -2 * 20, 1e-9);         // past the transition: -K (q - q_up)
  EXPECT_NEAR(f.force(12.5 * kDegToRad, 0.0), -0.5 * 2 * 2.5, 1e-9);  // half-way: the quintic step is 1/2
  EXPECT_NEAR(f.force(-40 * kDegToRad, 0.0), 3 * 20, 1e-9);         // the lower stop pushes back
  EXPECT_NEAR(f.force(30 * kDegToRad, 1.0), -40 - 0.1 / kDegToRad, 1e-9);  // damping only beyond a limit
  EXPECT_NEAR(f.force(0.0, 1.0), 0.0, 1e-12);
  // Static optimisation counts it as passive: a reserve holding the rod at 30 deg supplies
  // m g l sin(theta) = 5 N m less the stop's -40 N m (to 1e-4: the engine's own reserve,
  // weighted far above the actuator, takes a few parts per million).
  const Storage so = held_pendulum(limit + R"(<CoordinateActuator name="reserve"><coordinate>theta</coordinate>
      <optimal_force>1</optimal_force></CoordinateActuator>)", 30 * kDegToRad);
  EXPECT_NEAR(so.data(0, so.column("reserve")), 5 + 40, 1e-4);
  // Inverse dynamics applies it too (OpenSim applies every force but the muscles): the pin
  // supplies the same 45 N m.
  Motion still;
  still.time_s = {0};
  still.q = {Eigen::VectorXd::Constant(1, 30 * kDegToRad)};
  still.qdot = still.qddot = {Eigen::VectorXd::Zero(1)};
  EXPECT_NEAR(inverse_dynamics_table(*im.model, still).data(0, 0), 5 + 40, 1e-9);
}

TEST(OsimForces, TorqueAndPointActuatorsHoldThePendulumThroughTheirGeometry) {
  const double theta = 0.4, gravity = 2 * 10 * 0.5 * std::sin(theta);  // m g l sin(theta)
  // A torque about ground's Z between the rod and ground: one for one on theta.
  const Storage torque = held_pendulum(R"(<TorqueActuator name="motor"><bodyA>rod</bodyA><bodyB>ground</bodyB>
      <axis>0 0 1</axis><optimal_force>10</optimal_force></TorqueActuator>)", theta);
  EXPECT_NEAR(torque.data(0, torque.column("motor")), gravity, 1e-6);
  // Reversed bodies, reversed sign.
  const Storage reversed = held_pendulum(R"(<TorqueActuator name="motor"><socket_bodyA>/ground</socket_bodyA>
      <socket_bodyB>/bodyset/rod</socket_bodyB><axis>0 0 1</axis><optimal_force>10</optimal_force></TorqueActuator>)", theta);
  EXPECT_NEAR(reversed.data(0, reversed.column("motor")), -gravity, 1e-6);
  // A force along the rod's own x at 1 m down the rod: a lever of 1 m whatever theta.
  const Storage local = held_pendulum(R"(<PointActuator name="push"><body>rod</body><point>0 -1 0</point>
      <direction>2 0 0</direction><optimal_force>10</optimal_force></PointActuator>)", theta);
  EXPECT_NEAR(local.data(0, local.column("push")), gravity, 1e-6);
  // Along ground's x: the lever shortens to cos(theta).
  const Storage global = held_pendulum(R"(<PointActuator name="push"><body>rod</body><point>0 -1 0</point>
      <direction>1 0 0</direction><force_is_global>true</force_is_global><optimal_force>10</optimal_force></PointActuator>)", theta);
  EXPECT_NEAR(global.data(0, global.column("push")), gravity / std::cos(theta), 1e-6);
  // Refusals name the element.
  EXPECT_EQ(import_error(with_forces(pendulum(), R"(<PointActuator name="push"><body>rod</body><direction>0 0 0</direction></PointActuator>)")).field(),
            "push.direction");
  EXPECT_EQ(import_error(with_forces(pendulum(), R"(<TorqueActuator name="motor"><bodyA>femur</bodyA><bodyB>ground</bodyB></TorqueActuator>)")).field(),
            "motor.bodyA");
}

}  // namespace
}  // namespace spineload

// Joint reactions of a model with a coordinate coupler (issue 16): the coupler is a Simbody
// constraint in forward dynamics. A second rod whose angle follows the first's times zero
// is held straight: the reactions must be those of the same two rods welded together.
namespace spineload {
namespace {

std::string double_rod(const std::string& second_joint, const std::string& constraints) {
  return R"(<?xml version="1.0"?>
<OpenSimDocument Version="30000"><Model name="rods">
  <gravity>0 -9.81 0</gravity>
  <BodySet><objects>
    <Body name="ground"><mass>0</mass></Body>
    <Body name="rod1"><mass>2</mass><mass_center>0 -0.5 0</mass_center>
      <inertia_xx>0.1</inertia_xx><inertia_yy>0.01</inertia_yy><inertia_zz>0.1</inertia_zz>
      <Joint><PinJoint name="pin1"><parent_body>ground</parent_body>
        <CoordinateSet><objects><Coordinate name="theta1"><range>-3 3</range></Coordinate></objects></CoordinateSet>
      </PinJoint></Joint>
    </Body>
    <Body name="rod2"><mass>1</mass><mass_center>0.1 -0.3 0</mass_center>
      <inertia_xx>0.05</inertia_xx><inertia_yy>0.01</inertia_yy><inertia_zz>0.05</inertia_zz>
      <Joint>)" + second_joint + R"(</Joint>
    </Body>
  </objects></BodySet>
  <ConstraintSet><objects>)" + constraints + R"(</objects></ConstraintSet>
</Model></OpenSimDocument>
)";
}

TEST(OsimCouplers, JointReactionsOfACoupledModelHonourTheCoupler) {
  const std::string pin = R"(<PinJoint name="pin2"><parent_body>rod1</parent_body><location_in_parent>0 -1 0</location_in_parent>
        <CoordinateSet><objects><Coordinate name="theta2"><range>-3 3</range></Coordinate></objects></CoordinateSet></PinJoint>)";
  const std::string held = R"(<CoordinateCouplerConstraint name="held"><coupled_coordinates_function><LinearFunction>
        <coefficients>0 0</coefficients></LinearFunction></coupled_coordinates_function>
        <independent_coordinate_names>theta1</independent_coordinate_names><dependent_coordinate_name>theta2</dependent_coordinate_name>
        </CoordinateCouplerConstraint>)";
  const std::string weld = R"(<WeldJoint name="pin2"><parent_body>rod1</parent_body><location_in_parent>0 -1 0</location_in_parent></WeldJoint>)";
  const ImportedModel coupled = import_osim_text(double_rod(pin, held), "coupled.osim");
  const ImportedModel welded = import_osim_text(double_rod(weld, ""), "welded.osim");
  ASSERT_EQ(coupled.model->couplers.size(), 1u);
  for (const double theta : {0.0, 0.4, -1.1}) {
    // Released at rest at theta: both swing as one rigid body.
    auto reaction = [&](const Model& m, int n) {
      Motion motion;
      motion.time_s = {0};
      Eigen::VectorXd q = Eigen::VectorXd::Zero(n);
      q[0] = theta;
      motion.q = {q};
      motion.qdot = {Eigen::VectorXd::Zero(n)};
      motion.qddot = {Eigen::VectorXd::Zero(n)};
      return joint_reaction_table(m, motion, {{"pin1", true, "ground"}}, "rods");
    };
    const Storage a = reaction(*coupled.model, 2), b = reaction(*welded.model, 1);
    for (const char* col : {"pin1_on_rod1_in_ground_fx", "pin1_on_rod1_in_ground_fy", "pin1_on_rod1_in_ground_mz"})
      EXPECT_NEAR(a.data(0, a.column(col)), b.data(0, b.column(col)), 1e-9) << col << " at " << theta;
    // Not trivially zero: the pin carries the falling rods.
    EXPECT_GT(std::abs(b.data(0, b.column("pin1_on_rod1_in_ground_fy"))), 1.0);
  }
}

}  // namespace
}  // namespace spineload

// OpenSim's BodyKinematics (issue 16): the pendulum's centre of mass turning about the pin,
// by hand: position on a 0.5 m circle, velocity omega x r, acceleration alpha x r - omega^2 r.
namespace spineload {
namespace {

TEST(OsimBodyKinematics, ThePendulumsCentreOfMassTurnsOnItsCircle) {
  const ImportedModel im = import_osim_text(pendulum(), "p.osim");
  const double theta = 0.8, omega = 1.3, alpha = -0.7;
  Motion motion;
  motion.time_s = {0.25};
  motion.q = {Eigen::VectorXd::Constant(1, theta)};
  motion.qdot = {Eigen::VectorXd::Constant(1, omega)};
  motion.qddot = {Eigen::VectorXd::Constant(1, alpha)};
  const BodyKinematicsTables t = body_kinematics_tables(*im.model, motion);
  const Eigen::Vector3d r(0.5 * std::sin(theta), -0.5 * std::cos(theta), 0);
  const Eigen::Vector3d z = Eigen::Vector3d::UnitZ();
  const Eigen::Vector3d v = (omega * z).cross(r), a = (alpha * z).cross(r) - omega * omega * r;
  for (int k = 0; k < 3; ++k) {
    const char* axis[] = {"_X", "_Y", "_Z"};
    EXPECT_NEAR(t.position.data(0, t.position.column(std::string("rod") + axis[k])), r[k], 1e-12);
    EXPECT_NEAR(t.velocity.data(0, t.velocity.column(std::string("rod") + axis[k])), v[k], 1e-12);
    EXPECT_NEAR(t.acceleration.data(0, t.acceleration.column(std::string("rod") + axis[k])), a[k], 1e-12);
    // The rod is the only body with mass: the whole body's centre is its own.
    EXPECT_NEAR(t.position.data(0, t.position.column(std::string("center_of_mass") + axis[k])), r[k], 1e-12);
  }
  const double deg = 180 / std::numbers::pi;
  EXPECT_NEAR(t.position.data(0, t.position.column("rod_Oz")), theta * deg, 1e-10);
  EXPECT_NEAR(t.position.data(0, t.position.column("rod_Ox")), 0.0, 1e-10);
  EXPECT_NEAR(t.velocity.data(0, t.velocity.column("rod_Oz")), omega * deg, 1e-10);
  EXPECT_NEAR(t.acceleration.data(0, t.acceleration.column("rod_Oz")), alpha * deg, 1e-10);
  EXPECT_EQ(t.position.in_degrees, std::optional<bool>(true));
}

}  // namespace
}  // namespace spineload

// OpenSim's MuscleAnalysis, path geometry (issue 16): the lengths, and the moment arms as
// -dL/dq by central differences of the lengths it writes.
namespace spineload {
namespace {

TEST(OsimMuscleAnalysis, MomentArmsAreMinusTheLengthsDerivative) {
  const ImportedModel im = import_osim_file(test::source_path("tests/data/osim/knee_3x.osim"));
  const Model& m = *im.model;
  const int knee = m.coordinate_index("knee_angle"), patella = m.coordinate_index("patella_angle");
  auto at = [&](double k, double p) {
    Motion motion;
    motion.time_s = {0};
    Eigen::VectorXd q(2);
    q[knee] = k;
    q[patella] = p;
    motion.q = {q};
    motion.qdot = {Eigen::VectorXd::Zero(2)};
    motion.qddot = {Eigen::VectorXd::Zero(2)};
    return muscle_analysis_tables(m, motion);
  };
  const double h = 1e-6;
  for (double k : {-1.2, -0.3}) {
    const MuscleAnalysisTables t = at(k, 0.5 * k);
    ASSERT_EQ(t.moment_arm.size(), 2u);
    EXPECT_EQ(t.moment_arm[static_cast<std::size_t>(knee)].first, "knee_angle");
    EXPECT_EQ(t.length.labels, std::vector<std::string>{"quadriceps"});
    EXPECT_GT(t.length.data(0, 0), 0.2);
    const double dl = (at(k + h, 0.5 * k).length.data(0, 0) - at(k - h, 0.5 * k).length.data(0, 0)) / (2 * h);
    EXPECT_NEAR(t.moment_arm[static_cast<std::size_t>(knee)].second.data(0, 0), -dl, 1e-6) << k;
  }
}

}  // namespace
}  // namespace spineload

// OpenSim's PointToPointSpring (Simbody's TwoPointLinearSpring), by hand: the moment about
// the pin of a spring from a ground point to a point of the rod, counted as passive.
namespace spineload {
namespace {

TEST(OsimForces, PointToPointSpringPullsItsPointsTogetherAsAPassiveForce) {
  const std::string spring = R"(<PointToPointSpring name="band"><socket_body1>/ground</socket_body1><socket_body2>/bodyset/rod</socket_body2>
      <point1>1 0 0</point1><point2>0 -1 0</point2><stiffness>30</stiffness><rest_length>0.5</rest_length></PointToPointSpring>)";
  const ImportedModel im = import_osim_text(with_forces(pendulum(), spring), "p.osim");
  ASSERT_EQ(im.model->springs.size(), 1u);
  const Model& m = *im.model;
  Data d(m);
  for (const double theta : {0.0, 0.6, -0.9}) {
    forward_kinematics(m, d, Eigen::VectorXd::Constant(1, theta), Eigen::VectorXd::Zero(1));
    passive_moments(m, d);
    const Eigen::Vector3d q(std::sin(theta), -std::cos(theta), 0), p(1, 0, 0);  // the rod's point, the ground point
    const double length = (p - q).norm();
    const Eigen::Vector3d on_rod = 30 * (length - 0.5) * (p - q) / length;  // towards the ground point
    EXPECT_NEAR(d.passive_Nm[0], q.cross(on_rod).z(), 1e-10) << theta;
  }
  // Export and re-import keep it.
  const ImportedModel back = import_osim_text(export_osim(m, "round trip"), "back.osim");
  ASSERT_TRUE(back.report.unsupported.empty());
  ASSERT_EQ(back.model->springs.size(), 1u);
  EXPECT_DOUBLE_EQ(back.model->springs[0].stiffness_N_per_m, 30);
  EXPECT_EQ(back.model->springs[0].body1, -1);
}

}  // namespace
}  // namespace spineload

// OpenSim's SpringGeneralizedForce: -stiffness (q - rest_length) - viscosity qdot, by hand.
namespace spineload {
namespace {

TEST(OsimForces, SpringGeneralizedForceIsALinearSpringAndDamperOnItsCoordinate) {
  const std::string spring = R"(<SpringGeneralizedForce name="torsion"><coordinate>theta</coordinate>
      <stiffness>12</stiffness><rest_length>0.2</rest_length><viscosity>3</viscosity></SpringGeneralizedForce>)";
  const ImportedModel im = import_osim_text(with_forces(pendulum(), spring), "p.osim");
  ASSERT_EQ(im.model->coordinate_springs.size(), 1u);
  const Model& m = *im.model;
  Data d(m);
  forward_kinematics(m, d, Eigen::VectorXd::Constant(1, 0.7), Eigen::VectorXd::Constant(1, -0.4));
  passive_moments(m, d);
  EXPECT_NEAR(d.passive_Nm[0], -12 * (0.7 - 0.2) - 3 * -0.4, 1e-12);
  const ImportedModel back = import_osim_text(export_osim(m, "round trip"), "back.osim");
  ASSERT_EQ(back.model->coordinate_springs.size(), 1u);
  EXPECT_DOUBLE_EQ(back.model->coordinate_springs[0].viscosity, 3);
}

}  // namespace
}  // namespace spineload

// OpenSim's ExpressionBasedCoordinateForce: its expression of q and qdot (Lepton syntax)
// evaluated as written; a bad expression refused naming the element.
namespace spineload {
namespace {

TEST(OsimForces, ExpressionBasedCoordinateForceEvaluatesItsExpression) {
  const std::string force = R"(<ExpressionBasedCoordinateForce name="custom"><coordinate>theta</coordinate>
      <expression>-10*q^3 - 0.5*qdot + step(q)*square(q) + exp(-q)*sin(2*q)</expression></ExpressionBasedCoordinateForce>)";
  const ImportedModel im = import_osim_text(with_forces(pendulum(), force), "p.osim");
  ASSERT_EQ(im.model->expression_forces.size(), 1u);
  const Model& m = *im.model;
  Data d(m);
  for (const auto& [q, qdot] : {std::pair{0.4, 1.5}, std::pair{-0.7, -0.2}}) {
    forward_kinematics(m, d, Eigen::VectorXd::Constant(1, q), Eigen::VectorXd::Constant(1, qdot));
    passive_moments(m, d);
    const double expected = -10 * q * q * q - 0.5 * qdot + (q >= 0 ? q * q : 0) + std::exp(-q) * std::sin(2 * q);
    EXPECT_NEAR(d.passive_Nm[0], expected, 1e-12) << q;
  }
  // A name the expression does not know, and a broken one: refused at their element.
  for (const char* bad : {"-k*q", "3*(q+"}) {
    const InputError e = import_error(with_forces(pendulum(), std::string(R"(<ExpressionBasedCoordinateForce name="custom"><coordinate>theta</coordinate>
      <expression>)") + bad + "</expression></ExpressionBasedCoordinateForce>"));
    EXPECT_EQ(e.field(), "custom.expression") << bad;
    EXPECT_NE(std::string(e.what()).find("not an expression of q and qdot"), std::string::npos) << e.what();
  }
  // Export writes it back.
  const ImportedModel back = import_osim_text(export_osim(m, "round trip"), "back.osim");
  ASSERT_EQ(back.model->expression_forces.size(), 1u);
  EXPECT_EQ(back.model->expression_forces[0].expression, m.expression_forces[0].expression);
}

}  // namespace
}  // namespace spineload

// OpenSim's Ligament and PathSpring, by hand on the pendulum: each pulls the rod's point
// towards a ground point along its path, the ligament with pcsa_force x its force-length
// curve of length over resting length (none when slack), the spring with stiffness x
// stretch x (1 + dissipation x lengthening speed); both passive, in inverse dynamics too.
namespace spineload {
namespace {

TEST(OsimForces, LigamentAndPathSpringPullAlongTheirPathsAsOpenSimComputesThem) {
  const auto path = [](const char* name) {
    return std::string("<GeometryPath name=\"path\"><PathPointSet><objects>") + "<PathPoint name=\"" + name +
           "-P1\"><socket_parent_frame>/ground</socket_parent_frame><location>0.6 0 0</location></PathPoint>" +
           "<PathPoint name=\"" + name +
           "-P2\"><socket_parent_frame>/bodyset/rod</socket_parent_frame><location>0 -1 0</location></PathPoint>" +
           "</objects></PathPointSet></GeometryPath>";
  };
  const std::string forces =
      "<Ligament name=\"lig\">" + path("lig") +
      "<resting_length>0.9</resting_length><pcsa_force>300</pcsa_force><force_length_curve>"
      "<PiecewiseLinearFunction name=\"f\"><x>1 2</x><y>0 1</y></PiecewiseLinearFunction></force_length_curve></Ligament>"
      "<PathSpring name=\"spring\">" + path("spring") +
      "<resting_length>0.8</resting_length><stiffness>200</stiffness><dissipation>0.1</dissipation></PathSpring>";
  const ImportedModel im = import_osim_text(with_forces(pendulum(), forces), "p.osim");
  ASSERT_TRUE(im.report.unsupported.empty());
  ASSERT_EQ(im.model->path_forces.size(), 2u);
  const Model& m = *im.model;
  Data d(m);
  const auto length = [](double theta) { return std::hypot(std::sin(theta) - 0.6, std::cos(theta)); };
  for (const double theta : {0.3, 0.6}) {
    const double omega = 0.7;
    forward_kinematics(m, d, Eigen::VectorXd::Constant(1, theta), Eigen::VectorXd::Constant(1, omega));
    passive_moments(m, d);
    path_forces(m, d);
    const double h = 1e-6, L = length(theta), dL = (length(theta + h) - length(theta - h)) / (2 * h);
    const double ligament = L > 0.9 ? 300 * (L / 0.9 - 1) : 0.0;
    const double spring = L > 0.8 ? 200 * (L - 0.8) * (1 + 0.1 * dL * omega) : 0.0;
    EXPECT_NEAR(d.path_force_N[0], ligament, 1e-9) << theta;
    EXPECT_NEAR(d.path_force_N[1], spring, 1e-9) << theta;
    EXPECT_NEAR(d.passive_Nm[0], -(ligament + spring) * dL, 1e-6) << theta;
  }
  // Inverse dynamics applies them as OpenSim's does (every force but the muscles): held
  // still at 0.3 rad, the pin supplies the rod's weight moment less theirs.
  Motion still;
  still.time_s = {0, 1};
  still.q = {Eigen::VectorXd::Constant(1, 0.3), Eigen::VectorXd::Constant(1, 0.3)};
  still.qdot = still.qddot = {Eigen::VectorXd::Zero(1), Eigen::VectorXd::Zero(1)};
  forward_kinematics(m, d, still.q[0], still.qdot[0]);
  apply_loads(m, d, {});
  inverse_dynamics(m, d, still.qddot[0]);
  const double gravity_Nm = d.tau_Nm[0];
  const double L = length(0.3), dL = (length(0.3 + 1e-6) - length(0.3 - 1e-6)) / 2e-6;
  const double pull_Nm = -(300 * (L / 0.9 - 1) + 200 * (L - 0.8)) * dL;
  EXPECT_NEAR(inverse_dynamics_table(m, still, nullptr).data(0, 0), gravity_Nm - pull_Nm, 1e-6);
  EXPECT_GT(std::abs(pull_Nm), 10.0);
  // theta = 0.3 stretches both (L = 1.00 m); 0.6 slackens the ligament only (L = 0.83 m).
  EXPECT_GT(length(0.3), 0.9);
  EXPECT_LT(length(0.6), 0.9);
  EXPECT_GT(length(0.6), 0.8);
  // Export and re-import keep them.
  const ImportedModel back = import_osim_text(export_osim(m, "round trip"), "back.osim");
  ASSERT_TRUE(back.report.unsupported.empty());
  ASSERT_EQ(back.model->path_forces.size(), 2u);
  EXPECT_DOUBLE_EQ(back.model->path_forces[0].pcsa_force_N, 300);
  EXPECT_DOUBLE_EQ(back.model->path_forces[1].dissipation_s_per_m, 0.1);
  // A ligament without its curve is refused by name.
  EXPECT_THROW(import_osim_text(with_forces(pendulum(), "<Ligament name=\"bad\">" + path("bad") +
                                                          "<resting_length>0.9</resting_length></Ligament>"),
                                "p.osim"),
               InputError);
}

}  // namespace
}  // namespace spineload

// OpenSim's BushingForce is Simbody's LinearBushing: by hand on the pendulum, a torsional
// bushing at the pin (stiffness 20 N m/rad and damping 3 N m s/rad about z) and a
// translational one holding the rod's tip to where it hangs (50 N/m: a pull -50 (sin, 1 -
// cos) at the tip, so -50 sin(theta) about the pin).
namespace spineload {
namespace {

TEST(OsimForces, BushingForceIsSimbodysLinearBushing) {
  const std::string bushings = R"(
    <BushingForce name="torsion"><socket_frame1>/ground</socket_frame1><socket_frame2>/bodyset/rod</socket_frame2>
      <rotational_stiffness>0 0 20</rotational_stiffness><translational_stiffness>0 0 0</translational_stiffness>
      <rotational_damping>0 0 3</rotational_damping><translational_damping>0 0 0</translational_damping></BushingForce>
    <BushingForce name="tip"><socket_frame1>ground_tip</socket_frame1><socket_frame2>rod_tip</socket_frame2>
      <translational_stiffness>50 50 50</translational_stiffness>
      <frames><PhysicalOffsetFrame name="ground_tip"><socket_parent>/ground</socket_parent><translation>0 -1 0</translation><orientation>0 0 0</orientation></PhysicalOffsetFrame>
        <PhysicalOffsetFrame name="rod_tip"><socket_parent>/bodyset/rod</socket_parent><translation>0 -1 0</translation><orientation>0 0 0</orientation></PhysicalOffsetFrame></frames>
    </BushingForce>)";
  const ImportedModel im = import_osim_text(with_forces(pendulum(), bushings), "p.osim");
  ASSERT_TRUE(im.report.unsupported.empty());
  ASSERT_EQ(im.model->bushings.size(), 2u);
  const Model& m = *im.model;
  Data d(m);
  for (const auto& [theta, omega] : {std::pair{0.4, 0.0}, std::pair{-0.7, 1.5}}) {
    forward_kinematics(m, d, Eigen::VectorXd::Constant(1, theta), Eigen::VectorXd::Constant(1, omega));
    passive_moments(m, d);
    EXPECT_NEAR(d.passive_Nm[0], -20 * theta - 3 * omega - 50 * std::sin(theta), 1e-9) << theta;
  }
  const ImportedModel back = import_osim_text(export_osim(m, "round trip"), "back.osim");
  ASSERT_EQ(back.model->bushings.size(), 2u);
  Data db(*back.model);
  forward_kinematics(*back.model, db, Eigen::VectorXd::Constant(1, 0.4), Eigen::VectorXd::Zero(1));
  passive_moments(*back.model, db);
  EXPECT_NEAR(db.passive_Nm[0], -20 * 0.4 - 50 * std::sin(0.4), 1e-9);
}

}  // namespace
}  // namespace spineload

// A CoordinateCouplerConstraint of two independent coordinates through OpenSim's
// MultivariatePolynomialFunction (coefficients with the first argument's exponent slowest):
// three rods pinned to ground, c = 0.1 + 0.5 b - 0.3 a + 0.2 a b. A motion without c gets it
// with its rates; Simbody's constrained dynamics holds it; it goes out and back.
namespace spineload {
namespace {

TEST(OsimCouplers, ACouplerOfTwoCoordinatesFollowsItsPolynomial) {
  const auto rod = [](const char* name) {
    return std::string("<Body name=\"") + name + "\"><mass>1</mass><mass_center>0 -0.5 0</mass_center><inertia>0.1 0.01 0.1 0 0 0</inertia></Body>";
  };
  const auto pin = [](const char* body, const char* coord) {
    return std::string("<PinJoint name=\"pin_") + body + "\"><socket_parent_frame>/ground</socket_parent_frame><socket_child_frame>/bodyset/" +
           body + "</socket_child_frame><coordinates><Coordinate name=\"" + coord + "\"/></coordinates></PinJoint>";
  };
  const std::string xml = std::string(R"(<OpenSimDocument Version="40000"><Model name="rods"><gravity>0 -10 0</gravity><Ground name="ground"/>
    <BodySet><objects>)") + rod("ra") + rod("rb") + rod("rc") + "</objects></BodySet><JointSet><objects>" +
                          pin("ra", "a") + pin("rb", "b") + pin("rc", "c") + R"(</objects></JointSet>
    <ConstraintSet><objects><CoordinateCouplerConstraint name="c_of_a_b"><isEnforced>true</isEnforced>
      <coupled_coordinates_function><MultivariatePolynomialFunction name="f"><coefficients>0.1 0.5 0 -0.3 0.2 0</coefficients>
        <dimension>2</dimension><order>2</order></MultivariatePolynomialFunction></coupled_coordinates_function>
      <independent_coordinate_names>a b</independent_coordinate_names><dependent_coordinate_name>c</dependent_coordinate_name>
    </CoordinateCouplerConstraint></objects></ConstraintSet></Model></OpenSimDocument>)";
  const ImportedModel im = import_osim_text(xml, "rods.osim");
  ASSERT_TRUE(im.report.unsupported.empty());
  ASSERT_EQ(im.model->couplers.size(), 1u);
  const Model& m = *im.model;
  const auto f = [](double a, double b) { return 0.1 + 0.5 * b - 0.3 * a + 0.2 * a * b; };
  // a = 0.4 sin(2t), b = 0.3 t^2: c, its rate and acceleration by the chain rule.
  Storage s;
  s.name = "ab";
  s.in_degrees = false;
  s.labels = {"a", "b"};
  const int n = 201;
  s.data.resize(n, 2);
  for (int k = 0; k < n; ++k) {
    const double t = 0.01 * k;
    s.time_s.push_back(t);
    s.data(k, 0) = 0.4 * std::sin(2 * t);
    s.data(k, 1) = 0.3 * t * t;
  }
  const Motion mo = motion_from_storage(m, s, {}, "ab.sto");
  const int a = m.coordinate_index("a"), b = m.coordinate_index("b"), c = m.coordinate_index("c");
  const int k = 100;
  const double t = mo.time_s[k], qa = 0.4 * std::sin(2 * t), qb = 0.3 * t * t;
  const double va = 0.8 * std::cos(2 * t), vb = 0.6 * t, aa = -1.6 * std::sin(2 * t), ab = 0.6;
  EXPECT_NEAR(mo.q[k][c], f(qa, qb), 1e-6);
  EXPECT_NEAR(mo.qdot[k][c], -0.3 * va + 0.5 * vb + 0.2 * (va * qb + qa * vb), 1e-4);
  EXPECT_NEAR(mo.qddot[k][c], -0.3 * aa + 0.5 * ab + 0.2 * (aa * qb + 2 * va * vb + qa * ab), 1e-3);
  // Simbody's constraint: free fall from that state keeps c on the polynomial to second order.
  Data d(m);
  forward_kinematics(m, d, mo.q[k], mo.qdot[k]);
  apply_loads(m, d, {});
  Eigen::VectorXd udot;
  mb::forward_dynamics(*m.multibody, *d.ws, d.applied, Eigen::VectorXd::Zero(m.num_q), udot);
  const double ua = udot[m.coordinates[a].mb_index], ub = udot[m.coordinates[b].mb_index];
  const double vqa = mo.qdot[k][a], vqb = mo.qdot[k][b];
  EXPECT_NEAR(udot[m.coordinates[c].mb_index],
              -0.3 * ua + 0.5 * ub + 0.2 * (ua * mo.q[k][b] + 2 * vqa * vqb + mo.q[k][a] * ub), 1e-8);
  // Out and back.
  const ImportedModel back = import_osim_text(export_osim(m, "round trip"), "back.osim");
  ASSERT_EQ(back.model->couplers.size(), 1u);
  ASSERT_EQ(back.model->couplers[0].independents.size(), 2u);
  const double x[2] = {0.7, -0.2};
  EXPECT_NEAR(back.model->couplers[0].function->value(x), f(0.7, -0.2), 1e-15);
  // The wrong number of coefficients is refused by name.
  std::string bad = xml;
  bad.replace(bad.find("0.1 0.5 0 -0.3 0.2 0"), 20, "0.1 0.5 0 -0.3 0.2");
  EXPECT_THROW(import_osim_text(bad, "bad.osim"), InputError);
}

}  // namespace
}  // namespace spineload
