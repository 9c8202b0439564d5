#include "posture/prediction.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <numbers>
#include <tuple>

#include "common/errors.hpp"
#include "common/rotation.hpp"
#include "dynamics/dynamics.hpp"
#include "model/data.hpp"

namespace spineload {

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;
// The search runs over trunk flexion, knee flexion and the lean of the legs that moves the
// hips back over the feet (deg); the arms are then solved for the grip (arm_ik), so the
// hand target is met exactly wherever the arms reach it and the cost stays smooth. With the
// target a penalty over five angles, as before, the optimum lay in a narrow valley that the
// simplex left at an arbitrary point: L5/S1 wobbled 1-4 % between neighbouring weeks.
// A fourth, the trunk's twist (the trunk_axial_rotation rhythm), is searched only when the
// grip lies off her midline or one hand reaches; else it stays 0.
constexpr int kN = 4;
using Vec = std::array<double, kN>;

// Comfortable-range scales of the prior [E]: a deviation of one scale costs 1. Each is
// about half the joint's range of motion in that direction, so trunk extension (range about
// 30 deg against 90 of flexion) costs three times as much per degree as flexion.
constexpr double kTrunkScale = 45, kKneeScale = 60, kLeanScale = 15, kShoulderScale = 60, kElbowScale = 60;
constexpr double kTrunkExtensionScale = 15, kTwistScale = 30;
// The legs lean at most this far from their flat-footed stance [E]: beyond, the search
// wandered where the ankle's range already stopped the shank and the lean changed nothing.
constexpr double kMaxLean_deg = 30;
// The eyes look down this far below the head's forward axis before the head and neck flex
// [U]: the normal line of sight lies about 15 deg below the horizontal with the head erect
// (display-ergonomics guidance, e.g. ISO 9241-5, recalled). Without it the neck alone aimed
// the gaze and looking at the floor flexed it past its range.
constexpr double kEyeDepression_rad = 15 * kDeg;
// Looking down at what they hold, people tilt the head 33-45 deg from vertical (median over
// tasks, Lee, Kang & Shin 2015 Ergonomics 58:220, smartphone use standing and sitting,
// abstract [V]): the gaze flexes the head and neck until the head is tilted this far and the
// eyes look down the rest. Without it, holding at waist height bent the neck 40 deg at C7/T1.
constexpr double kMaxHeadPitch_rad = 45 * kDeg;
// Room around the grip and in front of the thigh bones that her belly cannot enter [E]:
// half a hand's thickness, and a thigh's anterior half-depth (about 7 cm for a woman's
// mid-thigh girth of about 55 cm, as a circle).
constexpr double kHandClearance_m = 0.03, kThighFront_m = 0.07, kSoftTissue_m = 0.02;

double wrap(double a) { return std::remainder(a, 2 * std::numbers::pi); }
double angle_of(const Eigen::Vector2d& v) { return std::atan2(v.y(), v.x()); }
Eigen::Vector2d rotated(const Eigen::Vector2d& v, double a) {
  return {std::cos(a) * v.x() - std::sin(a) * v.y(), std::sin(a) * v.x() + std::cos(a) * v.y()};
}
Eigen::Vector2d sagittal(const Eigen::Vector3d& p) { return {p.x(), p.y()}; }

struct Evaluator {
  const Model& model;
  const Posture& base;
  const PredictionRequest& req;
  Data data;
  int c_trunk_rhythm, c_knee_r, c_knee_l, c_hip_r, c_hip_l, c_ankle_r, c_ankle_l, c_sh_r, c_sh_l, c_el_r, c_el_l;
  int b_hand_r, b_hand_l, b_foot_r, b_foot_l, b_shank_r, b_shank_l, b_upper_r, b_upper_l, b_fore_r, b_fore_l;
  int b_thigh_r, b_thigh_l;
  int c_abd_r, c_abd_l, c_hip_rot_r, c_hip_rot_l, c_twist_rhythm = -1, c_pelvis_rotation = -1;
  bool asymmetric = false;       // one hand, or a grip off her midline: the 3D arm solution
  bool reach_r = true, reach_l = true;
  double hands_apart_m = 0;      // the hands' separation as the base posture holds them
  double shoulder_lateral_m = 0; // the reaching shoulder from her midline, upright (one hand)
  double twist_limit_deg = 0;    // the twist at which a level of the rotation rhythm reaches its range
  Eigen::VectorXd start_q;  // the base posture, with her knees apart around a pregnant belly
  int c_pelvis_tilt = -1;
  double spine_limit_deg = INFINITY;
  int evaluations = 0;

