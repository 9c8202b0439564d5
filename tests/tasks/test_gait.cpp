#include <gtest/gtest.h>

#include <cmath>

#include "cohort/cohort.hpp"
#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "model/model.hpp"
#include "tasks/gait.hpp"
#include "tasks/task_runner.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

GaitParameters gait(bool backwards, double speed = 1.3, double cadence = 115) {
  GaitParameters g;
  g.speed_m_s = speed;
  g.cadence_steps_min = cadence;
  g.backwards = backwards;
  return g;
}

TEST(Gait, RatesAreTheDerivativesOfTheAngles) {
  const Model& model = test::default_model();
  for (bool backwards : {false, true}) {
    const Posture p = walking_posture(model, gait(backwards), "walk");
    const std::size_t n = p.time_s.size();
    ASSERT_EQ(n, 50u);
    ASSERT_EQ(p.qdot_rad_s.size(), n);
    ASSERT_EQ(p.root_acceleration_m_s2.size(), n);
    const double dt = p.time_s[1] - p.time_s[0];
    EXPECT_NEAR(dt * n, 120.0 / 115, 1e-12);
    // Central differences over the periodic stride (the last frame's successor is the first).
    double worst_rate = 0, worst_acc = 0, largest_rate = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const auto& prev = p.q_rad[(k + n - 1) % n];
      const auto& next = p.q_rad[(k + 1) % n];
      const Eigen::VectorXd rate = (next - prev) / (2 * dt);
      const Eigen::VectorXd acc = (next - 2 * p.q_rad[k] + prev) / (dt * dt);
      worst_rate = std::max(worst_rate, (rate - p.qdot_rad_s[k]).cwiseAbs().maxCoeff());
      worst_acc = std::max(worst_acc, (acc - p.qddot_rad_s2[k]).cwiseAbs().maxCoeff());
      largest_rate = std::max(largest_rate, p.qdot_rad_s[k].cwiseAbs().maxCoeff());
    }
    EXPECT_GT(largest_rate, 3.0);        // the knee swings at several rad/s
    EXPECT_LT(worst_rate, 0.03 * largest_rate);  // second-order differences on 50 frames
    EXPECT_LT(worst_acc, 8.0);
  }
}

TEST(Gait, BackwardsIsForwardsRunBackwardsInTime) {
  const Model& model = test::default_model();
  const Posture f = walking_posture(model, gait(false), "f");
  const Posture b = walking_posture(model, gait(true), "b");
  const std::size_t n = f.time_s.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t m = (n - k) % n;
    EXPECT_LT((b.q_rad[k] - f.q_rad[m]).norm(), 1e-12) << k;
    EXPECT_LT((b.qdot_rad_s[k] + f.qdot_rad_s[m]).norm(), 1e-9) << k;
    EXPECT_LT((b.qddot_rad_s2[k] - f.qddot_rad_s2[m]).norm(), 1e-9) << k;
    EXPECT_LT((b.root_acceleration_m_s2[k] - f.root_acceleration_m_s2[m]).norm(), 1e-9) << k;
  }
  // The hip: about 30 deg flexed at heel strike, about 10 deg extended near 50-55 %.
  const int hip = model.coordinate_index("hip_r_flexion");
  EXPECT_NEAR(f.q_rad[0][hip] * 180 / M_PI, 30, 1.5);
  double least = 1e9;
  for (const auto& q : f.q_rad) least = std::min(least, q[hip] * 180 / M_PI);
  EXPECT_NEAR(least, -10, 1.5);
}

// The whole body's centre of mass accelerates as the pelvis's origin does plus what the
// joints' motion gives it about the origin: the latter from the joint chain's inertial loads
// (the sum of -m a over the bodies with the origin held), a route independent of the builder's.
Eigen::Vector3d centre_of_mass_acceleration(const Model& model, Data& data, const Posture& p, std::size_t k) {
  forward_kinematics(model, data, p.q_rad[k], p.qdot_rad_s[k]);
  apply_loads(model, data, {});
  inverse_dynamics(model, data, p.qddot_rad_s2[k]);
  Eigen::Vector3d force = Eigen::Vector3d::Zero();
  double mass = 0;
  for (std::size_t b = 0; b < model.bodies.size(); ++b) {
    force += data.inertial[b].force_N;
    mass += model.bodies[b].mass_kg;
  }
  return p.root_acceleration_m_s2[k] - force / mass;
}

