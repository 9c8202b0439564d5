#include "interop/opensim_tools.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "analysis/filter.hpp"
#include "analysis/spline.hpp"
#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "model/data.hpp"
#include "multibody/system.hpp"
#include "muscles/fibre.hpp"
#include "muscles/muscle_geometry.hpp"
#include "muscles/passive_tissues.hpp"

namespace spineload {

namespace {

// OpenSim's Storage::lowpassIIR resamples unevenly spaced rows at the smallest time step
// before it filters (with a fifth-degree GCV spline; here a cubic interpolating spline),
// and the tools then run at the resampled times.
Storage resampled_evenly(const Storage& in, const std::string& file, std::vector<std::string>& warnings) {
  double dt_min = INFINITY;
  for (std::size_t i = 1; i < in.time_s.size(); ++i) dt_min = std::min(dt_min, in.time_s[i] - in.time_s[i - 1]);
  const double t0 = in.time_s.front(), t1 = in.time_s.back();
  // Checked as a double before it becomes a count (found by fuzzing: a time of 1e43 after
  // steps of 0.1 s overflowed the conversion).
  const double frames = std::floor((t1 - t0) / dt_min + 1e-9) + 1;
  if (!(frames <= 1e6))
    throw InputError(file, 0, "time",
                     fmt::format("resampling at the smallest step ({:g} s) from {:g} to {:g} s would give {:g} frames (at most "
                                 "1,000,000): the time steps are too uneven to filter",
                                 dt_min, t0, t1, frames));
  const auto n = static_cast<std::size_t>(frames);
  Storage out = in;
  out.time_s.resize(n);
  out.row_line.assign(n, 0);
  for (std::size_t k = 0; k < n; ++k) out.time_s[k] = t0 + static_cast<double>(k) * dt_min;
  out.data.resize(static_cast<Eigen::Index>(n), in.data.cols());
  for (Eigen::Index c = 0; c < in.data.cols(); ++c) {
    const Eigen::VectorXd col = in.data.col(c);
    const CubicSpline spline(in.time_s, std::vector<double>(col.data(), col.data() + col.size()));
    for (std::size_t k = 0; k < n; ++k) out.data(static_cast<Eigen::Index>(k), c) = spline.value(out.time_s[k]);
  }
  warnings.push_back(fmt::format("{}: time steps are uneven (mean {:.6g} s); resampled at the smallest step, {:.6g} s "
                                 "({} frames), before filtering, as OpenSim does",
                                 file, (t1 - t0) / static_cast<double>(in.time_s.size() - 1), dt_min, n));
  return out;
}

}  // namespace

Motion motion_from_storage(const Model& model, const Storage& given, const MotionOptions& o, const std::string& file) {
  const int nc = static_cast<int>(model.coordinates.size());
  Motion m;
  Storage ordered = given;  // a table read from a file is in time order already; one built in memory may not be
  sort_by_time(ordered, file);
  m.warnings = ordered.warnings;
  if (ordered.time_s.size() >= 4 && o.lowpass_hz > 0) {
    const double mean_dt = (ordered.time_s.back() - ordered.time_s.front()) / static_cast<double>(ordered.time_s.size() - 1);
    bool even = true;
    for (std::size_t i = 1; i < ordered.time_s.size(); ++i)
      even = even && std::abs(ordered.time_s[i] - ordered.time_s[i - 1] - mean_dt) <= 1e-6 * std::max(1.0, mean_dt) + 1e-9;
    if (!even) ordered = resampled_evenly(ordered, file, m.warnings);
  }
  const Storage& st = ordered;
  const std::size_t nt = st.time_s.size();
  if (nt < 4) throw InputError(file, 0, "rows", "a motion needs at least four frames");
  const bool degrees = st.in_degrees.value_or(o.degrees_when_unstated);
  const double to_rad = std::numbers::pi / 180;
  std::vector<int> value_col(nc, -1), speed_col(nc, -1);
  for (std::size_t k = 0; k < st.labels.size(); ++k) {
    const std::string& label = st.labels[k];
    const std::string coord = coordinate_of_label(label);
    int c = model.coordinate_index(coord);
    if (c >= 0) {
      value_col[c] = static_cast<int>(k);
      continue;
    }
    // Speeds: "<coordinate>_u" (SIMM-era states) or ".../<coordinate>/speed" (OpenSim 4).
    std::string speed;
    if (label.size() > 2 && label.compare(label.size() - 2, 2, "_u") == 0) speed = label.substr(0, label.size() - 2);
    else if (label.size() > 6 && label.compare(label.size() - 6, 6, "/speed") == 0) {
      const std::string head = label.substr(0, label.size() - 6);
      speed = head.substr(head.find_last_of('/') + 1);
    }
    c = model.coordinate_index(speed);
    if (c >= 0) speed_col[c] = static_cast<int>(k);
  }
  for (int c = 0; c < nc; ++c)
    if (value_col[c] < 0 && std::none_of(model.couplers.begin(), model.couplers.end(),
                                         [&](const CoordinateCoupler& k) { return k.dependent == c; }))
      m.missing.push_back(model.coordinates[c].name);
  if (static_cast<int>(m.missing.size()) == nc)
    throw InputError(file, 0, "labels", "no column names a coordinate of model '" + model.name + "'");
  m.speeds_from_file =
      o.speeds_from_columns && std::all_of(speed_col.begin(), speed_col.end(), [](int k) { return k >= 0; });

  // Checked at the boundary, before anything reaches Simbody: times strictly increasing
  // (rates come from a spline through them), values within the coordinate's range widened by
  // a full turn for rotations and a kilometre for translations. OpenSim's tools accept values
  // outside the ranges (only clamped coordinates are held, and only in forward tools), so
  // the leniency keeps every real recording; what it refuses is no posture at all.
  const auto line_of_row = [&](std::size_t i) { return i < st.row_line.size() ? st.row_line[i] : 0; };
  for (std::size_t i = 1; i < nt; ++i)
    if (!(st.time_s[i] > st.time_s[i - 1]))
      throw InputError(file, line_of_row(i), "time",
                       fmt::format("{} s does not follow the previous row's {} s: a motion's times must increase", st.time_s[i],
                                   st.time_s[i - 1]));
  for (int c = 0; c < nc; ++c) {
    if (value_col[c] < 0) continue;
    const Coordinate& coord = model.coordinates[c];
    const double scale = degrees && !coord.translational ? to_rad : 1.0;
    const double slack = coord.translational ? 1000.0 : 2 * std::numbers::pi;
    const double lo = std::min(coord.min_rad, coord.max_rad) - slack, hi = std::max(coord.min_rad, coord.max_rad) + slack;
    for (std::size_t i = 0; i < nt; ++i) {
      const double v = scale * st.data(static_cast<int>(i), value_col[c]);
      if (v < lo || v > hi)
        throw InputError(file, line_of_row(i), st.labels[static_cast<std::size_t>(value_col[c])],
                         fmt::format("{:.6g} {} is no posture of '{}' (range {:.4g} to {:.4g} {}, accepted to a {} beyond)",
                                     st.data(static_cast<int>(i), value_col[c]),
                                     coord.translational ? "m" : (degrees ? "deg" : "rad"), coord.name,
                                     coord.min_rad / scale, coord.max_rad / scale,
                                     coord.translational ? "m" : (degrees ? "deg" : "rad"),
                                     coord.translational ? "kilometre" : "full turn"));
    }
  }
  if (m.speeds_from_file)
    for (int c = 0; c < nc; ++c)
      for (std::size_t i = 0; i < nt; ++i) {
        const double u = st.data(static_cast<int>(i), speed_col[c]);
        if (!(std::abs(u) <= 1e4))  // per second: no limb turns or slides faster
          throw InputError(file, line_of_row(i), st.labels[static_cast<std::size_t>(speed_col[c])],
                           fmt::format("speed {} is no motion of '{}'", u, model.coordinates[c].name));
      }
  const double dt = (st.time_s.back() - st.time_s.front()) / static_cast<double>(nt - 1);
  // Per coordinate: values (radians or metres), filtered when asked, splined for rates.
  std::vector<CubicSpline> q_spline, u_spline;
  std::vector<double> t_pad;
  for (int c = 0; c < nc; ++c) {
    const Coordinate& coord = model.coordinates[c];
    const double scale = degrees && !coord.translational ? to_rad : 1.0;
    std::vector<double> y(nt, coord.default_value);
    if (value_col[c] >= 0)
      for (std::size_t i = 0; i < nt; ++i) y[i] = scale * st.data(static_cast<int>(i), value_col[c]);
    std::vector<double> t = st.time_s;
    if (o.lowpass_hz > 0) {
      std::size_t pad = 0;
      try {
        y = lowpass_padded(y, dt, o.lowpass_hz, pad);
      } catch (const std::invalid_argument& e) {
        throw InputError(file, 0, "lowpass_cutoff_frequency_for_coordinates", e.what());
      }
      t.resize(y.size());
      for (std::size_t i = 0; i < y.size(); ++i)
        t[i] = st.time_s.front() + (static_cast<double>(i) - static_cast<double>(pad)) * dt;
    }
    q_spline.emplace_back(t, y);
    if (m.speeds_from_file) {
      std::vector<double> u(nt);
      for (std::size_t i = 0; i < nt; ++i) u[i] = scale * st.data(static_cast<int>(i), speed_col[c]);
      u_spline.emplace_back(st.time_s, u);
    }
  }
  for (std::size_t i = 0; i < nt; ++i) {
    const double t = st.time_s[i];
    if (t < o.start_s - 1e-9 || t > o.end_s + 1e-9) continue;
    Eigen::VectorXd q(nc), qd(nc), qdd(nc);
    for (int c = 0; c < nc; ++c) {
      q[c] = q_spline[c].value(t);
      qd[c] = m.speeds_from_file ? u_spline[c].value(t) : q_spline[c].first_derivative(t);
      qdd[c] = m.speeds_from_file ? u_spline[c].first_derivative(t) : q_spline[c].second_derivative(t);
    }
    // A coupled coordinate the file does not give follows its independent ones: its rate
    // the gradient times theirs, its acceleration that plus their rates through the Hessian.
    for (const CoordinateCoupler& cp : model.couplers) {
      if (value_col[cp.dependent] >= 0) continue;
      const std::vector<double> x = cp.arguments(q);
      const int n = cp.function->num_arguments();
      q[cp.dependent] = cp.function->value(x.data());
      qd[cp.dependent] = qdd[cp.dependent] = 0;
      for (int r = 0; r < n; ++r) {
        const int a = cp.independents[r];
        const double gr = cp.function->derivative({r}, x.data());
        qd[cp.dependent] += gr * qd[a];
        qdd[cp.dependent] += gr * qdd[a];
        for (int s = 0; s < n; ++s) qdd[cp.dependent] += cp.function->derivative({r, s}, x.data()) * qd[a] * qd[cp.independents[s]];
      }
    }
    m.time_s.push_back(t);
    m.q.push_back(q);
    m.qdot.push_back(qd);
    m.qddot.push_back(qdd);
  }
  if (m.time_s.empty()) throw InputError(file, 0, "time", "no frames inside the requested time range");
  return m;
}

Storage inverse_dynamics_table(const Model& model, const Motion& motion, const ExternalLoadsSpec* loads) {
  Storage out;
  out.name = "Inverse Dynamics";
  out.in_degrees = false;
  for (const auto& c : model.coordinates) out.labels.push_back(c.name + (c.translational ? "_force" : "_moment"));
  out.time_s = motion.time_s;
  out.data.resize(static_cast<int>(motion.time_s.size()), static_cast<int>(model.coordinates.size()));
  Data data(model);
  for (std::size_t k = 0; k < motion.time_s.size(); ++k) {
    forward_kinematics(model, data, motion.q[k], motion.qdot[k]);
    apply_loads(model, data, {});
    if (loads) apply_external_loads(model, data, *loads, motion.time_s[k]);
    inverse_dynamics(model, data, motion.qddot[k]);
    // The model's passive forces (coordinate limit forces, springs, ligaments) act too, as
    // OpenSim's inverse dynamics applies every force but the muscles: the joints supply the rest.
    passive_moments(model, data);
    path_forces(model, data);
    out.data.row(static_cast<int>(k)) = (data.tau_Nm - data.passive_Nm).transpose();
  }
  return out;
}

namespace {

// OpenSim lists only Muscles in a MuscleAnalysis; these need a tendon to normalise by
// unless it is rigid (Thelen's curves always normalise by it).
bool has_fibre(const Muscle& mu) {
  const FibreModel model = fibre_model(mu.tendon);
  return model != FibreModel::none && mu.tendon.optimal_fiber_length_m > 0 &&
         (mu.tendon.tendon_slack_length_m > 0 || (model != FibreModel::thelen2003 && mu.tendon.ignore_tendon_compliance &&
                                                  mu.tendon.tendon_slack_length_m == 0));
}

}  // namespace

ReactionActuation default_state_actuation(const Model& model, const Motion& motion, std::vector<std::string>* warnings) {
  const int nm = static_cast<int>(model.muscles.size()), nt = static_cast<int>(motion.time_s.size());
  ReactionActuation r;
  r.muscle_N = Eigen::MatrixXd::Zero(nt, nm);
  r.actuator_N = Eigen::MatrixXd::Zero(nt, static_cast<int>(model.actuators.size()));
  std::vector<int> physio;
  for (int m = 0; m < nm; ++m) {
    if (has_fibre(model.muscles[m])) {
      physio.push_back(m);
    } else if (const std::string& type = model.muscles[m].tendon.type; warnings && !type.empty() && type != "PathActuator") {
      // A path actuator's default control is zero, as OpenSim's; a muscle class not modelled
      // would pull in OpenSim, so the difference is said.
      warnings->push_back(fmt::format("joint reactions: muscle '{}' ({}) has no fibre physiology here, so it pulls nothing; "
                                      "OpenSim would apply its force at its default state",
                                      model.muscles[m].name, type));
    }
  }
  if (physio.empty()) return r;
  Data data(model);
  for (int k = 0; k < nt; ++k) {
    forward_kinematics(model, data, motion.q[k], motion.qdot[k]);
    muscle_geometry(model, data);
    for (int m : physio) {
      const Muscle& mu = model.muscles[m];
      r.muscle_N(k, m) = static_equilibrium(mu, mu.tendon.default_activation, data.length_m[m]).tendon_force_N;
    }
  }
  return r;
}

std::optional<ReactionActuation> actuation_from_forces(const Model& model, const Motion& motion, const Storage& forces,
                                                       const std::string& file, std::vector<std::string>* warnings) {
  std::vector<int> muscle_col, actuator_col;
  std::string missing;
  auto find = [&](const std::string& name) {
    const int c = forces.column(name);
    if (c < 0) missing += (missing.empty() ? "" : ", ") + name;
    return c;
  };
  for (const Muscle& mu : model.muscles) muscle_col.push_back(find(mu.name));
  for (const Actuator& a : model.actuators) actuator_col.push_back(find(a.name));
  if (!missing.empty()) {
    if (warnings)
      warnings->push_back(fmt::format("{}: the forces file lacks the actuators {}; as OpenSim does, the joint reactions take "
                                      "the actuators' forces from the model's default states instead",
                                      file, missing));
    return std::nullopt;
  }
  if (warnings) {
    std::string extra;
    for (const std::string& label : forces.labels)
      if (model.muscle_index(label) < 0 && std::none_of(model.actuators.begin(), model.actuators.end(),
                                                        [&](const Actuator& a) { return a.name == label; }))
        extra += (extra.empty() ? "" : ", ") + label;
    if (!extra.empty())
      warnings->push_back(fmt::format("{}: the forces file's columns {} are no actuators of the model and are ignored, as "
                                      "OpenSim ignores them",
                                      file, extra));
  }
  if (forces.time_s.empty()) throw InputError(file, 0, "time", "the forces file has no rows");
  const int nt = static_cast<int>(motion.time_s.size());
  ReactionActuation r;
  r.muscle_N.resize(nt, static_cast<int>(muscle_col.size()));
  r.actuator_N.resize(nt, static_cast<int>(actuator_col.size()));
  for (int k = 0; k < nt; ++k) {
    // Linear between rows and beyond them, as OpenSim's Storage::getDataAtTime.
    const double t = motion.time_s[k];
    for (std::size_t m = 0; m < muscle_col.size(); ++m) r.muscle_N(k, static_cast<int>(m)) = forces.value_at(muscle_col[m], t, true);
    for (std::size_t a = 0; a < actuator_col.size(); ++a)
      r.actuator_N(k, static_cast<int>(a)) = forces.value_at(actuator_col[a], t, true);
  }
  if (!r.muscle_N.allFinite() || !r.actuator_N.allFinite())
    throw InputError(file, 0, "forces", "a force in the forces file is not finite at the motion's times");
  return r;
}

void add_reserves(const Model& model, const Motion& motion, const Storage& reserves, ReactionActuation& actuation) {
  const int nt = static_cast<int>(motion.time_s.size());
  actuation.reserve_N = Eigen::MatrixXd::Zero(nt, static_cast<int>(model.coordinates.size()));
  if (reserves.time_s.empty()) return;
  for (std::size_t c = 0; c < model.coordinates.size(); ++c) {
    const int col = reserves.column(model.coordinates[c].name + "_reserve");
    if (col < 0) continue;
    for (int k = 0; k < nt; ++k) actuation.reserve_N(k, static_cast<int>(c)) = reserves.value_at(col, motion.time_s[k], true);
  }
}

Storage joint_reaction_table(const Model& model, const Motion& motion, const std::vector<ReactionRequest>& requests,
                             const std::string& file, const ExternalLoadsSpec* loads, const ReactionActuation* actuation,
                             Eigen::VectorXd* acceleration_gap) {
  struct Resolved {
    int joint, frame;
    bool on_child;
  };
  std::vector<Resolved> rs;
  Storage out;
  out.name = "Joint Reaction Loads";
  out.in_degrees = false;
  for (const auto& r : requests) {
    const int j = model.joint_index(r.joint);
    if (j < 0) throw InputError(file, 0, "joint_names", "no joint '" + r.joint + "' in model '" + model.name + "'");
    int f = model.frame_index(r.frame);
    if (f < 0) {
      // A bare offset-frame name ("rod1_offset") belongs to the requested joint.
      f = model.frame_index(r.joint + "/" + r.frame);
      if (f < 0) throw InputError(file, 0, "express_in_frame", "no frame '" + r.frame + "' in model '" + model.name + "'");
    }
    const int body = r.on_child ? model.joints[j].child_body : model.joints[j].parent_body;
    const std::string body_name = body < 0 ? "ground" : model.bodies[body].name;
    std::string frame_name = model.frames[f].name;
    frame_name = frame_name.substr(frame_name.find_last_of('/') + 1);
    for (const char* q : {"fx", "fy", "fz", "mx", "my", "mz", "px", "py", "pz"})
      out.labels.push_back(fmt::format("{}_on_{}_in_{}_{}", r.joint, body_name, frame_name, q));
    rs.push_back({j, f, r.on_child});
  }
  const int nt = static_cast<int>(motion.time_s.size());
  if (actuation && (actuation->muscle_N.rows() != nt || actuation->muscle_N.cols() != static_cast<int>(model.muscles.size()) ||
                    actuation->actuator_N.rows() != nt ||
                    actuation->actuator_N.cols() != static_cast<int>(model.actuators.size())))
    throw std::logic_error("joint reactions: the actuator forces do not match the model and motion");
  out.time_s = motion.time_s;
  out.data.resize(nt, static_cast<int>(out.labels.size()));
  Data data(model);
  std::vector<mb::SpatialForce> reactions;
  Eigen::VectorXd udot, mobility(model.num_q);
  if (acceleration_gap) acceleration_gap->setZero(nt);
  for (int k = 0; k < nt; ++k) {
    // Every force of the model acts as the multibody system feels it (OpenSim realises the
    // model's accelerations with all its forces): gravity and external loads, the passive
    // forces, and the actuators, with muscles pulling at their path points.
    forward_kinematics(model, data, motion.q[k], motion.qdot[k]);
    apply_loads(model, data, {});
    if (loads) apply_external_loads(model, data, *loads, motion.time_s[k]);
    mobility.setZero();
    add_passive_loads(model, data, mobility);
    add_path_force_loads(model, data, mobility);
    if (actuation) {
      for (std::size_t m = 0; m < model.muscles.size(); ++m)
        if (const double t = actuation->muscle_N(k, static_cast<int>(m)); t != 0)
          add_path_pull(model, data, model.muscles[m], t, data.applied, mobility);
      for (std::size_t a = 0; a < model.actuators.size(); ++a)
        if (const double f = actuation->actuator_N(k, static_cast<int>(a)); f != 0)
          add_actuator_loads(model, data, static_cast<int>(a), f, mobility);
      if (actuation->reserve_N.rows() == nt)
        for (std::size_t c = 0; c < model.coordinates.size(); ++c)
          mobility[model.coordinates[c].mb_index] += actuation->reserve_N(k, static_cast<int>(c));
    }
    mb::forward_dynamics(*model.multibody, *data.ws, data.applied, mobility, udot);
    mb::joint_reactions(*model.multibody, *data.ws, reactions);
    if (acceleration_gap)
      for (std::size_t c = 0; c < model.coordinates.size(); ++c)
        (*acceleration_gap)[k] = std::max((*acceleration_gap)[k],
                                          std::abs(udot[model.coordinates[c].mb_index] - motion.qddot[k][static_cast<int>(c)]));
    for (std::size_t r = 0; r < rs.size(); ++r) {
      const Joint& joint = model.joints[rs[r].joint];
      const int child = joint.child_body;
      // Reaction on the child at the child's joint frame origin Mo, in ground.
      const Eigen::Vector3d mo = data.pose[child] * joint.frame_in_child.translation();
      Eigen::Vector3d force = reactions[child].force_N, moment = reactions[child].moment_Nm;
      if (!rs[r].on_child) {
        force = -force;
        moment = -moment;
      }
      const Frame& frame = model.frames[rs[r].frame];
      const Eigen::Isometry3d X = frame.body < 0 ? frame.in_body : data.pose[frame.body] * frame.in_body;
      const Eigen::Matrix3d Rt = X.linear().transpose();
      Eigen::Matrix<double, 9, 1> row;
      row << Rt * force, Rt * moment, X.inverse() * mo;
      out.data.block<1, 9>(k, static_cast<int>(9 * r)) = row.transpose();
    }
  }
  return out;
}

BodyKinematicsTables body_kinematics_tables(const Model& model, const Motion& motion) {
  BodyKinematicsTables t;
  const int nb = static_cast<int>(model.bodies.size());
  const int nt = static_cast<int>(motion.time_s.size());
  const double to_deg = 180 / std::numbers::pi;
  for (Storage* s : {&t.position, &t.velocity, &t.acceleration}) {
    s->in_degrees = true;
    s->time_s = motion.time_s;
    for (const Body& b : model.bodies)
      for (const char* axis : {"_X", "_Y", "_Z", "_Ox", "_Oy", "_Oz"}) s->labels.push_back(b.name + axis);
    for (const char* axis : {"_X", "_Y", "_Z"}) s->labels.push_back(std::string("center_of_mass") + axis);
    s->data.resize(nt, 6 * nb + 3);
  }
  t.position.name = "Positions";
  t.velocity.name = "Velocities";
  t.acceleration.name = "Accelerations";
  Data data(model);
  std::vector<Eigen::Vector3d> alpha, a_origin;
  Eigen::VectorXd udot(model.num_q);
  const double mass = model.total_mass_kg();
  for (int k = 0; k < nt; ++k) {
    forward_kinematics(model, data, motion.q[k], motion.qdot[k]);
    for (std::size_t c = 0; c < model.coordinates.size(); ++c)
      udot[model.coordinates[c].mb_index] = motion.qddot[k][static_cast<int>(c)];
    mb::body_accelerations(*model.multibody, *data.ws, udot, alpha, a_origin);
    Eigen::Vector3d com_p = Eigen::Vector3d::Zero(), com_v = Eigen::Vector3d::Zero(), com_a = Eigen::Vector3d::Zero();
    for (int b = 0; b < nb; ++b) {
      const Eigen::Matrix3d R = data.pose[b].linear();
      const Eigen::Vector3d r = R * model.bodies[b].com_m;
      const Eigen::Vector3d omega = data.jacobian.middleRows(6 * b, 3) * data.u;
      const Eigen::Vector3d p = data.pose[b].translation() + r;
      const Eigen::Vector3d v = data.jacobian.middleRows(6 * b + 3, 3) * data.u + omega.cross(r);
      const Eigen::Vector3d a = a_origin[b] + alpha[b].cross(r) + omega.cross(omega.cross(r));
      // Body-fixed X-Y-Z angles of R = Rx(ox) Ry(oy) Rz(oz), as Simbody converts them.
      const Eigen::Vector3d euler(std::atan2(-R(1, 2), R(2, 2)), std::asin(std::clamp(R(0, 2), -1.0, 1.0)),
                                  std::atan2(-R(0, 1), R(0, 0)));
      t.position.data.block<1, 6>(k, 6 * b) << p.transpose(), to_deg * euler.transpose();
      t.velocity.data.block<1, 6>(k, 6 * b) << v.transpose(), to_deg * omega.transpose();
      t.acceleration.data.block<1, 6>(k, 6 * b) << a.transpose(), to_deg * alpha[b].transpose();
      const double m = model.bodies[b].mass_kg;
      com_p += m * p, com_v += m * v, com_a += m * a;
    }
    t.position.data.block<1, 3>(k, 6 * nb) = (com_p / mass).transpose();
    t.velocity.data.block<1, 3>(k, 6 * nb) = (com_v / mass).transpose();
    t.acceleration.data.block<1, 3>(k, 6 * nb) = (com_a / mass).transpose();
  }
  return t;
}


MuscleAnalysisTables muscle_analysis_tables(const Model& model, const Motion& motion) {
  MuscleAnalysisTables t;
  const int nm = static_cast<int>(model.muscles.size());
  const int nt = static_cast<int>(motion.time_s.size());
  auto table = [&](const std::string& name) {
    Storage s;
    s.name = name;
    s.in_degrees = false;
    s.time_s = motion.time_s;
    for (const Muscle& mu : model.muscles) s.labels.push_back(mu.name);
    s.data.resize(nt, nm);
    return s;
  };
  t.length = table("Length");
  for (const Coordinate& c : model.coordinates) t.moment_arm.emplace_back(c.name, table("MomentArm_" + c.name));
  // Fibre tables: only the muscles with a physiology, as OpenSim lists only Muscles.
  std::vector<int> physio;
  for (int m = 0; m < nm; ++m)
    if (has_fibre(model.muscles[m])) physio.push_back(m);
  if (!physio.empty())
    for (const char* name : {"FiberLength", "TendonLength", "NormalizedFiberLength", "PennationAngle", "TendonForce",
                             "FiberForce", "ActiveFiberForce", "PassiveFiberForce", "ActiveFiberForceAlongTendon",
                             "PassiveFiberForceAlongTendon"}) {
      Storage s = table(name);
      s.labels.clear();
      for (int m : physio) s.labels.push_back(model.muscles[m].name);
      s.data.resize(nt, static_cast<int>(physio.size()));
      t.fibre.push_back(std::move(s));
    }
  Data data(model);
  for (int k = 0; k < nt; ++k) {
    forward_kinematics(model, data, motion.q[k], motion.qdot[k]);
    muscle_geometry(model, data);
    t.length.data.row(k) = data.length_m.transpose();
    for (std::size_t c = 0; c < model.coordinates.size(); ++c)
      t.moment_arm[c].second.data.row(k) = data.moment_arm_m.row(static_cast<int>(c));
    for (std::size_t j = 0; j < physio.size(); ++j) {
      const Muscle& mu = model.muscles[physio[j]];
      // At the class's default activation, as OpenSim holds a muscle for a coordinates motion.
      const FibreState f = static_equilibrium(mu, mu.tendon.default_activation, data.length_m[physio[j]]);
      const double c = std::cos(f.pennation_rad), active = f.active_fibre_force_N, passive = f.passive_fibre_force_N;
      const double values[10] = {f.fibre_length_m, f.tendon_length_m, f.fibre_length_m / mu.tendon.optimal_fiber_length_m,
                                 f.pennation_rad,  f.tendon_force_N,  active + passive,
                                 active,           passive,           active * c,
                                 passive * c};
      for (int q = 0; q < 10; ++q) t.fibre[q].data(k, static_cast<int>(j)) = values[q];
    }
  }
  return t;
}

namespace {

bool is_force_generator(const Muscle& muscle) {
  return muscle.tendon.type.empty() || muscle.tendon.type == "PathActuator";
}

}  // namespace

const Muscle* muscle_without_physiology(const Model& model) {
  for (const Muscle& mu : model.muscles)
    if (!is_force_generator(mu) && fibre_model(mu.tendon) == FibreModel::none) return &mu;
  return nullptr;
}

std::string physiology_refusal(const Muscle& muscle) {
  return "muscle physiology is modelled for Thelen2003Muscle, Millard2012EquilibriumMuscle and "
         "DeGrooteFregly2016Muscle; " + muscle.name + " is a " + muscle.tendon.type +
         " (run without muscle physiology: ideal force generators)";
}

double muscle_physiology_scale(const Muscle& muscle, double mt_length_m, double mt_speed_m_s) {
  if (is_force_generator(muscle)) return 1.0;  // its optimal force
  if (fibre_model(muscle.tendon) == FibreModel::none)
    throw InputError("", 0, "muscle " + muscle.name, physiology_refusal(muscle));
  try {
    return opensim_static_optimization_scale(muscle, mt_length_m, mt_speed_m_s);
  } catch (const std::runtime_error& e) {
    throw InputError("", 0, "muscle " + muscle.name, e.what());
  }
}

StaticOptimizationTables static_optimization_tables(const Model& model, const Motion& motion,
                                                    const StaticOptimizationOptions& options,
                                                    const ExternalLoadsSpec* loads) {
  if (options.activation_exponent != 2 && options.activation_exponent != 3)
    throw InputError("", 0, "activation_exponent", "only exponents 2 and 3 are supported");
  RecruitmentOptions ro;
  ro.solver = options.solver;
  ro.objective = options.activation_exponent == 2 ? Objective::activation_squared : Objective::activation_cubed;
  StaticOptimizationTables t;
  const int nm = static_cast<int>(model.muscles.size());
  const int na = static_cast<int>(model.actuators.size());
  const int nt = static_cast<int>(motion.time_s.size());
  for (Storage* s : {&t.activation, &t.force}) {
    s->name = "Static Optimization";
    s->in_degrees = false;
    s->time_s = motion.time_s;
    s->data.resize(nt, nm + na);
    for (const auto& mu : model.muscles) s->labels.push_back(mu.name);
    for (const auto& a : model.actuators) s->labels.push_back(a.name);  // control, and control x optimal force
  }
  t.reserve.name = "Static Optimization reserves";
  t.reserve.in_degrees = false;
  t.reserve.time_s = motion.time_s;
  for (int c : model.equilibrium_coordinates) t.reserve.labels.push_back(model.coordinates[c].name + "_reserve");
  t.reserve.data.resize(nt, static_cast<int>(model.equilibrium_coordinates.size()));
  if (options.use_muscle_physiology)  // refuse before any frame is analysed
    if (const Muscle* mu = muscle_without_physiology(model))
      throw InputError("", 0, "muscle " + mu->name, physiology_refusal(*mu));
  Data data(model);
  data.warm_start_valid = false;
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(nm);
  if (options.use_muscle_physiology) ro.force_scale = &scale;
  for (int k = 0; k < nt; ++k) {
    forward_kinematics(model, data, motion.q[k], motion.qdot[k]);
    apply_loads(model, data, {});
    if (loads) apply_external_loads(model, data, *loads, motion.time_s[k]);
    inverse_dynamics(model, data, motion.qddot[k]);
    passive_moments(model, data);
    path_forces(model, data);
    muscle_geometry(model, data);
    if (options.use_muscle_physiology)
      for (int m = 0; m < nm; ++m) {
        // Lengthening speed: dL/dt = -sum over coordinates of moment arm x rate.
        double speed = 0;
        for (std::size_t c = 0; c < model.coordinates.size(); ++c)
          speed -= data.moment_arm_m(static_cast<int>(c), m) * motion.qdot[k][static_cast<int>(c)];
        scale[m] = muscle_physiology_scale(model.muscles[m], data.length_m[m], speed);
      }
    recruit_muscles(model, data, ro);
    if (data.status != RecruitmentStatus::ok) ++t.frames_beyond_capacity;
    t.activation.data.block(k, 0, 1, nm) = data.activation.transpose();
    t.force.data.block(k, 0, 1, nm) = data.force_N.transpose();
    t.reserve.data.row(k) = data.reserve_Nm.transpose();
    for (int a = 0; a < na; ++a) {
      t.activation.data(k, nm + a) = data.actuator_control[a];
      t.force.data(k, nm + a) = data.actuator_control[a] * model.actuators[a].optimal_force;
    }
  }
  return t;
}

}  // namespace spineload