  Evaluator(const Model& m, const Posture& p, const PredictionRequest& r) : model(m), base(p), req(r), data(m) {
    auto coord = [&](const char* n) {
      const int c = m.coordinate_index(n);
      if (c < 0) throw InputError("", 0, "predict", std::string("the model has no coordinate ") + n);
      return c;
    };
    auto body = [&](const char* n) {
      const int b = m.body_index(n);
      if (b < 0) throw InputError("", 0, "predict", std::string("the model has no body ") + n);
      return b;
    };
    c_trunk_rhythm = m.rhythm_index("trunk_flexion");
    if (c_trunk_rhythm < 0) throw InputError("", 0, "predict", "the model has no trunk_flexion rhythm");
    c_knee_r = coord("knee_r_flexion"), c_knee_l = coord("knee_l_flexion");
    c_hip_r = coord("hip_r_flexion"), c_hip_l = coord("hip_l_flexion");
    c_ankle_r = coord("ankle_r_dorsiflexion"), c_ankle_l = coord("ankle_l_dorsiflexion");
    c_sh_r = coord("shoulder_r_flexion"), c_sh_l = coord("shoulder_l_flexion");
    c_el_r = coord("elbow_r_flexion"), c_el_l = coord("elbow_l_flexion");
    b_hand_r = body("hand_r"), b_hand_l = body("hand_l");
    b_foot_r = body("foot_r"), b_foot_l = body("foot_l");
    b_shank_r = body("shank_r"), b_shank_l = body("shank_l");
    b_upper_r = m.joints[m.coordinates[c_sh_r].joint].child_body, b_upper_l = m.joints[m.coordinates[c_sh_l].joint].child_body;
    b_fore_r = m.joints[m.coordinates[c_el_r].joint].child_body, b_fore_l = m.joints[m.coordinates[c_el_l].joint].child_body;
    b_thigh_r = m.joints[m.coordinates[c_knee_r].joint].parent_body, b_thigh_l = m.joints[m.coordinates[c_knee_l].joint].parent_body;
    c_pelvis_tilt = m.coordinate_index("pelvis_tilt");
    c_abd_r = coord("shoulder_r_abduction"), c_abd_l = coord("shoulder_l_abduction");
    start_q = p.q_rad[0];
    asymmetric = r.hands != ReachingHands::both || (r.hands_lateral_m && *r.hands_lateral_m != 0);
    reach_r = r.hands != ReachingHands::left, reach_l = r.hands != ReachingHands::right;
    if (asymmetric) {
      c_twist_rhythm = m.rhythm_index("trunk_axial_rotation");
      if (c_twist_rhythm < 0) throw InputError("", 0, "predict", "the model has no trunk_axial_rotation rhythm");
      c_hip_rot_r = coord("hip_r_rotation"), c_hip_rot_l = coord("hip_l_rotation");
      c_pelvis_rotation = m.coordinate_index("pelvis_rotation");
      const Rhythm& tw = m.rhythms[c_twist_rhythm];
      twist_limit_deg = std::min(tw.max_rad, -tw.min_rad) / kDeg;
      for (const auto& [c, ratio] : tw.ratios)
        if (ratio > 0)
          twist_limit_deg = std::min({twist_limit_deg, (m.coordinates[c].max_rad - p.q_rad[0][c]) / (ratio * kDeg),
                                      (p.q_rad[0][c] - m.coordinates[c].min_rad) / (ratio * kDeg)});
      body_poses(m, data, start_q);
      hands_apart_m = std::abs(world_point(data, b_hand_r, m.bodies[b_hand_r].com_m).z() -
                               world_point(data, b_hand_l, m.bodies[b_hand_l].com_m).z());
      const double mid = 0.5 * (data.pose[b_foot_r].translation().z() + data.pose[b_foot_l].translation().z());
      shoulder_lateral_m = data.pose[r.hands == ReachingHands::left ? b_upper_l : b_upper_r].translation().z() - mid;
    }
    if (!m.abdomen.empty() && (r.strategy == LiftStrategy::semi_squat || r.strategy == LiftStrategy::squat))
      spread_knees(coord("hip_r_adduction"), coord("hip_l_adduction"));
    // The trunk inclination at which the first spinal level of the rhythm reaches its range.
    spine_limit_deg = INFINITY;
    for (const auto& [c, ratio] : m.rhythms[c_trunk_rhythm].ratios)
      if (!pelvis_or_hip(c) && ratio > 0)
        spine_limit_deg = std::min(spine_limit_deg, (m.coordinates[c].max_rad - p.q_rad[0][c]) / (ratio * kDeg));
  }

  bool pelvis_or_hip(int c) const { return c == c_pelvis_tilt || c == c_hip_r || c == c_hip_l; }

  // Bending her knees with a pregnant belly, she takes them apart so that the thighs pass
  // beside it [E]: each hip abducts until the thigh's inner surface clears the widest slab
  // of the uterus from mid-thigh on (at most 44 deg), and her feet move apart with them.
  void spread_knees(int c_add_r, int c_add_l) {
    body_poses(model, data, start_q);
    double half_width = 0;
    for (const BodySolid& s : model.abdomen) half_width = std::max(half_width, s.semi_axes_m.z());
    const double hip_lateral = 0.5 * std::abs(data.pose[b_thigh_r].translation().z() - data.pose[b_thigh_l].translation().z());
    const double thigh_m = (data.pose[b_shank_r].translation() - data.pose[b_thigh_r].translation()).norm();
    // Cleared from mid-thigh on, where the contact is first checked.
    const double needed = std::asin(std::clamp((half_width + kThighFront_m - kSoftTissue_m - hip_lateral) / (0.5 * thigh_m), 0.0, 0.7));
    for (int c : {c_add_r, c_add_l}) start_q[c] = std::max(model.coordinates[c].min_rad, start_q[c] - needed);
  }
  bool kneeling() const { return req.strategy == LiftStrategy::kneel; }

  // Thigh inclination per degree of knee flexion: the knee bends, the thigh and shank share
  // it so the feet stay flat and the hips stay over them [E].
  double thigh_share() const { return 0.5; }