TEST(Gait, TheCentreOfMassRisesFallsAndSwaysAsPublishedForItsSpeed) {
  const Model& model = test::default_model();
  Data data(model);
  // 1.3 m/s: vertical excursion 2.7 + (0.6 / 0.9) x 2.1 = 4.1 cm, twice a stride, lowest at
  // heel strike; lateral 6.9 - (0.6 / 0.9) x 3.1 = 4.8 cm, once a stride, over the stance
  // foot at mid stance; forward speed highest where she is lowest (0.65 energy recovery).
  for (bool backwards : {false, true}) {
    const Posture p = walking_posture(model, gait(backwards), "walk");
    const double T = 120.0 / 115, w = 2 * M_PI / T, vertical = 0.027 + 0.6 / 0.9 * 0.021,
                 lateral = 0.069 - 0.6 / 0.9 * 0.031, surge = 0.65 * model.gravity_m_s2.norm() * vertical / (2 * 1.3);
    const std::size_t n = p.time_s.size();
    for (std::size_t k = 0; k < n; ++k) {
      const double phi = 2 * M_PI * static_cast<double>(backwards ? (n - k) % n : k) / static_cast<double>(n);
      const Eigen::Vector3d path(-surge * 2 * w * std::sin(2 * phi), 0.5 * vertical * 4 * w * w * std::cos(2 * phi),
                                 -0.5 * lateral * w * w * std::sin(phi));
      EXPECT_LT((centre_of_mass_acceleration(model, data, p, k) - path).norm(), 1e-6) << k;
    }
    Eigen::Vector3d mean = Eigen::Vector3d::Zero();
    for (const auto& a : p.root_acceleration_m_s2) mean += a / static_cast<double>(n);
    EXPECT_LT(mean.norm(), 1e-9);  // a periodic stride gains no speed
  }
  EXPECT_THROW(walking_posture(model, gait(false, 0.0), "walk"), InputError);
}

TEST(Gait, TheThighsKeepTheirFrontalLineAsThePelvisLists) {
  // The pelvis lists about 4 deg each way; the hips adduct with it, so each thigh's long axis
  // leans in the frontal plane only as hip flexion and the pelvis's rotation tilt it.
  const Model& model = test::default_model();
  const Posture p = walking_posture(model, gait(false), "walk");
  Data data(model);
  const int list = model.coordinate_index("pelvis_list");
  double largest_list = 0, largest_lean = 0;
  for (std::size_t k = 0; k < p.time_s.size(); ++k) {
    body_poses(model, data, p.q_rad[k]);
    largest_list = std::max(largest_list, std::abs(p.q_rad[k][list]));
    for (const char* thigh : {"thigh_r", "thigh_l"}) {
      const Eigen::Vector3d axis = data.pose[model.body_index(thigh)].linear().col(1);
      largest_lean = std::max(largest_lean, std::abs(std::atan2(axis.z(), axis.y())));
    }
  }
  EXPECT_GT(largest_list * 180 / M_PI, 4.0);
  EXPECT_LT(largest_lean * 180 / M_PI, 2.6);  // with the list unmatched: above 6 deg
}

