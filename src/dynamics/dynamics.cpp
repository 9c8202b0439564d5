#include "dynamics/dynamics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "common/rotation.hpp"

namespace spineload {

namespace {

// Sets the coordinates (q, and u from `qdot_rad_s`, or at rest when null) and the body
// poses. A built-in model: the poses from the joint rotations, as Simbody's Gimbal and Pin
// would give them (body-fixed sequence about each coordinate's axis at the joint centre).
void set_state_and_poses(const Model& model, Data& data, const Eigen::VectorXd& q_rad,
                         const Eigen::VectorXd* qdot_rad_s) {
  for (std::size_t c = 0; c < model.coordinates.size(); ++c) {
    const int i = model.coordinates[c].mb_index;
    data.q[i] = q_rad[c];
    data.u[i] = qdot_rad_s ? (*qdot_rad_s)[c] : 0.0;  // u = qdot for pin, gimbal and function-based joints
  }
  // A model whose joints turn about the child's origin (the built-in ones) has its poses,
  // Jacobian and inverse dynamics from the joint chain below: 1.6 us against 21 us for
  // Simbody's realize(Position) with the Jacobian on the default model (bench BM_BodyPoses,
  // BM_ForwardKinematicsSimbody), and no allocation. Imported models go through Simbody.
  if (model.multibody && !model.rotations_about_child_origin) {
    mb::set_state(*model.multibody, *data.ws, data.q, data.u);
    mb::body_poses(*model.multibody, *data.ws, data.pose);
    return;
  }
  for (std::size_t b = 0; b < model.bodies.size(); ++b) {
    const Joint& joint = model.joints[b];
    Eigen::Isometry3d& x = data.pose[b];
    x = joint.parent_body < 0 ? Eigen::Isometry3d::Identity() : data.pose[joint.parent_body];
    x.translate(joint.location_in_parent_m);
    Eigen::Matrix3d turned = x.linear();
    for (int c : joint.coordinates) rotate_about(turned, model.coordinates[c].axis, data.q[model.coordinates[c].mb_index]);
    x.linear() = turned;
  }
}

}  // namespace

void forward_kinematics(const Model& model, Data& data, const Eigen::VectorXd& q_rad,
                        const Eigen::VectorXd& qdot_rad_s) {
  if (!model.multibody && qdot_rad_s.squaredNorm() > 0)
    throw std::logic_error("a static-only model analyses still postures only");
  set_state_and_poses(model, data, q_rad, &qdot_rad_s);
  if (!model.multibody || model.rotations_about_child_origin) joint_jacobian(model, data);
  else mb::system_jacobian(*model.multibody, *data.ws, data.jacobian);
}

void body_poses(const Model& model, Data& data, const Eigen::VectorXd& q_rad) {
  set_state_and_poses(model, data, q_rad, nullptr);
}

void joint_jacobian(const Model& model, Data& data) {
  // Written here rather than taken from Simbody's calcSystemJacobian, which costs 73 us
  // on the default model against about 2 us for this (bench/, measured): every column is
  // a rotation about an axis through a joint centre. Axis k of a joint is a_k turned by
  // the joint's earlier rotations and by the parent's orientation (body-fixed sequence).
  // tests/dynamics checks it against Simbody's.
  const int nb = static_cast<int>(model.bodies.size());
  if (data.jacobian.rows() != 6 * nb) data.jacobian = Eigen::MatrixXd::Zero(6 * nb, model.num_q);
  for (const Joint& joint : model.joints) {
    const Eigen::Matrix3d parent =
        joint.parent_body < 0 ? Eigen::Matrix3d(Eigen::Matrix3d::Identity()) : Eigen::Matrix3d(data.pose[joint.parent_body].linear());
    const Eigen::Vector3d centre = data.pose[joint.child_body].translation();
    Eigen::Matrix3d turned = parent;
    for (int c : joint.coordinates) {
      const Coordinate& coord = model.coordinates[c];
      const Eigen::Vector3d h = turned * coord.axis;
      rotate_about(turned, coord.axis, data.q[coord.mb_index]);
      for (int b = 0; b < nb; ++b) {
        if (!joint.in_subtree[b]) continue;
        data.jacobian.block<3, 1>(6 * b, coord.mb_index) = h;
        data.jacobian.block<3, 1>(6 * b + 3, coord.mb_index) = h.cross(data.pose[b].translation() - centre);
      }
    }
  }
}

void apply_loads(const Model& model, Data& data, const std::vector<ExternalLoad>& loads,
                 const Eigen::Vector3d& root_acceleration_m_s2) {
  const Eigen::Vector3d g = model.gravity_m_s2 - root_acceleration_m_s2;
  for (std::size_t b = 0; b < model.bodies.size(); ++b) {
    const Body& body = model.bodies[b];
    const Eigen::Vector3d r = data.pose[b].linear() * body.com_m;
    const Eigen::Vector3d f = body.mass_kg * g;
    data.applied[b] = {r.cross(f), f};
  }
  for (const auto& load : loads) {
    const Eigen::Vector3d r = data.pose[load.body].linear() * load.point_m;
    data.applied[load.body].force_N += load.force_N;
    data.applied[load.body].moment_Nm += r.cross(load.force_N);
  }
}

namespace {

// The joint chain's velocities and accelerations (built-in models: every joint turns about
// its child's origin, fixed in the parent): per body, angular velocity and acceleration and
// the acceleration of its origin, in ground, from data.u and data.udot. A coordinate's axis
// in ground is its Jacobian column at the joint's child; it turns with the frame it is fixed
// in, whose angular velocity is the parent's plus the joint's earlier coordinates'.
void chain_accelerations(const Model& model, Data& data) {
  for (const Joint& joint : model.joints) {
    const int b = joint.child_body, p = joint.parent_body;
    Eigen::Vector3d omega = p < 0 ? Eigen::Vector3d::Zero() : data.body_omega[p];
    Eigen::Vector3d alpha = p < 0 ? Eigen::Vector3d::Zero() : data.body_alpha[p];
    for (int c : joint.coordinates) {
      const int i = model.coordinates[c].mb_index;
      const Eigen::Vector3d h = data.jacobian.block<3, 1>(6 * b, i);
      alpha += h * data.udot[i] + omega.cross(h) * data.u[i];
      omega += h * data.u[i];
    }
    data.body_omega[b] = omega;
    data.body_alpha[b] = alpha;
    if (p < 0) {
      data.body_a_origin[b].setZero();  // the root's origin is still (walking: Posture::root_acceleration_m_s2)
    } else {
      const Eigen::Vector3d r = data.pose[b].translation() - data.pose[p].translation();
      const Eigen::Vector3d& wp = data.body_omega[p];
      data.body_a_origin[b] = data.body_a_origin[p] + data.body_alpha[p].cross(r) + wp.cross(wp.cross(r));
    }
  }
}

// Inertial loads per body (moment about its origin and force, in ground) from its angular
// velocity and acceleration and its origin's acceleration.
void inertial_loads(const Model& model, Data& data, const std::vector<Eigen::Vector3d>& alpha,
                    const std::vector<Eigen::Vector3d>& a_origin, const std::vector<Eigen::Vector3d>& omega) {
  for (std::size_t b = 0; b < model.bodies.size(); ++b) {
    const Body& body = model.bodies[b];
    const Eigen::Matrix3d R = data.pose[b].linear();
    const Eigen::Vector3d r = R * body.com_m;
    const Eigen::Vector3d a_com = a_origin[b] + alpha[b].cross(r) + omega[b].cross(omega[b].cross(r));
    const Eigen::Matrix3d I = R * body.inertia_tensor() * R.transpose();
    const Eigen::Vector3d f = -body.mass_kg * a_com;
    const Eigen::Vector3d m_com = -(I * alpha[b] + omega[b].cross(I * omega[b]));
    data.inertial[b] = {m_com + r.cross(f), f};
  }
}

}  // namespace

void inverse_dynamics(const Model& model, Data& data, const Eigen::VectorXd& qddot_rad_s2) {
  for (std::size_t c = 0; c < model.coordinates.size(); ++c)
    data.udot[model.coordinates[c].mb_index] = qddot_rad_s2[c];
  Eigen::VectorXd& tau = data.tau_mb;
  const bool moving = data.u.squaredNorm() > 0 || data.udot.squaredNorm() > 0;
  if (!model.multibody || model.rotations_about_child_origin) {
    // The joints must supply -J^T of the applied and inertial loads (moments about the body
    // origins and forces, in ground): the residual Simbody computes, from the joint chain.
    // tests/dynamics checks it against Simbody's on the built-in model, moving.
    if (moving && !model.multibody) throw std::logic_error("a static-only model analyses still postures only");
    if (moving) {
      chain_accelerations(model, data);
      inertial_loads(model, data, data.body_alpha, data.body_a_origin, data.body_omega);
    } else {
      for (auto& f : data.inertial) f = {};
    }
    tau.setZero(model.num_q);
    for (std::size_t b = 0; b < model.bodies.size(); ++b) {
      const Eigen::Vector3d moment = data.applied[b].moment_Nm + data.inertial[b].moment_Nm;
      const Eigen::Vector3d force = data.applied[b].force_N + data.inertial[b].force_N;
      for (int q : model.bodies[b].ancestor_q)
        tau[q] -= data.jacobian.block<3, 1>(6 * b, q).dot(moment) + data.jacobian.block<3, 1>(6 * b + 3, q).dot(force);
    }
    for (std::size_t c = 0; c < model.coordinates.size(); ++c) data.tau_Nm[c] = tau[model.coordinates[c].mb_index];
    return;
  }
  mb::inverse_dynamics(*model.multibody, *data.ws, data.udot, data.applied, tau);
  for (std::size_t c = 0; c < model.coordinates.size(); ++c)
    data.tau_Nm[c] = tau[model.coordinates[c].mb_index];
  // Inertial loads per body, for the joint reaction sums (zero when at rest).
  if (!moving) {
    for (auto& f : data.inertial) f = {};
    return;
  }
  mb::body_accelerations(*model.multibody, *data.ws, data.udot, data.body_alpha, data.body_a_origin);
  mb::body_angular_velocities(*model.multibody, *data.ws, data.body_omega);
  inertial_loads(model, data, data.body_alpha, data.body_a_origin, data.body_omega);
}

namespace {

// The passive forces that act along a coordinate (the joint's own stiffness, coordinate limit
// forces, springs and expression forces), each handed to add(coordinate, force).
template <class Add>
void coordinate_forces(const Model& model, Data& data, Add&& add) {
  for (std::size_t c = 0; c < model.coordinates.size(); ++c)
    add(static_cast<int>(c), model.coordinates[c].stiffness.moment_Nm(data.q[model.coordinates[c].mb_index]));
  const auto rate = [&](int u) { return data.u.size() ? data.u[u] : 0.0; };
  for (const CoordinateLimitForce& f : model.limit_forces) {
    const int u = model.coordinates[f.coordinate].mb_index;
    add(f.coordinate, f.force(data.q[u], rate(u)));
  }
  for (const CoordinateSpring& f : model.coordinate_springs) {
    const int u = model.coordinates[f.coordinate].mb_index;
    add(f.coordinate, f.force(data.q[u], rate(u)));
  }
  for (std::size_t i = 0; i < model.expression_forces.size(); ++i) {
    const ExpressionCoordinateForce& f = model.expression_forces[i];
    const int u = model.coordinates[f.coordinate].mb_index;
    const double force = data.expression_forces[i]({data.q[u], rate(u)});
    // Numbers never silently become NaN: a force the expression cannot give is an error.
    if (!std::isfinite(force))
      throw std::domain_error(f.name + ": the expression '" + f.expression + "' gives no finite force at q = " +
                              std::to_string(data.q[u]));
    add(f.coordinate, force);
  }
}

// Each point-to-point spring's pull on its two bodies, handed to
// pull(body, moment about its origin, force), both in ground.
template <class Pull>
void spring_pulls(const Model& model, const Data& data, Pull&& pull) {
  for (const PointToPointSpring& s : model.springs) {
    const Eigen::Vector3d p1 = world_point(data, s.body1, s.point1_m), p2 = world_point(data, s.body2, s.point2_m);
    const double length = (p2 - p1).norm();
    if (!(length > 0)) continue;  // coincident points: no line to pull along
    // Tension pulls point 1 towards point 2 and point 2 back (compression pushes them apart).
    const Eigen::Vector3d f1 = s.stiffness_N_per_m * (length - s.rest_length_m) * (p2 - p1) / length;
    auto add = [&](int b, const Eigen::Vector3d& p, const Eigen::Vector3d& f) {
      if (b >= 0) pull(b, Eigen::Vector3d((p - data.pose[b].translation()).cross(f)), f);
    };
    add(s.body1, p1, f1);
    add(s.body2, p2, -f1);
  }
}

// Actuator a's loads at a force (or torque) `force`: spatial forces on bodies to
// pull(body, moment about its origin, force), a coordinate actuator's to along(u, force).
template <class Pull, class Along>
void actuator_loads(const Model& model, const Data& data, int a, double force, Pull&& pull, Along&& along) {
  const Actuator& act = model.actuators[a];
  switch (act.kind) {
    case Actuator::Kind::coordinate:
      along(model.coordinates[act.coordinate].mb_index, force);
      break;
    case Actuator::Kind::torque: {
      const Eigen::Vector3d axis = act.axis_in_ground || act.body < 0 ? act.axis : Eigen::Vector3d(data.pose[act.body].linear() * act.axis);
      if (act.body >= 0) pull(act.body, Eigen::Vector3d(force * axis), Eigen::Vector3d::Zero());
      if (act.body_b >= 0) pull(act.body_b, Eigen::Vector3d(-force * axis), Eigen::Vector3d::Zero());
      break;
    }
    case Actuator::Kind::point: {
      if (act.body < 0) break;
      const Eigen::Isometry3d& X = data.pose[act.body];
      const Eigen::Vector3d dir = act.axis_in_ground ? act.axis : Eigen::Vector3d(X.linear() * act.axis);
      const Eigen::Vector3d p = act.point_in_ground ? act.point_m : Eigen::Vector3d(X * act.point_m);
      const Eigen::Vector3d f = force * dir;
      pull(act.body, Eigen::Vector3d((p - X.translation()).cross(f)), f);
      break;
    }
  }
}

}  // namespace

void passive_moments(const Model& model, Data& data) {
  data.passive_Nm.setZero();
  coordinate_forces(model, data, [&](int c, double f) { data.passive_Nm[c] += f; });
  if (!model.springs.empty()) {
    Eigen::VectorXd g = Eigen::VectorXd::Zero(model.num_q);
    spring_pulls(model, data, [&](int b, const Eigen::Vector3d& m, const Eigen::Vector3d& f) { add_body_force(data, b, m, f, g); });
    for (std::size_t c = 0; c < model.coordinates.size(); ++c) data.passive_Nm[c] += g[model.coordinates[c].mb_index];
  }
  if (!model.bushings.empty()) {
    // Simbody's own LinearBushing forces, as OpenSim's BushingForce adds them.
    Eigen::VectorXd g;
    mb::bushing_forces(*model.multibody, *data.ws, g);
    for (std::size_t c = 0; c < model.coordinates.size(); ++c) data.passive_Nm[c] += g[model.coordinates[c].mb_index];
  }
}

void add_passive_loads(const Model& model, Data& data, Eigen::VectorXd& mobility) {
  coordinate_forces(model, data, [&](int c, double f) { mobility[model.coordinates[c].mb_index] += f; });
  spring_pulls(model, data, [&](int b, const Eigen::Vector3d& m, const Eigen::Vector3d& f) {
    data.applied[b].moment_Nm += m;
    data.applied[b].force_N += f;
  });
}

void actuator_generalized_force(const Model& model, const Data& data, int a, Eigen::VectorXd& g) {
  g.setZero(model.num_q);
  actuator_loads(
      model, data, a, model.actuators[a].optimal_force,
      [&](int b, const Eigen::Vector3d& m, const Eigen::Vector3d& f) { add_body_force(data, b, m, f, g); },
      [&](int u, double f) { g[u] += f; });
}

void add_actuator_loads(const Model& model, Data& data, int a, double force, Eigen::VectorXd& mobility) {
  actuator_loads(
      model, data, a, force,
      [&](int b, const Eigen::Vector3d& m, const Eigen::Vector3d& f) {
        data.applied[b].moment_Nm += m;
        data.applied[b].force_N += f;
      },
      [&](int u, double f) { mobility[u] += f; });
}

namespace {

// Convex hull (Andrew's monotone chain) of points in the ground plane (x, z).
// Andrew's monotone chain over `p` (sorted in place) into `h`, counter-clockwise; both keep
// their capacity between frames.
void convex_hull(std::vector<Eigen::Vector2d>& p, std::vector<Eigen::Vector2d>& h) {
  std::sort(p.begin(), p.end(), [](const auto& a, const auto& b) {
    return a.x() < b.x() || (a.x() == b.x() && a.y() < b.y());
  });
  auto cross = [](const Eigen::Vector2d& o, const Eigen::Vector2d& a, const Eigen::Vector2d& b) {
    return (a - o).x() * (b - o).y() - (a - o).y() * (b - o).x();
  };
  h.resize(2 * p.size());
  std::size_t k = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], p[i]) <= 0) --k;
    h[k++] = p[i];
  }
  for (std::size_t i = p.size() - 1, t = k + 1; i-- > 0;) {
    while (k >= t && cross(h[k - 2], h[k - 1], p[i]) <= 0) --k;
    h[k++] = p[i];
  }
  h.resize(k > 1 ? k - 1 : k);
}

}  // namespace