  // The body below the arms; the arms hang (shoulder flexion = trunk flexion keeps them
  // vertical) until arm_ik places them.
  Eigen::VectorXd coordinates(const Vec& x) const {
    Eigen::VectorXd q = start_q;
    // Trunk inclination x[0] is shared by the rhythm until a spinal level reaches its range;
    // beyond, the hips flex alone (the pelvis tilts further), as in a deep stoop where the
    // lumbar spine is near its end of range and the hips give the rest [E].
    const Rhythm& r = model.rhythms[c_trunk_rhythm];
    const double spine = std::min(x[0], spine_limit_deg), beyond = x[0] - spine;
    for (const auto& [c, ratio] : r.ratios) q[c] += (ratio * spine + (pelvis_or_hip(c) ? beyond : 0.0)) * kDeg;
    for (int c : {c_sh_r, c_sh_l}) q[c] = x[0] * kDeg;
    for (int c : {c_el_r, c_el_l}) q[c] = 0;
    if (asymmetric) {
      // She turns towards the grip; her hips turn back what the pelvis turns, so that her
      // feet keep facing forward [E].
      for (const auto& [c, ratio] : model.rhythms[c_twist_rhythm].ratios) {
        q[c] += ratio * x[3] * kDeg;
        if (c == c_pelvis_rotation) q[c_hip_rot_r] += ratio * x[3] * kDeg, q[c_hip_rot_l] -= ratio * x[3] * kDeg;
      }
    }
    if (kneeling()) {
      // Kneeling: shins on the floor, so the knee bends 90 deg plus the thigh's lean
      // (x[2], hips ahead of the knees when positive); toes on the floor behind [E].
      for (int c : {c_hip_r, c_hip_l}) q[c] += x[2] * kDeg;
      for (int c : {c_knee_r, c_knee_l}) q[c] = (90 + x[2]) * kDeg;
      for (int c : {c_ankle_r, c_ankle_l}) q[c] = -45 * kDeg;
      return q;
    }
    // The shank leans forward by half the knee flexion, as far as the ankle allows, and the
    // thigh takes the rest, so the feet stay flat; the leg lean turns thigh and shank
    // forward together (hips back over the feet).
    const double ankle_max = std::min(model.coordinates[c_ankle_r].max_rad, model.coordinates[c_ankle_l].max_rad) / kDeg - 1;
    const double shank = std::min(thigh_share() * x[1], ankle_max + x[2]);
    const double thigh = x[1] - shank + x[2];
    for (int c : {c_hip_r, c_hip_l}) q[c] += thigh * kDeg;
    for (int c : {c_knee_r, c_knee_l}) q[c] = x[1] * kDeg;
    for (int c : {c_ankle_r, c_ankle_l}) q[c] = (x[1] - thigh) * kDeg;  // foot flat on the floor
    return q;
  }

  bool in_range(const Eigen::VectorXd& q) const {
    for (std::size_t c = 0; c < model.coordinates.size(); ++c)
      if (q[c] < model.coordinates[c].min_rad - 1e-12 || q[c] > model.coordinates[c].max_rad + 1e-12) return false;
    return true;
  }

  // Both hands' mean grip point (at the hands' centres of mass).
  Eigen::Vector2d grip() const {
    return 0.5 * (sagittal(world_point(data, b_hand_r, model.bodies[b_hand_r].com_m)) +
                  sagittal(world_point(data, b_hand_l, model.bodies[b_hand_l].com_m)));
  }

  // Where the grip must be: ahead of the ankles standing, of the knees kneeling, above the
  // lowest support point (the floor), and to her right of her midline (or ahead of the
  // reaching shoulder). Does not depend on the arms.
  Eigen::Vector3d target3() const {
    const Support support = kneeling() ? Support::kneeling : Support::standing;
    const int ref_r = kneeling() ? b_shank_r : b_foot_r, ref_l = kneeling() ? b_shank_l : b_foot_l;
    const Eigen::Vector3d ankles = 0.5 * (data.pose[ref_r].translation() + data.pose[ref_l].translation());
    double floor = INFINITY;
    for (const auto& p : model.support_points(support)) floor = std::min(floor, world_point(data, p.body, p.location_m).y());
    return {ankles.x() + req.hands_forward_m, floor + req.hands_height_m, ankles.z() + lateral_m()};
  }
  double lateral_m() const {
    if (req.hands_lateral_m) return *req.hands_lateral_m;
    return req.hands == ReachingHands::both ? 0.0 : shoulder_lateral_m;
  }
  Eigen::Vector2d target() const { return target3().head<2>(); }

  // Shoulder and elbow flexion (the same both sides) that put the grip on `goal`, from the
  // posed body in `data`: a planar two-link solution in the sagittal plane (shoulder and
  // elbow flexion turn about the body's z axes, which stay normal to it while the trunk
  // only flexes), checked by forward kinematics and corrected from there, since a base
  // posture with abducted or rotated arms bends the links out of the plane. Joint ranges
  // clamp it; a grip beyond reach leaves the arm pointing at the target, stretched as far
  // as the elbow allows.
  void arm_ik(Eigen::VectorXd& q, const Eigen::Vector2d& goal) {
    const Coordinate &sh = model.coordinates[c_sh_r], &el = model.coordinates[c_el_r];
    for (int pass = 0; pass < 3; ++pass) {
      const Eigen::Vector2d s = 0.5 * (sagittal(data.pose[b_upper_r].translation()) + sagittal(data.pose[b_upper_l].translation()));
      const Eigen::Vector2d e = 0.5 * (sagittal(data.pose[b_fore_r].translation()) + sagittal(data.pose[b_fore_l].translation()));
      const Eigen::Vector2d h = grip();
      if (pass > 0 && (h - goal).norm() < 1e-6) return;
      const Eigen::Vector2d u = e - s, v = h - e, d = goal - s;
      const double l1 = u.norm(), l2 = v.norm(), dist = d.norm();
      const double bend0 = wrap(angle_of(v) - angle_of(u));  // forearm from the upper arm's line
      const double cos_bend = std::clamp((dist * dist - l1 * l1 - l2 * l2) / (2 * l1 * l2), -1.0, 1.0);
      const double bend = std::acos(cos_bend);
      // Flexion turns the forearm forward of the upper arm (+z): the positive root.
      const double elbow = std::clamp(q[c_el_r] + bend - bend0, el.min_rad, el.max_rad);
      const Eigen::Vector2d w = u + rotated(v, elbow - q[c_el_r]);
      const double shoulder = std::clamp(q[c_sh_r] + wrap(angle_of(d) - angle_of(w)), sh.min_rad, sh.max_rad);
      for (int c : {c_sh_r, c_sh_l}) q[c] = shoulder;
      for (int c : {c_el_r, c_el_l}) q[c] = elbow;
      body_poses(model, data, q);
    }
  }

