// Export to .osim and import back: the same kinematics, moment arms and loads.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "dynamics/dynamics.hpp"
#include "interop/osim_export.hpp"
#include "interop/osim_import.hpp"
#include "muscles/millard2012.hpp"
#include "muscles/muscle_geometry.hpp"
#include "recruitment/recruitment.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

// Random coordinates inside the ranges, the same every run.
std::vector<Eigen::VectorXd> random_postures(const Model& m, int n) {
  std::mt19937 rng(7);
  std::vector<Eigen::VectorXd> out;
  for (int k = 0; k < n; ++k) {
    Eigen::VectorXd q(m.coordinates.size());
    for (std::size_t c = 0; c < m.coordinates.size(); ++c) {
      std::uniform_real_distribution<double> u(m.coordinates[c].min_rad, m.coordinates[c].max_rad);
      q[static_cast<int>(c)] = 0.5 * u(rng);  // half the range: plausible postures
    }
    out.push_back(q);
  }
  return out;
}

TEST(OsimExport, RoundTripKeepsKinematicsMomentArmsAndLoads) {
  const Model& a = test::default_model();
  const ImportedModel im = import_osim_text(export_osim(a, "round trip"), "female.osim");
  EXPECT_TRUE(im.report.unsupported.empty());
  // The imported copy balances the same (spinal) coordinates as the original.
  auto b = std::make_shared<Model>(*im.model);
  ASSERT_EQ(b->coordinates.size(), a.coordinates.size());
  ASSERT_EQ(b->muscles.size(), a.muscles.size());
  b->equilibrium_coordinates = a.equilibrium_coordinates;
  EXPECT_NEAR(b->total_mass_kg(), a.total_mass_kg(), 1e-12);
  EXPECT_EQ(b->muscles[a.muscle_index("MF_L5_r")].group, "multifidus");
  Data da(a), db(*b);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(a.coordinates.size()));
  for (const Eigen::VectorXd& q : random_postures(a, 5)) {
    forward_kinematics(a, da, q, zero);
    forward_kinematics(*b, db, q, zero);
    for (std::size_t k = 0; k < a.bodies.size(); ++k) {
      EXPECT_LT((da.pose[k].matrix() - db.pose[k].matrix()).norm(), 1e-12) << a.bodies[k].name;
    }
    muscle_geometry(a, da);
    muscle_geometry(*b, db);
    EXPECT_LT((da.moment_arm_m - db.moment_arm_m).cwiseAbs().maxCoeff(), 1e-12);
    apply_loads(a, da, {});
    apply_loads(*b, db, {});
    inverse_dynamics(a, da, zero);
    inverse_dynamics(*b, db, zero);
    EXPECT_LT((da.tau_Nm - db.tau_Nm).cwiseAbs().maxCoeff(), 1e-9);
  }
  // Static optimisation on the standing posture: the same muscle forces.
  for (const Eigen::VectorXd& q : {zero, random_postures(a, 1)[0]}) {
    forward_kinematics(a, da, q, zero);
    forward_kinematics(*b, db, q, zero);
    for (const auto& p : {std::pair<const Model*, Data*>{&a, &da}, std::pair<const Model*, Data*>{b.get(), &db}}) {
      apply_loads(*p.first, *p.second, {});
      inverse_dynamics(*p.first, *p.second, zero);
      p.second->passive_Nm.setZero();  // stiffness is not exported: compare muscles alone
      muscle_geometry(*p.first, *p.second);
      RecruitmentOptions o;
      o.abdominal_column = false;  // OpenSim's criterion has no term for the contents' column
      recruit_muscles(*p.first, *p.second, o);
    }
    EXPECT_LT((da.force_N - db.force_N).cwiseAbs().maxCoeff(), 1e-4);  // the solver's own tolerance
  }
}

TEST(OsimExport, ImportedModelsExportWithTheirFunctions) {
  // The 4.x test model goes out and back with its spline-driven knee intact.
  const ImportedModel a = import_osim_file(test::source_path("tests/data/osim/leg_4x.osim"));
  const ImportedModel b = import_osim_text(export_osim(*a.model, "again"), "again.osim");
  Data da(*a.model), db(*b.model);
  Eigen::VectorXd q(2), zero = Eigen::VectorXd::Zero(2);
  q << 0.7, -1.3;
  forward_kinematics(*a.model, da, q, zero);
  forward_kinematics(*b.model, db, q, zero);
  for (std::size_t k = 0; k < a.model->bodies.size(); ++k)
    EXPECT_LT((da.pose[k].matrix() - db.pose[k].matrix()).norm(), 1e-12);
  EXPECT_EQ(b.model->muscles[0].tendon.type, "Millard2012EquilibriumMuscle");
  EXPECT_DOUBLE_EQ(b.model->muscles[0].tendon.tendon_slack_length_m, 0.22);
  EXPECT_EQ(b.model->markers.size(), 1u);
  // Millard's curves and state defaults go out and back: the same strength at any length.
  const MuscleTendon &ta = a.model->muscles[0].tendon, &tb = b.model->muscles[0].tendon;
  ASSERT_TRUE(tb.millard);
  EXPECT_EQ(tb.ignore_tendon_compliance, ta.ignore_tendon_compliance);
  EXPECT_DOUBLE_EQ(tb.default_fiber_length_m, ta.default_fiber_length_m);
  for (double ml : {0.30, 0.33, 0.36})
    EXPECT_DOUBLE_EQ(millard2012::opensim_static_optimization_scale(tb, ml, 0.05),
                     millard2012::opensim_static_optimization_scale(ta, ml, 0.05));
}




