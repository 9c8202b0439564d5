#include "analysis/analyze.hpp"

#include "analysis/spline.hpp"
#include "dynamics/dynamics.hpp"
#include "loads/disc_loads.hpp"
#include "muscles/muscle_geometry.hpp"
#include "muscles/passive_tissues.hpp"

namespace spineload {

void analyze_frame(const Model& model, Data& data, const Posture& posture,
                   const Eigen::VectorXd& q, const Eigen::VectorXd& qdot,
                   const Eigen::VectorXd& qddot, const RecruitmentOptions& options, std::optional<Support> support,
                   const Eigen::Vector3d& root_acceleration_m_s2) {
  forward_kinematics(model, data, q, qdot);
  apply_loads(model, data, posture.loads, root_acceleration_m_s2);
  data.contacts = touching_contacts(posture.contacts, data.pose);
  data.contact_force_N = Eigen::VectorXd::Zero(static_cast<int>(posture.contacts.size()));
  inverse_dynamics(model, data, qddot);
  passive_moments(model, data);
  muscle_geometry(model, data);
  passive_tissues(model, data);
  recruit_muscles(model, data, options);
  disc_loads(model, data);
  balance(model, data, support.value_or(posture.support));
}

namespace {

FrameResult snapshot(const Data& data, double t, Support support) {
  FrameResult f;
  f.time_s = t;
  f.tau_Nm = data.tau_Nm;
  f.passive_Nm = data.passive_Nm;
  f.activation = data.activation;
  f.force_N = data.force_N;
  f.muscle_passive_force_N = data.muscle_passive_force_N;
  f.passive_element_force_N = data.passive_element_force_N;
  f.reserve_Nm = data.reserve_Nm;
  f.contact_force_N = data.contact_force_N;
  f.actuator_control = data.actuator_control;
  f.disc = data.disc;
  f.balance = data.balance;
  f.support = support;
  f.status = data.status;
  f.objective = data.objective;
  f.solver_iterations = data.solver_iterations;
  f.abdominal_column_kPa = data.abdominal_column_kPa;
  f.abdominal_head_kPa = data.abdominal_head_kPa;
  return f;
}

void check_finite(const FrameResult& f, const std::string& name) {
  bool ok = f.tau_Nm.allFinite() && f.force_N.allFinite() && f.reserve_Nm.allFinite() && f.actuator_control.allFinite() &&
            f.balance.com_m.allFinite();
  for (const auto& d : f.disc)
    ok = ok && std::isfinite(d.compression_N) && std::isfinite(d.shear_ap_N) &&
         std::isfinite(d.shear_lateral_N) && std::isfinite(d.flexion_moment_Nm) &&
         std::isfinite(d.lateral_moment_Nm) && std::isfinite(d.torsion_moment_Nm);
  if (!ok)
    throw NumericalError("posture '" + name + "' at t = " + std::to_string(f.time_s) +
                         " s produced a non-finite result; no output was written");
}

}  // namespace

PostureResult analyze_posture(const Model& model, Data& data, const Posture& posture,
                              const RecruitmentOptions& options) {
  PostureResult result;
  result.name = posture.name;
  result.description = posture.description;
  result.support = posture.support;
  result.held_mass_kg = posture.held_mass_kg;
  result.prediction_limits = posture.prediction_limits;
  for (const auto& c : posture.contacts) {
    result.contact_labels.push_back(c.label);
    result.contact_points_m.push_back(c.point_m);
  }
  const int nc = static_cast<int>(model.coordinates.size());
  // A cold start keeps the buffer (no allocation), marked unusable.
  data.warm_start_valid = options.warm_start != nullptr;
  data.warm_start_foreign = data.warm_start_valid;
  if (options.warm_start) data.dual_warm_start = *options.warm_start;
  const std::size_t n = posture.time_s.size();
  if ((!posture.qdot_rad_s.empty() && (posture.qdot_rad_s.size() != n || posture.qddot_rad_s2.size() != n)) ||
      (!posture.root_acceleration_m_s2.empty() && posture.root_acceleration_m_s2.size() != n))
    throw std::logic_error("posture '" + posture.name + "': rates or root accelerations not given for every frame");
  auto frame = [&](std::size_t k, const Eigen::VectorXd& q, const Eigen::VectorXd& qd, const Eigen::VectorXd& qdd) {
    const Eigen::Vector3d root =
        posture.root_acceleration_m_s2.empty() ? Eigen::Vector3d::Zero() : posture.root_acceleration_m_s2[k];
    analyze_frame(model, data, posture, q, qd, qdd, options, posture.support_at(k), root);
    result.frames.push_back(snapshot(data, posture.time_s[k], posture.support_at(k)));
    result.frames.back().q_rad = q;
    check_finite(result.frames.back(), posture.name);
  };
  if (!posture.is_time_series()) {
    const Eigen::VectorXd zero = Eigen::VectorXd::Zero(nc);
    frame(0, posture.q_rad[0], zero, zero);
    return result;
  }
  if (!posture.qdot_rad_s.empty()) {  // the motion knows its own rates
    for (std::size_t k = 0; k < n; ++k) frame(k, posture.q_rad[k], posture.qdot_rad_s[k], posture.qddot_rad_s2[k]);
    return result;
  }
  // Rates and accelerations from a natural cubic spline of each coordinate, smoothed when
  // the posture asks for it (the cut-off uses the mean frame interval).
  const double dt = (posture.time_s.back() - posture.time_s.front()) / (posture.time_s.size() - 1);
  const double lambda = posture.smoothing_hz > 0 ? smoothing_lambda(posture.smoothing_hz, dt) : 0.0;
  std::vector<CubicSpline> splines;
  for (int c = 0; c < nc; ++c) {
    std::vector<double> y;
    for (const auto& q : posture.q_rad) y.push_back(q[c]);
    splines.emplace_back(posture.time_s, smoothing_spline_values(posture.time_s, y, lambda));
  }
  Eigen::VectorXd q(nc), qd(nc), qdd(nc);
  for (std::size_t k = 0; k < n; ++k) {
    const double t = posture.time_s[k];
    for (int c = 0; c < nc; ++c) {
      q[c] = splines[c].value(t);
      qd[c] = splines[c].first_derivative(t);
      qdd[c] = splines[c].second_derivative(t);
    }
    frame(k, q, qd, qdd);
  }
  return result;
}

std::size_t peak_l5s1_frame(const PostureResult& result) {
  std::size_t peak = 0;
  for (std::size_t k = 0; k < result.frames.size(); ++k)
    if (result.frames[k].disc.front().compression_N > result.frames[peak].disc.front().compression_N) peak = k;
  return peak;
}

double intra_abdominal_pressure_kPa(const Model& model, const FrameResult& frame) {
  if (model.abdominal_pressure_muscle < 0 || model.abdominal_pressure_area_m2 <= 0) return 0;
  return model.abdominal_pressure_kPa(frame.force_N[model.abdominal_pressure_muscle]) + frame.abdominal_head_kPa;
}

std::vector<JointTorque> joint_torques(const Model& model, const FrameResult& frame) {
  std::vector<JointTorque> out;
  for (std::size_t a = 0; a < model.actuators.size(); ++a) {
    const Actuator& act = model.actuators[a];
    if (act.kind != Actuator::Kind::coordinate) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const JointTorque& t) { return t.coordinate == act.coordinate; });
    if (it == out.end()) it = out.insert(out.end(), JointTorque{act.coordinate});
    if (static_cast<Eigen::Index>(a) < frame.actuator_control.size()) it->torque_Nm += frame.actuator_control[a] * act.optimal_force;
  }
  for (JointTorque& t : out)
    for (const Actuator& act : model.actuators)
      if (act.kind == Actuator::Kind::coordinate && act.coordinate == t.coordinate)
        t.strength_Nm += std::abs(act.optimal_force) * std::max(0.0, t.torque_Nm >= 0 ? act.max_control : -act.min_control);
  return out;
}

bool beyond_muscle_capacity(const PostureResult& result) {
  for (const FrameResult& f : result.frames)
    if (f.status != RecruitmentStatus::ok) return true;
  return false;
}

}  // namespace spineload