  // Where each reaching hand must be (3D), from the grip centre: one hand on it; two at
  // either side of it, as far apart as the base posture holds them, on a line across the
  // direction from her feet to the grip (she faces what she holds).
  std::array<Eigen::Vector3d, 2> hand_goals(const Eigen::Vector3d& centre) const {
    const Eigen::Vector3d feet = 0.5 * (data.pose[b_foot_r].translation() + data.pose[b_foot_l].translation());
    Eigen::Vector3d across(0, 0, 1);
    const Eigen::Vector2d ahead(centre.x() - feet.x(), centre.z() - feet.z());
    if (ahead.norm() > 1e-6) across = Eigen::Vector3d(-ahead.y(), 0, ahead.x()).normalized();
    if (!(reach_r && reach_l)) return {centre, centre};
    return {centre + 0.5 * hands_apart_m * across, centre - 0.5 * hands_apart_m * across};
  }

  // Shoulder flexion and abduction and elbow flexion of each reaching arm that put its hand
  // on its goal: Levenberg-Marquardt on the arm's own chain (the columns are rotations about
  // the joint axes, as in joint_jacobian), within the joints' ranges. It starts from the arm
  // pointed at the goal with the elbow bent for the distance (flexion and abduction in the
  // shoulder's parent frame, where the hanging arm points down), so each candidate's arms
  // depend on that candidate alone: started from the previous candidate's, the solution
  // could fall into another branch (an arm raised sideways and bent back) and stay there.
  // A goal out of reach leaves the arm as near as it gets, stretched towards it. Written
  // here: three unknowns per arm and a pass of body poses (1.6 us) per step; the three
  // Jacobian columns are built as joint_jacobian builds them, since that function fills
  // every body and coordinate (about 2 us more per step, doubling a side reach's time).
  void arm_ik_3d(Eigen::VectorXd& q, const std::array<Eigen::Vector3d, 2>& goals) {
    const std::array<std::array<int, 3>, 2> arm{{{c_sh_r, c_abd_r, c_el_r}, {c_sh_l, c_abd_l, c_el_l}}};
    const std::array<int, 2> hand{b_hand_r, b_hand_l}, upper{b_upper_r, b_upper_l}, fore{b_fore_r, b_fore_l};
    const std::array<bool, 2> reaching{reach_r, reach_l};
    for (int s = 0; s < 2; ++s) {
      if (!reaching[s]) continue;
      const Eigen::Vector3d sh = data.pose[upper[s]].translation(), el = data.pose[fore[s]].translation();
      const double l1 = (el - sh).norm(), l2 = (world_point(data, hand[s], model.bodies[hand[s]].com_m) - el).norm();
      const Joint& joint = model.joints[model.coordinates[arm[s][0]].joint];
      Eigen::Vector3d d = data.pose[joint.parent_body].linear().transpose() * (goals[s] - sh);
      const double dist = std::clamp(d.norm(), std::abs(l1 - l2) + 1e-6, l1 + l2);
      if (s == 1) d.z() = -d.z();  // the left arm's abduction turns it to -z
      d.normalize();
      const double bend = std::acos(std::clamp((dist * dist - l1 * l1 - l2 * l2) / (2 * l1 * l2), -1.0, 1.0));
      const double lead = std::atan2(l2 * std::sin(bend), l1 + l2 * std::cos(bend));  // hand ahead of the upper arm's line
      const double values[3] = {std::atan2(d.x(), -d.y()) - lead, std::asin(std::clamp(d.z(), -1.0, 1.0)), bend};
      for (int k = 0; k < 3; ++k) {
        const Coordinate& co = model.coordinates[arm[s][k]];
        q[arm[s][k]] = std::clamp(values[k], co.min_rad, co.max_rad);
      }
    }
    body_poses(model, data, q);
    bool stale = false;  // data holds a rejected trial, not q
    for (int s = 0; s < 2; ++s) {
      if (!reaching[s]) continue;
      if (stale) body_poses(model, data, q), stale = false;
      auto hand_at = [&] { return world_point(data, hand[s], model.bodies[hand[s]].com_m); };
      auto jacobian = [&](const Eigen::Vector3d& p) {
        Eigen::Matrix3d J;
        for (int k = 0; k < 3; ++k) {
          const int c = arm[s][k];
          const Joint& joint = model.joints[model.coordinates[c].joint];
          Eigen::Matrix3d turned = data.pose[joint.parent_body].linear();
          for (int jc : joint.coordinates) {
            if (jc == c) break;
            rotate_about(turned, model.coordinates[jc].axis, q[jc]);
          }
          J.col(k) = (turned * model.coordinates[c].axis).cross(p - data.pose[joint.child_body].translation());
        }
        return J;
      };
      Eigen::Vector3d e = goals[s] - hand_at();
      Eigen::Matrix3d J = jacobian(goals[s] - e);
      double lambda = 1e-4;  // m^2: small against an arm's squared length (about 0.3)
      for (int iter = 0; iter < 30 && e.norm() > 1e-6; ++iter) {
        // A joint at its range that the step would push further is held there and the step
        // solved for the others.
        Eigen::Matrix3d Jf = J;
        Eigen::Vector3d dq;
        for (int attempt = 0; attempt < 3; ++attempt) {
          dq = (Jf.transpose() * Jf + lambda * Eigen::Matrix3d::Identity()).ldlt().solve(Jf.transpose() * e);
          bool held = false;
          for (int k = 0; k < 3; ++k) {
            const Coordinate& co = model.coordinates[arm[s][k]];
            if (Jf.col(k).squaredNorm() > 0 &&
                ((q[arm[s][k]] <= co.min_rad && dq[k] < 0) || (q[arm[s][k]] >= co.max_rad && dq[k] > 0)))
              Jf.col(k).setZero(), held = true;
          }
          if (!held) break;
        }
        std::array<double, 3> before{};
        double moved = 0;
        for (int k = 0; k < 3; ++k) {
          const Coordinate& co = model.coordinates[arm[s][k]];
          before[k] = q[arm[s][k]];
          q[arm[s][k]] = std::clamp(before[k] + std::clamp(dq[k], -0.5, 0.5), co.min_rad, co.max_rad);
          moved = std::max(moved, std::abs(q[arm[s][k]] - before[k]));
        }
        if (moved < 1e-9) break;  // as near as the ranges let it
        body_poses(model, data, q);
        const Eigen::Vector3d trial = goals[s] - hand_at();
        if (trial.norm() < e.norm()) {
          e = trial, J = jacobian(goals[s] - e), lambda = std::max(1e-7, 0.1 * lambda), stale = false;
          if (moved < 1e-7) break;
        } else {
          for (int k = 0; k < 3; ++k) q[arm[s][k]] = before[k];
          lambda *= 10, stale = true;
          if (lambda > 1e3) break;
        }
      }
    }
    if (stale) body_poses(model, data, q);
  }