TEST(Gait, AFallingRootMakesHerWeightless) {
  // The top-down route: the bodies feel the root's acceleration as gravity less it. A root
  // falling freely leaves the spinal joints nothing to carry.
  const Model& model = test::default_model();
  Data d(model);
  const Eigen::VectorXd q = Eigen::VectorXd::Zero(static_cast<int>(model.coordinates.size()));
  forward_kinematics(model, d, q, q);
  apply_loads(model, d, {}, model.gravity_m_s2);
  inverse_dynamics(model, d, q);
  EXPECT_LT(d.tau_Nm.cwiseAbs().maxCoeff(), 1e-9);
  apply_loads(model, d, {}, -model.gravity_m_s2);  // rising at 1 g: twice the still posture's moments
  inverse_dynamics(model, d, q);
  const Eigen::VectorXd doubled = d.tau_Nm;
  apply_loads(model, d, {});
  inverse_dynamics(model, d, q);
  EXPECT_LT((doubled - 2 * d.tau_Nm).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(Gait, AStrideLoadsTheSpineMoreThanStandingAndBothSidesAlike) {
  const TaskRun walk = run_task("walk", {}, nullptr, {});
  ASSERT_TRUE(walk.task.gait);
  const GaitSummary s = gait_summary(*walk.model, walk.task.posture, walk.result, *walk.task.gait);
  ASSERT_EQ(s.frames.size(), 50u);
  // Right and left heel strikes (frames 0 and 25) load L5/S1 alike: the model is symmetric.
  EXPECT_NEAR(s.frames[0].l5s1_compression_N, s.frames[25].l5s1_compression_N, 1.0);
  EXPECT_NEAR(s.frames[0].l5s1_compression_N, s.peak_compression_N, 1.0);  // peak where she is lowest
  EXPECT_GT(s.mean_compression_N, 500);
  EXPECT_LT(s.peak_compression_N, 2.5 * s.mean_compression_N);
  EXPECT_GT(s.peak_compression_N, s.mean_compression_N + 100);
  EXPECT_GT(s.peak_extensor_demand, 0.02);
  EXPECT_LT(s.peak_extensor_demand, 0.5);
  // Stance phases: right 0-62 %, left 50-112 %; double support at 0-12 and 50-62 %.
  EXPECT_TRUE(s.frames[0].right_stance && s.frames[0].left_stance);
  EXPECT_TRUE(s.frames[15].right_stance && !s.frames[15].left_stance);
  EXPECT_TRUE(!s.frames[40].right_stance && s.frames[40].left_stance);
  // The centre of mass passes over the supporting foot: behind it after heel strike, ahead
  // of it before toe-off.
  EXPECT_LT(s.min_com_ahead_of_feet_m, -0.1);
  EXPECT_GT(s.max_com_ahead_of_feet_m, 0.1);
  EXPECT_FALSE(beyond_muscle_capacity(walk.result));
}

TEST(Gait, BackwardsAtTheSameSpeedLoadsTheSpineAsForwards) {
  // Time reversal keeps every acceleration; only the rate terms change sign. Mean L5/S1
  // compression and the centre of mass over the feet are therefore nearly the same.
  const TaskRun f = run_task("walk", {"speed_m_s=1.0", "cadence_steps_min=105"}, nullptr, {});
  const TaskRun b = run_task("walk-backwards", {"speed_m_s=1.0", "cadence_steps_min=105"}, nullptr, {});
  const GaitSummary sf = gait_summary(*f.model, f.task.posture, f.result, *f.task.gait);
  const GaitSummary sb = gait_summary(*b.model, b.task.posture, b.result, *b.task.gait);
  EXPECT_NEAR(sb.mean_compression_N / sf.mean_compression_N, 1.0, 0.02);
  EXPECT_NEAR(sb.mean_com_ahead_of_feet_m, sf.mean_com_ahead_of_feet_m, 1e-9);
  // At their own defaults backwards is slower (0.8 against 1.3 m/s): lower peaks.
  const TaskRun bd = run_task("walk-backwards", {}, nullptr, {});
  const TaskRun fd = run_task("walk", {}, nullptr, {});
  EXPECT_LT(bd.indices.l5s1_compression_N, fd.indices.l5s1_compression_N);
}

TEST(Gait, WalkingRunsInADayAndInACohort) {
  const DaySchedule s = parse_day_schedule(
      "day_start_h: 8\nday_end_h: 10\ntasks:\n  - {task: walk, count: 2, duration_min: 10, start_h: 8, interval_h: 1}\n",
      "day.yaml");
  const DayResult d = run_day(s, nullptr, {});
  ASSERT_EQ(d.tasks.size(), 1u);
  EXPECT_GT(d.tasks[0].peak_l5s1_N, 500);
  EXPECT_NEAR(d.tasks[0].cumulative_load_MNs, d.tasks[0].peak_l5s1_N * 600 * 2 / 1e6, 1e-9);
  const CohortSpec spec = parse_cohort_text(
      "name: walkers\nn: 3\nseed: 1\nchunk: 3\nsubject:\n  stage: pregnant\n  week: {uniform: {min: 10, max: 38}}\n"
      "tasks:\n  - {task: walk, set: {speed_m_s: {uniform: {min: 1.0, max: 1.4}}}}\n",
      "walkers.yaml");
  const auto rows = run_cohort(spec, {});
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& r : rows) EXPECT_GT(r.l5s1_compression_N, 400);
}

}  // namespace
}  // namespace spineload