// Export then import: the same muscle lengths and moment arms at a few postures.
void expect_same_paths(const ImportedModel& a, const std::vector<Eigen::VectorXd>& postures) {
  const ImportedModel b = import_osim_text(export_osim(*a.model, "again"), "again.osim");
  EXPECT_TRUE(b.report.unsupported.empty());
  EXPECT_EQ(b.model->wrap_objects.size(), a.model->wrap_objects.size());
  EXPECT_EQ(b.model->couplers.size(), a.model->couplers.size());
  EXPECT_EQ(b.model->actuators.size(), a.model->actuators.size());
  Data da(*a.model), db(*b.model);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(a.model->coordinates.size()));
  for (const auto& q : postures) {
    forward_kinematics(*a.model, da, q, zero);
    forward_kinematics(*b.model, db, q, zero);
    muscle_geometry(*a.model, da);
    muscle_geometry(*b.model, db);
    EXPECT_LT((da.length_m - db.length_m).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LT((da.moment_arm_m - db.moment_arm_m).cwiseAbs().maxCoeff(), 1e-12);
  }
}

// The thoracoscapular shoulder: its ScapulothoracicJoint and acromioclavicular
// PointConstraint go out and come back as they were.
TEST(OsimExport, ScapulothoracicJointAndPointConstraintGoOutAndBack) {
  const std::string dir = test::shared_path("opensim-models");
  if (dir.empty()) GTEST_SKIP() << "../shared/opensim-models is absent";
  const ImportedModel a = import_osim_file(dir + "/ThoracoscapularShoulderModel.osim");
  const ImportedModel b = import_osim_text(export_osim(*a.model, "again"), "again.osim");
  ASSERT_EQ(b.model->point_constraints.size(), 1u);
  EXPECT_EQ(b.model->point_constraints[0].name, "AC");
  EXPECT_EQ(b.model->num_q, a.model->num_q);
  Data da(*a.model), db(*b.model);
  for (const auto& q : random_postures(*a.model, 5)) {
    Eigen::VectorXd qa = Eigen::VectorXd::Zero(a.model->num_q), qb = qa;
    for (std::size_t c = 0; c < a.model->coordinates.size(); ++c) {
      qa[a.model->coordinates[c].mb_index] = q[static_cast<int>(c)];
      qb[b.model->coordinates[c].mb_index] = q[static_cast<int>(c)];
    }
    body_poses(*a.model, da, qa);
    body_poses(*b.model, db, qb);
    for (std::size_t k = 0; k < a.model->bodies.size(); ++k)
      EXPECT_LT((da.pose[k].matrix() - db.pose[k].matrix()).norm(), 1e-12) << a.model->bodies[k].name;
  }
  expect_same_paths(a, random_postures(*a.model, 3));
}

TEST(OsimExport, ConditionalMovingPointsAndCouplersGoOutAndBack) {
  const ImportedModel a = import_osim_file(test::source_path("tests/data/osim/knee_3x.osim"));
  expect_same_paths(a, {Eigen::Vector2d(-1.5, -0.75), Eigen::Vector2d(-0.2, -0.1)});
}

TEST(OsimExport, TorusWrapGoesOutAndBackWithMomentArmsAsLengthDerivatives) {
  const ImportedModel a = import_osim_file(test::source_path("tests/data/osim/torus_pulley.osim"));
  ASSERT_TRUE(a.report.unsupported.empty());
  const Model& m = *a.model;
  Data d(m);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(1);
  auto length = [&](double theta) {
    forward_kinematics(m, d, Eigen::VectorXd::Constant(1, theta), zero);
    muscle_geometry(m, d);
    return d.length_m[0];
  };
  // At theta = 0 the straight line x = 5 cm would pass through the tube (4.5 to 7.5 cm from
  // the ring's centre); it goes round the tube's inside instead, as over a cylinder of the
  // tube's radius 1 cm from the line: two tangents and an arc.
  const double r = 0.015, dist = std::hypot(0.01, 0.3);
  const double half_angle = std::atan2(0.3, 0.01) - std::acos(r / dist);
  EXPECT_NEAR(length(0.0), 2 * std::sqrt(dist * dist - r * r) + 2 * r * half_angle, 1e-12);
  for (double theta : {-0.2, 0.0, 0.15}) {
    const double h = 1e-6;
    const double fd = -(length(theta + h) - length(theta - h)) / (2 * h);
    length(theta);
    EXPECT_NEAR(d.moment_arm_m(0, 0), fd, 1e-6) << theta;
  }
  expect_same_paths(a, {Eigen::VectorXd::Constant(1, -0.2), Eigen::VectorXd::Constant(1, 0.1)});
}

TEST(OsimExport, WrapObjectsGoOutAndBack) {
  const std::string pack = test::source_path("../shared/opensim-conformance");
  if (!std::filesystem::exists(pack)) GTEST_SKIP() << "../shared/opensim-conformance is absent";
  expect_same_paths(import_osim_file(pack + "/arm26.osim"),
                    {Eigen::Vector2d(0.1, 0.5), Eigen::Vector2d(-0.3, 1.2), Eigen::Vector2d(0.5, 2.0)});
}

}  // namespace
}  // namespace spineload