  // The reaching hands' mean grip point (3D).
  Eigen::Vector3d grip3() const {
    Eigen::Vector3d g = Eigen::Vector3d::Zero();
    int n = 0;
    if (reach_r) g += world_point(data, b_hand_r, model.bodies[b_hand_r].com_m), ++n;
    if (reach_l) g += world_point(data, b_hand_l, model.bodies[b_hand_l].com_m), ++n;
    return g / n;
  }

  // How deep `p` lies inside her pregnant belly grown by `clearance_m`: the uterus is a
  // column of slabs, each an elliptical slab in its trunk body's frame (depth plus the
  // abdominal wall, width, over the slab's height and a little more, so that the slabs
  // overlap where the spine flexes between them); 0 outside.
  double into_abdomen_m(const Eigen::Vector3d& p, double clearance_m) const {
    constexpr double kOverlap_m = 0.01;
    double deepest = 0;
    for (const BodySolid& s : model.abdomen) {
      const Eigen::Isometry3d& frame = data.pose[s.body];
      const Eigen::Vector3d local = frame.linear().transpose() * (p - frame * s.centre_m);
      if (std::abs(local.y()) > s.semi_axes_m.y() + kOverlap_m) continue;
      // The slab's cross-section is an ellipse (depth, width): a point's depth inside it
      // along the radius, about (1 - normalised radius) times the smaller semi-axis.
      const double a = s.semi_axes_m.x(), c = s.semi_axes_m.z();
      const double rho = std::hypot(local.x() / a, local.z() / c);
      deepest = std::max(deepest, clearance_m + (1 - rho) * std::min(a, c));
    }
    return deepest;
  }

  // Her hands and thighs against her belly: the deepest overlap (m).
  double abdomen_overlap_m(const Eigen::Vector2d& grip_point) const {
    if (model.abdomen.empty()) return 0;
    double deepest = 0;
    if (asymmetric) {
      for (const auto& [hand, reaching] : {std::pair{b_hand_r, reach_r}, std::pair{b_hand_l, reach_l}})
        if (reaching) deepest = std::max(deepest, into_abdomen_m(world_point(data, hand, model.bodies[hand].com_m), kHandClearance_m));
    } else {
      // The hands meet at her midline.
      const double mid_z = 0.5 * (data.pose[b_thigh_r].translation().z() + data.pose[b_thigh_l].translation().z());
      deepest = into_abdomen_m(Eigen::Vector3d(grip_point.x(), grip_point.y(), mid_z), kHandClearance_m);
    }
    // Each thigh a cylinder of radius kThighFront_m, from mid-thigh to the knee: nearer the
    // hip the groin folds as it does without a pregnancy; soft tissue yields kSoftTissue_m.
    for (const auto& [thigh, shank] : {std::pair{b_thigh_r, b_shank_r}, std::pair{b_thigh_l, b_shank_l}}) {
      const Eigen::Vector3d hip = data.pose[thigh].translation(), knee = data.pose[shank].translation();
      for (double f : {0.5, 0.75, 1.0})
        deepest = std::max(deepest, into_abdomen_m(hip + f * (knee - hip), kThighFront_m - kSoftTissue_m));
    }
    return deepest;
  }