double upper_body_com_ahead_of_hips_m(const Model& model, const Data& data, bool segments_only) {
  // The root (pelvis) and everything above the lowest spinal joint; the legs hang elsewhere.
  const auto& above = model.joints[model.spinal_joints.front()].in_subtree;
  double mass = 0, moment = 0;
  for (std::size_t b = 0; b < model.bodies.size(); ++b) {
    if (b != 0 && !above[b]) continue;
    const Body& body = model.bodies[b];
    double m = body.mass_kg;
    Eigen::Vector3d com = body.com_m;  // body frame
    if (segments_only && body.added_mass_kg > 0) {
      m -= body.added_mass_kg;
      if (m <= 0) continue;
      com = (body.mass_kg * body.com_m - body.added_first_moment_kg_m) / m;
    }
    mass += m;
    moment += m * world_point(data, static_cast<int>(b), com).x();
  }
  return moment / mass - data.pose[0].translation().x();
}

Eigen::Vector3d centre_of_mass_m(const Model& model, const Data& data) {
  Eigen::Vector3d com = Eigen::Vector3d::Zero();
  double mass = 0;
  for (std::size_t b = 0; b < model.bodies.size(); ++b) {
    com += model.bodies[b].mass_kg * world_point(data, static_cast<int>(b), model.bodies[b].com_m);
    mass += model.bodies[b].mass_kg;
  }
  return com / mass;
}

