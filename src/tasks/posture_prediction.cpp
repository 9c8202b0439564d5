#include "tasks/posture_prediction.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <numbers>

#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "model/data.hpp"

namespace spineload {

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;
// Trunk flexion, knee flexion, shoulder flexion (from hanging), elbow flexion, and the lean
// of the legs that moves the hips back over the feet (deg).
constexpr int kN = 5;
using Vec = std::array<double, kN>;

// Comfortable-range scales of the prior [E]: a deviation of one scale costs 1. Each is
// about half the joint's range of motion in that direction, so trunk extension (range about
// 30 deg against 90 of flexion) costs three times as much per degree as flexion.
constexpr Vec kScale{45, 60, 60, 60, 15};
constexpr double kTrunkExtensionScale = 15;
// The eyes look down this far below the head's forward axis before the head and neck flex
// [U]: the normal line of sight lies about 15 deg below the horizontal with the head erect
// (display-ergonomics guidance, e.g. ISO 9241-5, recalled). Without it the neck alone aimed
// the gaze and looking at the floor flexed it past its range.
constexpr double kEyeDepression_rad = 15 * kDeg;

struct Evaluator {
  const Model& model;
  const Posture& base;
  const PredictionRequest& req;
  Data data;
  int c_trunk_rhythm, c_knee_r, c_knee_l, c_hip_r, c_hip_l, c_ankle_r, c_ankle_l, c_sh_r, c_sh_l, c_el_r, c_el_l;
  int b_hand_r, b_hand_l, b_foot_r, b_foot_l, b_shank_r, b_shank_l;
  int c_pelvis_tilt = -1;
  double spine_limit_deg = INFINITY;
  int evaluations = 0;

  Evaluator(const Model& m, const Posture& p, const PredictionRequest& r) : model(m), base(p), req(r), data(m) {
    auto coord = [&](const char* n) {
      const int c = m.coordinate_index(n);
      if (c < 0) throw InputError("", 0, "predict", std::string("the model has no coordinate ") + n);
      return c;
    };
    c_trunk_rhythm = m.rhythm_index("trunk_flexion");
    if (c_trunk_rhythm < 0) throw InputError("", 0, "predict", "the model has no trunk_flexion rhythm");
    c_knee_r = coord("knee_r_flexion"), c_knee_l = coord("knee_l_flexion");
    c_hip_r = coord("hip_r_flexion"), c_hip_l = coord("hip_l_flexion");
    c_ankle_r = coord("ankle_r_dorsiflexion"), c_ankle_l = coord("ankle_l_dorsiflexion");
    c_sh_r = coord("shoulder_r_flexion"), c_sh_l = coord("shoulder_l_flexion");
    c_el_r = coord("elbow_r_flexion"), c_el_l = coord("elbow_l_flexion");
    b_hand_r = m.body_index("hand_r"), b_hand_l = m.body_index("hand_l");
    b_foot_r = m.body_index("foot_r"), b_foot_l = m.body_index("foot_l");
    b_shank_r = m.body_index("shank_r"), b_shank_l = m.body_index("shank_l");
    c_pelvis_tilt = m.coordinate_index("pelvis_tilt");
    // The trunk inclination at which the first spinal level of the rhythm reaches its range.
    spine_limit_deg = INFINITY;
    for (const auto& [c, ratio] : m.rhythms[c_trunk_rhythm].ratios)
      if (!pelvis_or_hip(c) && ratio > 0)
        spine_limit_deg = std::min(spine_limit_deg, (m.coordinates[c].max_rad - p.q_rad[0][c]) / (ratio * kDeg));
  }

  bool pelvis_or_hip(int c) const { return c == c_pelvis_tilt || c == c_hip_r || c == c_hip_l; }

  // Thigh inclination per degree of knee flexion: the knee bends, the thigh and shank share
  // it so the feet stay flat and the hips stay over them [E].
  double thigh_share() const { return 0.5; }