  struct Outcome {
    double hand_error_m = 0, margin_m = 0, cost = 0, abdomen_m = 0;
    Eigen::Vector2d grip;
    Eigen::VectorXd q;
  };

  // The constraints at their limit in a solution: what makes a step between neighbouring
  // weeks or sweep values larger than the body's own change.
  std::vector<std::string> limits(const Vec& x, const Outcome& out, const std::pair<double, double>& knee) const {
    constexpr double kTol_deg = 0.01;
    std::vector<std::string> found;
    if (x[0] > spine_limit_deg + kTol_deg) found.push_back("lumbar spine at its range");
    if (knee.second > knee.first && (x[1] >= knee.second - kTol_deg || (knee.first > 0 && x[1] <= knee.first + kTol_deg)))
      found.push_back(fmt::format("knee at the strategy's bound ({:g} deg)", x[1] >= knee.second - kTol_deg ? knee.second : knee.first));
    // The reaching arms (with both on a grip on her midline, mirror images: the right one).
    auto at = [&](int c, bool low) {
      const Coordinate& co = model.coordinates[c];
      return low ? out.q[c] <= co.min_rad + kTol_deg * kDeg : out.q[c] >= co.max_rad - kTol_deg * kDeg;
    };
    bool straight = false, elbow = false, shoulder = false;
    for (const auto& [reaching, sh, abd, el] : {std::tuple{reach_r, c_sh_r, c_abd_r, c_el_r}, std::tuple{reach_l && asymmetric, c_sh_l, c_abd_l, c_el_l}}) {
      if (!reaching) continue;
      straight |= at(el, true), elbow |= at(el, false);
      shoulder |= at(sh, true) || at(sh, false) || (asymmetric && (at(abd, true) || at(abd, false)));
    }
    if (straight) found.push_back(reach_r && reach_l ? "arms straight (full reach)" : "arm straight (full reach)");
    if (elbow) found.push_back("elbow at its range");
    if (shoulder) found.push_back("shoulder at its range");
    if (asymmetric && std::abs(x[3]) >= twist_limit_deg - kTol_deg) found.push_back("trunk twist at its range");
    if (out.margin_m < 0.02 + 1e-4) found.push_back("balance (centre of mass 2 cm from the edge of the feet)");
    if (out.abdomen_m > 1e-4) found.push_back("abdomen (hands or thighs against her belly)");
    return found;
  }

