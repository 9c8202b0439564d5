#include <gtest/gtest.h>

#include <numbers>
#include <yaml-cpp/yaml.h>

#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "subject/subject_data.hpp"
#include "subject/timeline.hpp"
#include "posture/prediction.hpp"
#include "tasks/task_library.hpp"
#include "test_support.hpp"

namespace spineload {
namespace {

Posture holding(double kg) {
  return parse_posture_text(test::default_model(),
                            "name: p\nloads:\n  - {type: hand_mass, mass_kg: " + std::to_string(kg) + "}\n", "p.yaml");
}

// Grip position relative to the ankles and the floor, measured independently of the search.
Eigen::Vector2d grip_relative_to_feet(const Model& m, const Posture& p) {
  Data d(m);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(p.q_rad[0].size());
  forward_kinematics(m, d, p.q_rad[0], zero);
  const int hr = m.body_index("hand_r"), hl = m.body_index("hand_l");
  const Eigen::Vector3d grip = 0.5 * (world_point(d, hr, m.bodies[hr].com_m) + world_point(d, hl, m.bodies[hl].com_m));
  const Eigen::Vector3d ankles =
      0.5 * (d.pose[m.body_index("foot_r")].translation() + d.pose[m.body_index("foot_l")].translation());
  double floor = 1e9;
  for (const auto& s : m.standing_support) floor = std::min(floor, world_point(d, s.body, s.location_m).y());
  return {grip.x() - ankles.x(), grip.y() - floor};
}

struct Case {
  double forward, height;
  LiftStrategy strategy;
};

class Prediction : public ::testing::TestWithParam<Case> {};

TEST_P(Prediction, ReachesTheTargetWithinACentimetreAndKeepsBalance) {
  const Case c = GetParam();
  const Model& m = test::default_model();
  PredictionRequest r;
  r.hands_forward_m = c.forward;
  r.hands_height_m = c.height;
  r.strategy = c.strategy;
  const PredictionResult res = predict_posture(m, holding(6), r);
  const Eigen::Vector2d grip = grip_relative_to_feet(m, res.posture);
  EXPECT_NEAR(grip.x(), c.forward, 0.01);
  EXPECT_NEAR(grip.y(), c.height, 0.01);
  EXPECT_GE(res.balance_margin_m, 0.0);
  const double knee = res.posture.q_rad[0][m.coordinate_index("knee_r_flexion")] * 180 / std::numbers::pi;
  if (c.strategy == LiftStrategy::stoop) {
    EXPECT_LE(knee, 15.0 + 1e-6);
  }
  if (c.strategy == LiftStrategy::squat) {
    EXPECT_GE(knee, 90.0 - 1e-6);
  }
  // Every coordinate within its range.
  for (std::size_t k = 0; k < m.coordinates.size(); ++k) {
    EXPECT_GE(res.posture.q_rad[0][k], m.coordinates[k].min_rad - 1e-9) << m.coordinates[k].name;
    EXPECT_LE(res.posture.q_rad[0][k], m.coordinates[k].max_rad + 1e-9) << m.coordinates[k].name;
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, Prediction,
                         ::testing::Values(Case{0.30, 1.00, LiftStrategy::stoop}, Case{0.40, 0.50, LiftStrategy::stoop},
                                           Case{0.35, 0.30, LiftStrategy::squat},
                                           Case{0.35, 0.45, LiftStrategy::semi_squat},
                                           Case{0.45, 0.90, LiftStrategy::stoop}));

TEST(Prediction, KneelingReachesATubWithTheShinsOnTheFloor) {
  const Model& m = test::default_model();
  Posture base = parse_posture_text(m, "support: kneeling\nloads:\n  - {type: hand_mass, mass_kg: 3}\n", "p.yaml");
  PredictionRequest r;
  r.hands_forward_m = 0.35;
  r.hands_height_m = 0.45;
  r.strategy = LiftStrategy::kneel;
  const PredictionResult res = predict_posture(m, base, r);
  EXPECT_LT(res.hand_error_m, 0.01);
  EXPECT_GE(res.balance_margin_m, 0.0);
  // Shins horizontal: knee flexion equals 90 deg plus the thigh's lean (hip flexion beyond
  // what the pelvis tilt carries).
  const auto& q = res.posture.q_rad[0];
  const double hip_extra = q[m.coordinate_index("hip_r_flexion")] - q[m.coordinate_index("pelvis_tilt")];
  EXPECT_NEAR(q[m.coordinate_index("knee_r_flexion")], M_PI / 2 + hip_extra, 1e-9);
  base.support = Support::standing;
  EXPECT_THROW(predict_posture(m, base, r), InputError);
}

// Issue 15: a crate's handles 20 cm above the floor and 35 cm ahead of the ankles, gripped
// by a 1.74 m, 70 kg adult with straight knees (stoop), was refused (the nearest grip 16 cm
// away): the rhythm stopped at the lumbar range. Beyond it the hips flex alone.
TEST(Prediction, AStoopReachesLowGripsWithTheHipsOnceTheLumbarSpineIsAtItsRange) {
  const auto m = build_static_model(*default_model_source(), 1.74, 70);
  const Posture crate = parse_posture_text(*m, "name: crate\nloads:\n  - {type: hand_mass, mass_kg: 10}\n", "p.yaml");
  PredictionRequest r;
  r.hands_forward_m = 0.35;
  r.hands_height_m = 0.20;
  r.strategy = LiftStrategy::stoop;
  const PredictionResult res = predict_posture(*m, crate, r);
  const Eigen::Vector2d grip = grip_relative_to_feet(*m, res.posture);
  EXPECT_NEAR(grip.x(), 0.35, 0.01);
  EXPECT_NEAR(grip.y(), 0.20, 0.01);
  auto deg = [&](const char* n) { return res.posture.q_rad[0][m->coordinate_index(n)] * 180 / std::numbers::pi; };
  EXPECT_LE(deg("knee_r_flexion"), 15.0 + 1e-6);
  // The lumbar spine is at the end of its range (one level exactly, L4/L5 within a
  // degree); the pelvis tilts beyond the rhythm's share of the trunk inclination there
  // (40 % of about 97 deg).
  EXPECT_NEAR(deg("L4_L5_flexion"), m->coordinates[m->coordinate_index("L4_L5_flexion")].max_rad * 180 / std::numbers::pi, 1.0);
  EXPECT_GT(deg("pelvis_tilt"), 0.40 * 97 + 10);
  EXPECT_GE(res.balance_margin_m, 0.0);
}

TEST(Prediction, SameTaskGivesTheSamePosture) {
  PredictionRequest r;
  r.hands_forward_m = 0.4;
  r.hands_height_m = 0.6;
  const PredictionResult a = predict_posture(test::default_model(), holding(5), r);
  const PredictionResult b = predict_posture(test::default_model(), holding(5), r);
  EXPECT_EQ(a.posture.q_rad[0], b.posture.q_rad[0]);
}

TEST(Prediction, OutOfReachNamesTheConstraint) {
  PredictionRequest r;
  r.hands_forward_m = 1.5;
  r.hands_height_m = 0.1;
  try {
    predict_posture(test::default_model(), holding(5), r);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "predict.hands");
    EXPECT_NE(std::string(e.what()).find("cannot reach 1.50 m forward"), std::string::npos);
  }
}

TEST(Prediction, PostureFilesCanGiveHandTargetsInsteadOfAngles) {
  const Model& m = test::default_model();
  const Posture p = load_posture_file(m, test::source_path("examples/lift_from_crib.yaml"));
  ASSERT_TRUE(p.prediction.has_value());
  EXPECT_EQ(p.prediction->strategy, LiftStrategy::stoop);
  const Posture solved = resolve_prediction(m, p);
  EXPECT_FALSE(solved.prediction.has_value());
  const Eigen::Vector2d grip = grip_relative_to_feet(m, solved);
  EXPECT_NEAR(grip.x(), 0.40, 0.01);
  EXPECT_NEAR(grip.y(), 0.45, 0.01);
  try {
    parse_posture_text(m, "predict: {hands_forward_m: 0.4, hands_height_m: 0.5, strategy: crouch}\n", "p.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "predict.strategy");
  }
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

// Issue 15's continuity rule: between neighbouring weeks L5/S1 changes by at most 3 %,
// unless a constraint of the prediction changes (named in the output) or her body changes
// fast (the first two postpartum weeks lose about 1.6 kg each: then by no more than twice
// her relative change in mass). The noise of a search that stops anywhere in a flat valley
// gave 1-4 % steps before, and no coordinate may jump.
TEST(PredictionContinuity, ChangeDiaperIsSmoothWeekByWeekThroughPregnancyAndThePostpartumYear) {
  const Subject subject = load_subject_file(std::string(SPINELOAD_SOURCE_DIR) + "/examples/subject_6_weeks.yaml");
  const auto source = default_model_source();
  const auto base = build_static_model(*source, subject.height_m, subject.pre_pregnancy_mass_kg);
  const TaskInstance task = instantiate_task(*base, "change-diaper", {});
  ASSERT_TRUE(task.posture.prediction.has_value());
#ifdef SPINELOAD_SANITIZED_BUILD
  const std::vector<std::pair<std::string, std::string>> ranges{{"postpartum:0", "postpartum:8"}};
#else
  const std::vector<std::pair<std::string, std::string>> ranges{{"pregnant:0", "pregnant:40"},
                                                                {"postpartum:0", "postpartum:52"}};
#endif
  for (const auto& [from, to] : ranges) {
    const auto rows = run_timeline(*source, *default_subject_data(), subject, task.posture,
                                   stage_range(from, to, "1w", subject.delivery_week), {});
    double largest = 0;
    for (std::size_t k = 1; k < rows.size(); ++k) {
      // The posture itself moves little from week to week: no coordinate jumps.
      const Eigen::VectorXd dq = rows[k].result.frames[0].q_rad - rows[k - 1].result.frames[0].q_rad;
      const double angle_step_deg = dq.cwiseAbs().maxCoeff() * 180 / std::numbers::pi;
      const double a = rows[k - 1].result.frames[0].disc[0].compression_N, b = rows[k].result.frames[0].disc[0].compression_N;
      const double step = std::abs(b / a - 1), mass_step = std::abs(rows[k].mass_kg / rows[k - 1].mass_kg - 1);
      largest = std::max(largest, step);
      if (rows[k].result.prediction_limits != rows[k - 1].result.prediction_limits) continue;
      EXPECT_LE(step, std::max(0.03, 2 * mass_step)) << from << " week " << rows[k].point.week << ": " << a << " -> " << b;
      // The old search's knee went 1.1 -> 0.4 -> 8.2 deg between weeks; now under 0.3.
      EXPECT_LE(angle_step_deg, 1.0) << from << " week " << rows[k].point.week;
    }
    EXPECT_GT(largest, 0.001) << "the load must follow her body at all";
  }
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

std::shared_ptr<const Model> her_model_at(double week) {
  Subject s = load_subject_file(std::string(SPINELOAD_SOURCE_DIR) + "/examples/subject_6_weeks.yaml");
  s.stage = Stage::pregnant;
  s.week = week;
  return build_subject_model(*default_model_source(), *default_subject_data(), s, true);
}

TEST(PredictionAbdomen, HerBellyIsASolidOnlyWhilePregnant) {
  EXPECT_TRUE(her_model_at(0)->abdomen.empty());
  const auto term = her_model_at(36);
  ASSERT_FALSE(term->abdomen.empty());
  // Depth 0.7 x 36 cm over two, plus the 2 cm wall; width 0.75 x 36 cm over two (scaled to her height).
  double depth = 0, width = 0;
  for (const BodySolid& s : term->abdomen) depth = std::max(depth, s.semi_axes_m.x()), width = std::max(width, s.semi_axes_m.z());
  EXPECT_NEAR(depth, 0.146, 0.02);
  EXPECT_NEAR(width, 0.135, 0.02);
}

TEST(PredictionAbdomen, AtThirtySixWeeksHerKneesGoApartInASquatAndHerHandsStayOutsideHerBelly) {
  PredictionRequest r;
  r.hands_forward_m = 0.35;
  r.hands_height_m = 0.10;
  r.strategy = LiftStrategy::squat;
  const auto before = her_model_at(0), term = her_model_at(36);
  const Posture base = parse_posture_text(*before, "name: lift\nloads:\n  - {type: hand_mass, mass_kg: 4}\n", "p.yaml");
  const PredictionResult a = predict_posture(*before, base, r), b = predict_posture(*term, base, r);
  const int add = before->coordinate_index("hip_r_adduction");
  EXPECT_NEAR(a.posture.q_rad[0][add], 0.0, 1e-12);
  EXPECT_LT(b.posture.q_rad[0][add] * 180 / std::numbers::pi, -20.0);  // abducted
  EXPECT_LT(b.hand_error_m, 0.01);
  // Her grip, measured here from the slabs: outside every one (at the midline).
  Data d(*term);
  body_poses(*term, d, b.posture.q_rad[0]);
  const int hr = term->body_index("hand_r"), hl = term->body_index("hand_l");
  const Eigen::Vector3d grip = 0.5 * (world_point(d, hr, term->bodies[hr].com_m) + world_point(d, hl, term->bodies[hl].com_m));
  for (const BodySolid& s : term->abdomen) {
    const Eigen::Vector3d local = d.pose[s.body].linear().transpose() * (grip - d.pose[s.body] * s.centre_m);
    if (std::abs(local.y()) <= s.semi_axes_m.y()) {
      EXPECT_GT(std::abs(local.x()), s.semi_axes_m.x()) << term->bodies[s.body].name;
    }
  }
}

}  // namespace
}  // namespace spineload

// One-handed reaches and reaches to her side: the trunk twists towards the grip, the other
// arm hangs, and the search is mirror-symmetric.
namespace spineload {
namespace {

constexpr double kRadToDeg = 180 / std::numbers::pi;

Posture held_in(const std::string& hands, double kg) {
  return parse_posture_text(test::default_model(),
                            "name: p\nloads:\n  - {type: hand_mass, mass_kg: " + std::to_string(kg) + ", hands: " + hands + "}\n",
                            "p.yaml");
}

// The twist driver recovered from the T6/T7 level (half the rhythm's twist).
double twist_deg(const Model& m, const Posture& p) {
  return p.q_rad[0][m.coordinate_index("T6_T7_axial_rotation")] * kRadToDeg / 0.5;
}

Eigen::Vector3d hand_relative_to_feet(const Model& m, const Posture& p, const char* hand) {
  Data d(m);
  body_poses(m, d, p.q_rad[0]);
  const int h = m.body_index(hand);
  const Eigen::Vector3d ankles =
      0.5 * (d.pose[m.body_index("foot_r")].translation() + d.pose[m.body_index("foot_l")].translation());
  double floor = 1e9;
  for (const auto& s : m.standing_support) floor = std::min(floor, world_point(d, s.body, s.location_m).y());
  const Eigen::Vector3d w = world_point(d, h, m.bodies[h].com_m);
  return {w.x() - ankles.x(), w.y() - floor, w.z() - ankles.z()};
}

TEST(PredictionReach, OneHandToHerRightPutsThatHandOnTheGripTwistsHerTowardsItAndLetsTheOtherArmHang) {
  const Model& m = test::default_model();
  PredictionRequest r;
  // A grip beside her right foot, at hip height, 60 cm out: 42 cm beyond her shoulder.
  r.hands_forward_m = 0.0;
  r.hands_height_m = 0.9;
  r.hands_lateral_m = 0.6;
  r.hands = ReachingHands::right;
  const PredictionResult res = predict_posture(m, held_in("right", 3), r);
  const Eigen::Vector3d hand = hand_relative_to_feet(m, res.posture, "hand_r");
  EXPECT_NEAR(hand.x(), 0.0, 0.01);
  EXPECT_NEAR(hand.y(), 0.9, 0.01);
  EXPECT_NEAR(hand.z(), 0.6, 0.01);
  EXPECT_GT(twist_deg(m, res.posture), 5.0);  // towards her right
  const bool at_range = std::find(res.limits.begin(), res.limits.end(), "trunk twist at its range") != res.limits.end();
  EXPECT_EQ(at_range, std::abs(res.solution_deg[3]) > 39.9) << res.solution_deg[3];
  const Eigen::VectorXd& q = res.posture.q_rad[0];
  EXPECT_EQ(q[m.coordinate_index("elbow_l_flexion")], 0.0);
  EXPECT_EQ(q[m.coordinate_index("shoulder_l_abduction")], 0.0);
  EXPECT_GT(q[m.coordinate_index("shoulder_r_abduction")], 0.0);  // the right arm goes out to her side
  // Her feet stay put: the hips turn back what the pelvis turns.
  EXPECT_NEAR(q[m.coordinate_index("hip_r_rotation")], q[m.coordinate_index("pelvis_rotation")], 1e-12);
}

TEST(PredictionReach, AGripToHerLeftIsTheMirrorImageOfOneToHerRight) {
  const Model& m = test::default_model();
  PredictionRequest r;
  r.hands_forward_m = 0.35;
  r.hands_height_m = 0.08;
  r.strategy = LiftStrategy::squat;
  r.hands_lateral_m = 0.2;
  const PredictionResult right = predict_posture(m, holding(6), r);
  r.hands_lateral_m = -0.2;
  const PredictionResult left = predict_posture(m, holding(6), r);
  EXPECT_GT(twist_deg(m, right.posture), 2.0);
  EXPECT_NEAR(twist_deg(m, left.posture), -twist_deg(m, right.posture), 0.5);
  for (const char* c : {"pelvis_tilt", "knee_r_flexion", "L4_L5_flexion"})
    EXPECT_NEAR(left.posture.q_rad[0][m.coordinate_index(c)], right.posture.q_rad[0][m.coordinate_index(c)], 0.5 / kRadToDeg) << c;
  EXPECT_NEAR(left.posture.q_rad[0][m.coordinate_index("shoulder_l_flexion")],
              right.posture.q_rad[0][m.coordinate_index("shoulder_r_flexion")], 2 / kRadToDeg);
}

TEST(PredictionReach, TheFurtherToHerSideTheMoreSheTwists) {
  const Model& m = test::default_model();
  double previous = -1;
  for (double side : {0.0, 0.15, 0.3, 0.45}) {
    PredictionRequest r;
    r.hands_forward_m = 0.3;
    r.hands_height_m = 0.7;
    r.hands_lateral_m = side;
    const PredictionResult res = predict_posture(m, holding(4), r);
    const double twist = twist_deg(m, res.posture);
    if (side == 0) {
      EXPECT_EQ(twist, 0.0);  // a grip on her midline: no twist searched, the sagittal solution
    } else {
      EXPECT_GT(twist, previous + 1.0) << side;
    }
    previous = twist;
  }
}

TEST(PredictionReach, ARefusalNamesTheConstraintsWhereTheNearestPostureStopped) {
  PredictionRequest r;
  r.hands_forward_m = 0.35;
  r.hands_height_m = 0.08;
  r.strategy = LiftStrategy::squat;
  r.hands_lateral_m = 0.6;
  try {
    predict_posture(test::default_model(), holding(6), r);
    FAIL() << "a floor grip 60 cm to her side is out of reach with her feet where they are";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.field(), "predict.hands");
    EXPECT_NE(what.find("0.60 m to her right"), std::string::npos) << what;
    EXPECT_NE(what.find("stopped by: "), std::string::npos) << what;
    EXPECT_NE(what.find("arms straight (full reach)"), std::string::npos) << what;
  }
}

TEST(PredictionReach, PostureFilesNameTheReachingHandAndTheSide) {
  const Model& m = test::default_model();
  const Posture p = parse_posture_text(
      m, "name: p\nloads:\n  - {type: hand_mass, mass_kg: 2, hands: left}\npredict: {hands_forward_m: 0.3, hands_height_m: 0.9, hands: left, hands_lateral_m: -0.3}\n",
      "p.yaml");
  ASSERT_TRUE(p.prediction.has_value());
  EXPECT_EQ(p.prediction->hands, ReachingHands::left);
  EXPECT_DOUBLE_EQ(*p.prediction->hands_lateral_m, -0.3);
  const Posture solved = resolve_prediction(m, p);
  EXPECT_NEAR(hand_relative_to_feet(m, solved, "hand_l").z(), -0.3, 0.01);
  EXPECT_LT(twist_deg(m, solved), -1.0);
  try {
    parse_posture_text(m, "name: p\npredict: {hands_forward_m: 0.3, hands_height_m: 0.9,\n  hands: middle}\n", "bad.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "predict.hands");
    EXPECT_EQ(e.line(), 3);
  }
  EXPECT_THROW(parse_posture_text(m, "name: p\npredict: {hands_forward_m: 0.3, hands_height_m: 0.9, hands_lateral_m: 1.5}\n", "bad.yaml"),
               InputError);
  // The example in the README's posture table.
  const Posture example = resolve_prediction(m, load_posture_file(m, test::source_path("examples/reach_to_side_one_hand.yaml")));
  const Eigen::Vector3d grip = hand_relative_to_feet(m, example, "hand_r");
  EXPECT_NEAR(grip.x(), 0.10, 0.01);
  EXPECT_NEAR(grip.y(), 0.45, 0.01);
  EXPECT_NEAR(grip.z(), 0.50, 0.01);
}

TEST(PredictionReach, TheCarSeatIsLiftedWithHerRightHandBesideHerAndNioshSeesTheAsymmetry) {
  const Model& m = test::default_model();
  const TaskInstance task = instantiate_task(m, "lift-car-seat", {});
  ASSERT_TRUE(task.posture.prediction.has_value());
  EXPECT_EQ(task.posture.prediction->hands, ReachingHands::right);
  ASSERT_TRUE(task.lift.has_value());
  EXPECT_NEAR(task.lift->asymmetry_deg, std::atan2(25.0, 20.0) * kRadToDeg, 1e-9);
  EXPECT_NEAR(task.lift->horizontal_cm, std::hypot(20.0, 25.0), 1e-9);
  const Posture solved = resolve_prediction(m, task.posture);
  const Eigen::Vector3d hand = hand_relative_to_feet(m, solved, "hand_r");
  EXPECT_NEAR(hand.z(), 0.25, 0.01);
  EXPECT_NEAR(hand.y(), 0.45, 0.01);
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

// Every built-in task at its defaults is posed for women from 1.50 to 1.80 m (a body mass
// index of 22 before pregnancy) before pregnancy and at 36 weeks: no refusal.
TEST(PredictionReach, EveryBuiltInTaskIsReachableForWomenFrom150To180CmAtZeroAnd36Weeks) {
#ifdef SPINELOAD_SANITIZED_BUILD
  const std::vector<double> heights{1.50, 1.80};
#else
  const std::vector<double> heights{1.50, 1.60, 1.70, 1.80};
#endif
  int predicted = 0;
  for (double h : heights) {
    for (double week : {0.0, 36.0}) {
      Subject s;
      s.height_m = h;
      s.pre_pregnancy_mass_kg = 22 * h * h;
      s.stage = Stage::pregnant;
      s.week = week;
      const auto model = build_subject_model(*default_model_source(), *default_subject_data(), s, true);
      for (const TaskSpec& spec : task_library()) {
        const TaskInstance task = instantiate_task(*model, spec.id, {});
        if (!task.posture.prediction) continue;
        ++predicted;
        try {
          const Posture solved = resolve_prediction(*model, task.posture);
          EXPECT_FALSE(solved.prediction.has_value());
        } catch (const InputError& e) {
          ADD_FAILURE() << spec.id << " at " << h << " m, week " << week << ": " << e.what();
        }
      }
    }
  }
  EXPECT_GE(predicted, 5 * static_cast<int>(heights.size()) * 2);  // the lifts, the diaper, carrying, bathing...
}

}  // namespace
}  // namespace spineload

// Realism: the predicted angles of lifts from the floor against the published kinematics of
// the same lifts (data/validation/lift_kinematics.yaml: means and SDs over volunteers).
// Tolerance: within 1.5 standard deviations of the mean, and the stoop's extra lumbar
// flexion over the squat within half to one and a half times the published difference.
namespace spineload {
namespace {

double sum_deg(const Model& m, const Posture& p, std::initializer_list<const char*> coords) {
  double s = 0;
  for (const char* c : coords) s += p.q_rad[0][m.coordinate_index(c)] * kRadToDeg;
  return s;
}

TEST(PredictionRealism, FloorLiftsBendTheLumbarSpineAndKneesAsMeasured) {
  const YAML::Node root = YAML::LoadFile(std::string(SPINELOAD_SOURCE_DIR) + "/data/validation/lift_kinematics.yaml");
  const Model& m = test::default_model();
  int compared = 0;
  for (const YAML::Node& lift : root["lifts"]) {
    const std::string name = lift["name"].as<std::string>();
    const Posture base = holding(lift["load_kg"].as<double>());
    auto solve = [&](LiftStrategy s) {
      PredictionRequest r;
      r.hands_forward_m = lift["grip"]["forward_m"].as<double>();
      r.hands_height_m = lift["grip"]["height_m"].as<double>();
      r.strategy = s;
      return predict_posture(m, base, r).posture;
    };
    auto within = [&](double model, const YAML::Node& measured, const std::string& what) {
      const double mean = measured["mean"].as<double>(), sd = measured["sd"].as<double>();
      EXPECT_LE(std::abs(model - mean), 1.5 * sd) << name << " " << what << ": model " << model << " deg, measured " << mean << " +- " << sd;
      ++compared;
    };
    if (const YAML::Node lumbar = lift["lumbar_flexion_deg"]) {
      const auto lumbar_of = [&](const Posture& p) {
        return sum_deg(m, p, {"L1_L2_flexion", "L2_L3_flexion", "L3_L4_flexion", "L4_L5_flexion", "L5_S1_flexion"});
      };
      const double stoop = lumbar_of(solve(LiftStrategy::stoop)), squat = lumbar_of(solve(LiftStrategy::squat));
      within(stoop, lumbar["stoop"], "stoop lumbar flexion");
      within(squat, lumbar["squat"], "squat lumbar flexion");
      const double published = lumbar["stoop"]["mean"].as<double>() - lumbar["squat"]["mean"].as<double>();
      EXPECT_GE(stoop - squat, 0.5 * published) << name;
      EXPECT_LE(stoop - squat, 1.5 * published) << name;
    }
    if (const YAML::Node knee = lift["knee_flexion_deg"]) within(sum_deg(m, solve(LiftStrategy::squat), {"knee_r_flexion"}), knee["squat"], "squat knee flexion");
  }
  EXPECT_EQ(compared, 3);
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

double head_pitch_deg(const Model& m, const Posture& p) {
  Data d(m);
  body_poses(m, d, p.q_rad[0]);
  const Eigen::Vector3d forward = d.pose[m.body_index("head")].linear() * Eigen::Vector3d::UnitX();
  return std::atan2(-forward.y(), forward.x()) * kRadToDeg;
}

// Looking at what she holds near her waist or chest, her head tilts as people's do looking
// at a phone in their hands: 33-45 deg from vertical (Lee, Kang & Shin 2015, abstract), and
// the output says when the eyes take over.
TEST(PredictionGaze, HoldingAtWaistOrChestHeightTiltsTheHeadAsPeopleLookingAtTheirHandsDo) {
  const Model& m = test::default_model();
  for (const auto& [forward, height] : {std::pair{0.3, 1.0}, std::pair{0.25, 1.15}, std::pair{0.35, 0.98}}) {
    PredictionRequest r;
    r.hands_forward_m = forward;
    r.hands_height_m = height;
    const PredictionResult res = predict_posture(m, holding(5), r);
    const double pitch = head_pitch_deg(m, res.posture);
    EXPECT_GE(pitch, 33.0 - 0.5) << forward << " " << height;
    EXPECT_LE(pitch, 45.0 + 1e-6) << forward << " " << height;
    const bool capped = std::any_of(res.limits.begin(), res.limits.end(), [](const std::string& l) { return l.rfind("head tilted", 0) == 0; });
    EXPECT_EQ(capped, pitch > 45.0 - 1e-6) << pitch;
  }
  // Lower, at her thighs, the head stops at 45 deg and the eyes look down the rest, and the
  // prediction says so.
  {
    PredictionRequest low;
    low.hands_forward_m = 0.2;
    low.hands_height_m = 0.8;
    const PredictionResult res = predict_posture(m, holding(5), low);
    EXPECT_NEAR(head_pitch_deg(m, res.posture), 45.0, 0.01);
    EXPECT_TRUE(std::any_of(res.limits.begin(), res.limits.end(), [](const std::string& l) { return l.rfind("head tilted", 0) == 0; }));
  }
  // Looking ahead at a shelf at eye height the head stays level.
  PredictionRequest r;
  r.hands_forward_m = 0.5;
  r.hands_height_m = 1.5;
  EXPECT_NEAR(head_pitch_deg(m, predict_posture(m, holding(1), r).posture), 0.0, 10.0);
}

}  // namespace
}  // namespace spineload