  Eigen::VectorXd coordinates(const Vec& x) const {
    Eigen::VectorXd q = base.q_rad[0];
    // Trunk inclination x[0] is shared by the rhythm until a spinal level reaches its range;
    // beyond, the hips flex alone (the pelvis tilts further), as in a deep stoop where the
    // lumbar spine is near its end of range and the hips give the rest [E].
    const Rhythm& r = model.rhythms[c_trunk_rhythm];
    const double spine = std::min(x[0], spine_limit_deg), beyond = x[0] - spine;
    for (const auto& [c, ratio] : r.ratios) q[c] += (ratio * spine + (pelvis_or_hip(c) ? beyond : 0.0)) * kDeg;
    if (req.strategy == LiftStrategy::kneel) {
      // Kneeling: shins on the floor, so the knee bends 90 deg plus the thigh's lean
      // (x[4], hips ahead of the knees when positive); toes on the floor behind [E].
      for (int c : {c_hip_r, c_hip_l}) q[c] += x[4] * kDeg;
      for (int c : {c_knee_r, c_knee_l}) q[c] = (90 + x[4]) * kDeg;
      for (int c : {c_ankle_r, c_ankle_l}) q[c] = -45 * kDeg;
      for (int c : {c_sh_r, c_sh_l}) q[c] = (x[2] + x[0]) * kDeg;
      for (int c : {c_el_r, c_el_l}) q[c] = x[3] * kDeg;
      return q;
    }
    // The shank leans forward by half the knee flexion, as far as the ankle allows, and the
    // thigh takes the rest, so the feet stay flat; the leg lean turns thigh and shank
    // forward together (hips back over the feet).
    const double ankle_max = std::min(model.coordinates[c_ankle_r].max_rad, model.coordinates[c_ankle_l].max_rad) / kDeg - 1;
    const double shank = std::min(thigh_share() * x[1], ankle_max + x[4]);
    const double thigh = x[1] - shank + x[4];
    for (int c : {c_hip_r, c_hip_l}) q[c] += thigh * kDeg;
    for (int c : {c_knee_r, c_knee_l}) q[c] = x[1] * kDeg;
    for (int c : {c_ankle_r, c_ankle_l}) q[c] = (x[1] - thigh) * kDeg;  // foot flat on the floor
    // Arms: shoulder flexion measured from hanging in the ground frame, so add the trunk's.
    for (int c : {c_sh_r, c_sh_l}) q[c] = (x[2] + x[0]) * kDeg;
    for (int c : {c_el_r, c_el_l}) q[c] = x[3] * kDeg;
    return q;
  }

  bool in_range(const Eigen::VectorXd& q) const {
    for (std::size_t c = 0; c < model.coordinates.size(); ++c)
      if (q[c] < model.coordinates[c].min_rad - 1e-12 || q[c] > model.coordinates[c].max_rad + 1e-12) return false;
    return true;
  }

  struct Outcome {
    double hand_error_m, margin_m, cost;
    Eigen::Vector3d grip;
  };

  Outcome evaluate(const Vec& x) {
    ++evaluations;
    const Eigen::VectorXd q = coordinates(x);
    const Eigen::VectorXd zero = Eigen::VectorXd::Zero(q.size());
    forward_kinematics(model, data, q, zero);
    const Support support = req.strategy == LiftStrategy::kneel ? Support::kneeling : Support::standing;
    balance(model, data, support);
    const Eigen::Vector3d grip = 0.5 * (world_point(data, b_hand_r, model.bodies[b_hand_r].com_m) +
                                        world_point(data, b_hand_l, model.bodies[b_hand_l].com_m));
    // Distances are measured from the ankles standing, from the knees kneeling; the floor is
    // the lowest support point.
    const bool kneel = req.strategy == LiftStrategy::kneel;
    const int ref_r = kneel ? b_shank_r : b_foot_r, ref_l = kneel ? b_shank_l : b_foot_l;
    const Eigen::Vector3d ankles = 0.5 * (data.pose[ref_r].translation() + data.pose[ref_l].translation());
    double floor = INFINITY;
    for (const auto& p : model.support_points(support)) floor = std::min(floor, world_point(data, p.body, p.location_m).y());
    const Eigen::Vector2d target(ankles.x() + req.hands_forward_m, floor + req.hands_height_m);
    const double err = (Eigen::Vector2d(grip.x(), grip.y()) - target).norm();
    double prior = 0;
    for (int i = 0; i < kN; ++i) {
      const double scale = i == 0 && x[0] < 0 ? kTrunkExtensionScale : kScale[i];
      prior += (x[i] / scale) * (x[i] / scale);
    }
    const double balance_short = std::max(0.0, 0.02 - data.balance.margin_m);  // keep 2 cm inside
    double cost = 1e4 * err * err / 1e-4 + prior + 1e4 * balance_short * balance_short / 1e-4;
    if (!in_range(q)) cost += 1e12;
    return {err, data.balance.margin_m, cost, grip};
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

// Nelder-Mead simplex with the knee clamped to the strategy's band.
Vec nelder_mead(Evaluator& ev, Vec start, const std::pair<double, double>& knee, int max_evals) {
  auto clamp = [&](Vec v) {
    v[1] = std::clamp(v[1], knee.first, knee.second);
    return v;
  };
  std::array<Vec, kN + 1> simplex;
  std::array<double, kN + 1> f;
  simplex[0] = clamp(start);
  for (int i = 0; i < kN; ++i) {
    simplex[i + 1] = simplex[0];
    simplex[i + 1][i] += 10;
    simplex[i + 1] = clamp(simplex[i + 1]);
  }
  for (int i = 0; i <= kN; ++i) f[i] = ev.evaluate(simplex[i]).cost;
  while (ev.evaluations < max_evals) {
    std::array<int, kN + 1> order;
    for (int i = 0; i <= kN; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](int a, int b) { return f[a] < f[b] || (f[a] == f[b] && a < b); });
    const int best = order[0], worst = order[kN], second = order[kN - 1];
    if (std::abs(f[worst] - f[best]) < 1e-10 * (1 + std::abs(f[best]))) break;
    Vec centroid{};
    for (int i = 0; i <= kN; ++i)
      if (i != worst)
        for (int j = 0; j < kN; ++j) centroid[j] += simplex[i][j] / kN;
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
        for (int i = 0; i <= kN; ++i)
          if (i != best) {
            for (int j = 0; j < kN; ++j) simplex[i][j] = simplex[best][j] + 0.5 * (simplex[i][j] - simplex[best][j]);
            simplex[i] = clamp(simplex[i]);
            f[i] = ev.evaluate(simplex[i]).cost;
          }
      }
    }
  }
  int best = 0;
  for (int i = 1; i <= kN; ++i)
    if (f[i] < f[best]) best = i;
  return simplex[best];
}

}  // namespace