  Outcome evaluate(const Vec& x) {
    ++evaluations;
    Outcome out;
    out.q = coordinates(x);
    body_poses(model, data, out.q);
    double arm_prior = 0;
    if (asymmetric) {
      const Eigen::Vector3d goal = target3();
      arm_ik_3d(out.q, hand_goals(goal));
      balance(model, data, kneeling() ? Support::kneeling : Support::standing);
      const Eigen::Vector3d g = grip3();
      out.grip = g.head<2>();
      out.hand_error_m = (g - goal).norm();
      // The reaching arms' deviation from hanging (flexion in the ground frame, abduction,
      // elbow), averaged over them so that one and two hands cost alike.
      int n = 0;
      for (const auto& [reaching, sh, abd, el] : {std::tuple{reach_r, c_sh_r, c_abd_r, c_el_r}, std::tuple{reach_l, c_sh_l, c_abd_l, c_el_l}}) {
        if (!reaching) continue;
        const double f = (out.q[sh] / kDeg - x[0]) / kShoulderScale, a = (out.q[abd] - start_q[abd]) / kDeg / kShoulderScale;
        const double e = out.q[el] / kDeg / kElbowScale;
        arm_prior += f * f + a * a + e * e, ++n;
      }
      arm_prior /= n;
    } else {
      const Eigen::Vector2d goal = target();
      arm_ik(out.q, goal);
      balance(model, data, kneeling() ? Support::kneeling : Support::standing);
      out.grip = grip();
      out.hand_error_m = (out.grip - goal).norm();
      const double shoulder_deg = out.q[c_sh_r] / kDeg - x[0];  // from hanging, in the ground frame
      const double elbow_deg = out.q[c_el_r] / kDeg;
      arm_prior = (shoulder_deg / kShoulderScale) * (shoulder_deg / kShoulderScale) + (elbow_deg / kElbowScale) * (elbow_deg / kElbowScale);
    }
    out.margin_m = data.balance.margin_m;
    out.abdomen_m = abdomen_overlap_m(out.grip);
    const double trunk = x[0] / (x[0] < 0 ? kTrunkExtensionScale : kTrunkScale);
    double prior = trunk * trunk + arm_prior + (x[2] / kLeanScale) * (x[2] / kLeanScale) + (x[3] / kTwistScale) * (x[3] / kTwistScale);
    if (!kneeling()) prior += (x[1] / kKneeScale) * (x[1] / kKneeScale);
    const double balance_short = std::max(0.0, 0.02 - out.margin_m);  // keep 2 cm inside
    out.cost = prior + 1e8 * out.hand_error_m * out.hand_error_m + 1e8 * balance_short * balance_short +
               1e8 * out.abdomen_m * out.abdomen_m;
    if (!in_range(out.q)) out.cost += 1e12;
    return out;
  }
};

// Strategy bounds on the knee (deg) [E]: stoop keeps the knees nearly straight.
std::pair<double, double> knee_bounds(LiftStrategy s) {
  switch (s) {
    case LiftStrategy::stoop: return {0, 15};
    case LiftStrategy::semi_squat: return {30, 70};
    case LiftStrategy::squat: return {90, 140};
    case LiftStrategy::kneel: return {0, 0};  // the knee follows the thigh's lean
  }
  return {0, 140};
}

// Nelder-Mead simplex over the free variables (the knee is fixed when kneeling), with the
// knee clamped to the strategy's band. Written here: a three-variable derivative-free
// search is smaller than any packaged optimiser's setup (IPOPT needs derivatives).
Vec nelder_mead(Evaluator& ev, Vec start, const std::pair<double, double>& knee, double step, int max_evals) {
  std::vector<int> free;
  for (int i = 0; i < kN; ++i)
    if ((i != 1 || knee.second > knee.first) && (i != 3 || ev.asymmetric)) free.push_back(i);
  const int n = static_cast<int>(free.size());
  auto clamp = [&](Vec v) {
    v[1] = std::clamp(v[1], knee.first, knee.second);
    v[2] = std::clamp(v[2], -kMaxLean_deg, kMaxLean_deg);
    v[3] = std::clamp(v[3], -ev.twist_limit_deg, ev.twist_limit_deg);
    return v;
  };
  std::vector<Vec> simplex(n + 1);
  std::vector<double> f(n + 1);
  simplex[0] = clamp(start);
  for (int i = 0; i < n; ++i) {
    simplex[i + 1] = simplex[0];
    // Step into the band when the start sits on the knee's upper bound.
    const int k = free[i];
    simplex[i + 1][k] += k == 1 && simplex[0][1] + step > knee.second ? -step : step;
    simplex[i + 1] = clamp(simplex[i + 1]);
  }
  for (int i = 0; i <= n; ++i) f[i] = ev.evaluate(simplex[i]).cost;
  std::vector<int> order(n + 1);
  while (ev.evaluations < max_evals) {
    for (int i = 0; i <= n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](int a, int b) { return f[a] < f[b] || (f[a] == f[b] && a < b); });
    const int best = order[0], worst = order[n], second = order[n - 1];
    double size = 0;
    for (int i = 0; i <= n; ++i)
      for (int k : free) size = std::max(size, std::abs(simplex[i][k] - simplex[best][k]));
    if (size < 1e-3) break;  // deg: L5/S1 moves by well under 0.1 N over this
    Vec centroid{};
    for (int i = 0; i <= n; ++i)
      if (i != worst)
        for (int j = 0; j < kN; ++j) centroid[j] += simplex[i][j] / n;
    auto along = [&](double t) {
      Vec v;
      for (int j = 0; j < kN; ++j) v[j] = centroid[j] + t * (simplex[worst][j] - centroid[j]);
      return clamp(v);
    };
    const Vec reflected = along(-1);
    const double fr = ev.evaluate(reflected).cost;
    if (fr < f[best]) {
      const Vec expanded = along(-2);
      const double fe = ev.evaluate(expanded).cost;
      if (fe < fr) simplex[worst] = expanded, f[worst] = fe;
      else simplex[worst] = reflected, f[worst] = fr;
    } else if (fr < f[second]) {
      simplex[worst] = reflected, f[worst] = fr;
    } else {
      const Vec contracted = fr < f[worst] ? along(-0.5) : along(0.5);
      const double fc = ev.evaluate(contracted).cost;
      if (fc < std::min(fr, f[worst])) {
        simplex[worst] = contracted, f[worst] = fc;
      } else {
        for (int i = 0; i <= n; ++i)
          if (i != best) {
            for (int j = 0; j < kN; ++j) simplex[i][j] = simplex[best][j] + 0.5 * (simplex[i][j] - simplex[best][j]);
            simplex[i] = clamp(simplex[i]);
            f[i] = ev.evaluate(simplex[i]).cost;
          }
      }
    }
  }
  int best = 0;
  for (int i = 1; i <= n; ++i)
    if (f[i] < f[best]) best = i;
  return simplex[best];
}

}  // namespace