void balance(const Model& model, Data& data, Support support) {
  const Eigen::Vector3d com = centre_of_mass_m(model, data);
  data.balance.com_m = com;
  const auto& points = model.support_points(support);
  std::vector<Eigen::Vector2d>& ground = data.support_ground;
  ground.clear();
  for (const auto& p : points) {
    const Eigen::Vector3d w = world_point(data, p.body, p.location_m);
    ground.emplace_back(w.x(), w.z());
  }
  // A backrest she leans on widens the base of support to where it touches her.
  for (const auto& c : data.contacts) {
    if (c.normal.isZero()) continue;  // a backrest point she does not touch
    if (c.reacting_body >= 0) continue;  // her arm on her own flank: no support from the world
    const Eigen::Vector3d w = world_point(data, c.body, c.point_m);
    ground.emplace_back(w.x(), w.z());
  }
  std::vector<Eigen::Vector2d>& hull = data.support_hull;
  convex_hull(ground, hull);
  // Signed distance to the hull boundary (counter-clockwise polygon: inside = left of edges).
  const Eigen::Vector2d c(com.x(), com.z());
  double margin = INFINITY;
  bool inside = hull.size() >= 3;
  for (std::size_t i = 0; i < hull.size(); ++i) {
    const Eigen::Vector2d a = hull[i], b = hull[(i + 1) % hull.size()];
    const Eigen::Vector2d e = b - a;
    const double side = e.x() * (c - a).y() - e.y() * (c - a).x();
    if (side < 0) inside = false;
    const double t = std::clamp((c - a).dot(e) / e.squaredNorm(), 0.0, 1.0);
    margin = std::min(margin, (a + t * e - c).norm());
  }
  data.balance.com_over_support = inside;
  data.balance.margin_m = inside ? margin : -margin;
}

}  // namespace spineload