PredictionResult predict_posture(const Model& model, const Posture& base, const PredictionRequest& req) {
  const Support needed = req.strategy == LiftStrategy::kneel ? Support::kneeling : Support::standing;
  if (base.support != needed)
    throw InputError(req.file, req.line, "predict",
                     req.strategy == LiftStrategy::kneel ? "the kneel strategy needs support: kneeling"
                                                         : "posture prediction needs support: standing (or kneeling with the kneel strategy)");
  if (base.is_time_series()) throw InputError(req.file, req.line, "predict", "prediction gives one posture, not a time series");
  Evaluator ev(model, base, req);
  const auto knee = knee_bounds(req.strategy);
  // Restarts from a few fixed starts keep the search deterministic and out of poor basins.
  Vec best{};
  double best_cost = INFINITY;
  for (const Vec& start : {Vec{20, knee.first, 30, 30, 0}, Vec{50, 0.5 * (knee.first + knee.second), 10, 10, 5},
                           Vec{5, knee.second, 60, 60, 0}}) {
    Vec x = nelder_mead(ev, start, knee, ev.evaluations + 1500);
    x = nelder_mead(ev, x, knee, ev.evaluations + 800);  // restart at the optimum to escape collapse
    const double c = ev.evaluate(x).cost;
    if (c < best_cost) best_cost = c, best = x;
  }
  const auto out = ev.evaluate(best);
  PredictionResult result;
  result.posture = base;
  result.posture.q_rad[0] = ev.coordinates(best);
  result.hand_error_m = out.hand_error_m;
  result.balance_margin_m = out.margin_m;
  if (out.hand_error_m > 0.01)
    throw InputError(req.file, req.line, "predict.hands",
                     fmt::format("the hands cannot reach {:.2f} m forward and {:.2f} m high with a {} strategy: the "
                                 "nearest grip is {:.0f} mm away",
                                 req.hands_forward_m, req.hands_height_m,
                                 req.strategy == LiftStrategy::stoop        ? "stoop"
                                 : req.strategy == LiftStrategy::squat      ? "squat"
                                 : req.strategy == LiftStrategy::kneel      ? "kneel"
                                                                            : "semi-squat",
                                 1000 * out.hand_error_m));
  if (out.margin_m < 0)
    throw InputError(req.file, req.line, "predict.balance",
                     fmt::format("no posture reaches the target with her centre of mass over her feet ({:.0f} mm outside)",
                                 -1000 * out.margin_m));
  // Gaze: the eyes take the first kEyeDepression_rad, head and neck flex for the rest.
  if (req.look_at_hands) {
    const int head = model.body_index("head");
    const int hr = model.rhythm_index("head_flexion");
    if (head >= 0 && hr >= 0) {
      Data d(model);
      const Eigen::VectorXd zero = Eigen::VectorXd::Zero(result.posture.q_rad[0].size());
      forward_kinematics(model, d, result.posture.q_rad[0], zero);
      const Eigen::Vector3d eye = world_point(d, head, model.bodies[head].com_m);
      const Eigen::Vector3d forward = d.pose[head].linear() * Eigen::Vector3d::UnitX();
      const double now = std::atan2(-forward.y(), forward.x());            // head pitch down, rad
      const double want = std::atan2(eye.y() - out.grip.y(), std::max(1e-3, out.grip.x() - eye.x()));
      const Rhythm& r = model.rhythms[hr];
      const double gaze = want - now;
      double flex = std::clamp(gaze > kEyeDepression_rad ? gaze - kEyeDepression_rad : std::min(gaze, 0.0), r.min_rad, r.max_rad);
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
  Posture predicted = predict_posture(model, posture, req).posture;
  if (req.duration_s > 0) {
    // The motion ends upright-ish with the grip at the destination (stoop strategy: knees
    // straight) and runs between the two predicted key postures.
    PredictionRequest end = req;
    end.hands_forward_m = req.to_forward_m;
    end.hands_height_m = req.to_height_m;
    end.strategy = LiftStrategy::stoop;
    const Posture last = predict_posture(model, posture, end).posture;
    set_keyframe_motion(predicted, {predicted.q_rad[0], last.q_rad[0]}, {req.duration_s}, 30);
  }
  predicted.prediction.reset();
  return predicted;
}

}  // namespace spineload