PredictionResult predict_posture(const Model& model, const Posture& base, const PredictionRequest& req,
                                 const std::array<double, 4>* warm_start) {
  const Support needed = req.strategy == LiftStrategy::kneel ? Support::kneeling : Support::standing;
  if (base.support != needed)
    throw InputError(req.file, req.line, "predict",
                     req.strategy == LiftStrategy::kneel ? "the kneel strategy needs support: kneeling"
                                                         : "posture prediction needs support: standing (or kneeling with the kneel strategy)");
  if (base.is_time_series()) throw InputError(req.file, req.line, "predict", "prediction gives one posture, not a time series");
  Evaluator ev(model, base, req);
  const auto knee = knee_bounds(req.strategy);
  Vec best{};
  if (warm_start) {
    // From the neighbouring stage's or value's solution: one local search.
    best = nelder_mead(ev, *warm_start, knee, 2, ev.evaluations + 600);
  } else {
    // Fixed starts keep the search deterministic and out of poor basins.
    double best_cost = INFINITY;
    // The third start, upright on bent knees, finds the posture that keeps a pregnant
    // belly off the thighs when the two bent-over starts are caught against it.
    // Off her midline she starts turned half-way towards the grip.
    const double twist = ev.asymmetric ? std::clamp(0.5 * std::atan2(ev.lateral_m(), std::max(0.1, req.hands_forward_m)) / kDeg,
                                                    -ev.twist_limit_deg, ev.twist_limit_deg)
                                       : 0.0;
    for (const Vec& start : {Vec{20, knee.first, 0, twist}, Vec{60, 0.5 * (knee.first + knee.second), 5, twist},
                             Vec{10, knee.second, 0, twist}}) {
      const Vec x = nelder_mead(ev, start, knee, 10, ev.evaluations + 600);
      const double c = ev.evaluate(x).cost;
      if (c < best_cost) best_cost = c, best = x;
    }
    // With the twist searched too, a simplex can stall where one variable (the legs' lean,
    // when the ankle is at its range) barely changes the cost: from the grip mirrored to her
    // other side it stopped at a cost 5 % higher. A fresh simplex from the best point is the
    // usual remedy.
    if (ev.asymmetric) {
      const Vec x = nelder_mead(ev, best, knee, 5, ev.evaluations + 600);
      if (ev.evaluate(x).cost < best_cost) best = x;
    }
  }
  const auto out = ev.evaluate(best);
  PredictionResult result;
  result.posture = base;
  result.posture.q_rad[0] = out.q;
  result.hand_error_m = out.hand_error_m;
  result.balance_margin_m = out.margin_m;
  result.solution_deg = best;
  result.limits = ev.limits(best, out, knee);
  // A refusal names where the nearest posture stopped: the constraints at their limit there.
  auto stopped_by = [&] {
    std::string text;
    for (const auto& l : result.limits) text += (text.empty() ? "" : "; ") + l;
    return text.empty() ? std::string() : " (stopped by: " + text + ")";
  };
  if (out.hand_error_m > 0.01) {
    const char* strategy = req.strategy == LiftStrategy::stoop   ? "stoop"
                           : req.strategy == LiftStrategy::squat ? "squat"
                           : req.strategy == LiftStrategy::kneel ? "kneel"
                                                                 : "semi-squat";
    const std::string who = req.hands == ReachingHands::both ? "the hands" : req.hands == ReachingHands::right ? "her right hand" : "her left hand";
    const std::string side = req.hands_lateral_m ? fmt::format(", {:.2f} m to her {}", std::abs(*req.hands_lateral_m),
                                                               *req.hands_lateral_m >= 0 ? "right" : "left")
                                                 : std::string();
    throw InputError(req.file, req.line, "predict.hands",
                     fmt::format("{} cannot reach {:.2f} m forward and {:.2f} m high{} with a {} strategy: the nearest grip is "
                                 "{:.0f} mm away{}",
                                 who, req.hands_forward_m, req.hands_height_m, side, strategy, 1000 * out.hand_error_m, stopped_by()));
  }
  if (out.margin_m < 0)
    throw InputError(req.file, req.line, "predict.balance",
                     fmt::format("no posture reaches the target with her centre of mass over her feet ({:.0f} mm outside){}",
                                 -1000 * out.margin_m, stopped_by()));
  // Gaze: the eyes take the first kEyeDepression_rad, head and neck flex for the rest.
  if (req.look_at_hands) {
    const int head = model.body_index("head");
    const int hr = model.rhythm_index("head_flexion");
    if (head >= 0 && hr >= 0) {
      // The search's workspace still holds the solved posture (its last evaluation).
      const Data& d = ev.data;
      const Eigen::Vector3d eye = world_point(d, head, model.bodies[head].com_m);
      const Eigen::Vector3d forward = d.pose[head].linear() * Eigen::Vector3d::UnitX();
      const double now = std::atan2(-forward.y(), forward.x());            // head pitch down, rad
      const double want = std::atan2(eye.y() - out.grip.y(), std::max(1e-3, out.grip.x() - eye.x()));
      const Rhythm& r = model.rhythms[hr];
      const double gaze = want - now;
      double flex = std::clamp(gaze > kEyeDepression_rad ? gaze - kEyeDepression_rad : std::min(gaze, 0.0), r.min_rad, r.max_rad);
      if (flex > 0 && now + flex > kMaxHeadPitch_rad) {
        flex = std::max(0.0, kMaxHeadPitch_rad - now);
        result.limits.push_back("head tilted 45 deg (the eyes look down the rest)");
      }
      for (const auto& [c, ratio] : r.ratios)
        flex = std::clamp(flex, model.coordinates[c].min_rad / ratio, model.coordinates[c].max_rad / ratio);
      for (const auto& [c, ratio] : r.ratios) result.posture.q_rad[0][c] += ratio * flex;
    }
  }
  result.evaluations = ev.evaluations;
  return result;
}

Posture resolve_prediction(const Model& model, const Posture& posture) {
  if (!posture.prediction) return posture;
  const PredictionRequest& req = *posture.prediction;
  PredictionResult solved = predict_posture(model, posture, req);
  Posture predicted = std::move(solved.posture);
  predicted.prediction_limits = std::move(solved.limits);
  if (req.duration_s > 0) {
    // The motion ends upright-ish with the grip at the destination (stoop strategy: knees
    // straight) and runs between the two predicted key postures.
    PredictionRequest end = req;
    end.hands_forward_m = req.to_forward_m;
    end.hands_height_m = req.to_height_m;
    end.hands_lateral_m = req.to_lateral_m;
    end.strategy = LiftStrategy::stoop;
    const Posture last = predict_posture(model, posture, end).posture;
    set_keyframe_motion(predicted, {predicted.q_rad[0], last.q_rad[0]}, {req.duration_s}, 30);
  }
  predicted.prediction.reset();
  return predicted;
}

}  // namespace spineload
