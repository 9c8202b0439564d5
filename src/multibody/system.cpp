// Simbody adapter (compiled as C++17). Converts between Eigen and SimTK at this seam only.
#include "multibody/system.hpp"

#include <SimTKsimbody.h>

#include <stdexcept>

namespace spineload::mb {

namespace {

SimTK::Vec3 to_simtk(const Eigen::Vector3d& v) { return SimTK::Vec3(v.x(), v.y(), v.z()); }
Eigen::Vector3d to_eigen(const SimTK::Vec3& v) { return Eigen::Vector3d(v[0], v[1], v[2]); }

// Rotation whose columns are the joint axes (a1, a2, a3): Simbody's Gimbal turns about
// the mobiliser frame's x, y, z in sequence, so frames rotated by this matrix make it
// turn about a1, a2, a3. For a pin, the axis becomes z.
SimTK::Rotation axes_frame(const std::vector<Eigen::Vector3d>& axes) {
  SimTK::Mat33 m;
  if (axes.size() == 3) {
    for (int c = 0; c < 3; ++c)
      for (int r = 0; r < 3; ++r) m(r, c) = axes[c][r];
  } else {
    const Eigen::Vector3d z = axes[0].normalized();
    const Eigen::Vector3d helper =
        std::abs(z.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY();
    const Eigen::Vector3d x = (helper - helper.dot(z) * z).normalized();
    const Eigen::Vector3d y = z.cross(x);
    for (int r = 0; r < 3; ++r) {
      m(r, 0) = x[r];
      m(r, 1) = y[r];
      m(r, 2) = z[r];
    }
  }
  return SimTK::Rotation(m, true);
}

SimTK::Transform to_simtk(const Eigen::Isometry3d& x) {
  SimTK::Mat33 m;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) m(r, c) = x.linear()(r, c);
  return SimTK::Transform(SimTK::Rotation(m, true), to_simtk(Eigen::Vector3d(x.translation())));
}

// A JointFunction seen by Simbody's FunctionBased mobilizer (which owns its Functions).
class FunctionAdapter : public SimTK::Function {
 public:
  FunctionAdapter(std::shared_ptr<const JointFunction> f, int n) : f_(std::move(f)), n_(n) {}
  SimTK::Real calcValue(const SimTK::Vector& x) const override {
    if (!f_) return 0;
    return f_->value(n_ > 0 ? &x[0] : nullptr);
  }
  SimTK::Real calcDerivative(const SimTK::Array_<int>& components, const SimTK::Vector& x) const override {
    if (!f_) return 0;
    const std::vector<int> c(components.begin(), components.end());
    return f_->derivative(c, n_ > 0 ? &x[0] : nullptr);
  }
  int getArgumentSize() const override { return n_; }
  int getMaxDerivativeOrder() const override { return 2; }

 private:
  std::shared_ptr<const JointFunction> f_;
  int n_;
};

// A coupler's residual for Simbody's CoordinateCoupler constraint, which holds f(x) = 0:
// f(x0..x(n-1), xn) = xn - g(x0..x(n-1)), the independent coordinates first and the dependent
// one last (as OpenSim builds its CoordinateCouplerConstraint).
class CouplerResidual : public SimTK::Function {
 public:
  CouplerResidual(std::shared_ptr<const JointFunction> g, int n) : g_(std::move(g)), n_(n) {}
  SimTK::Real calcValue(const SimTK::Vector& x) const override { return x[n_] - g_->value(&x[0]); }
  SimTK::Real calcDerivative(const SimTK::Array_<int>& c, const SimTK::Vector& x) const override {
    for (int k : c)
      if (k == n_) return c.size() == 1 ? 1.0 : 0.0;  // the dependent coordinate enters linearly
    return -g_->derivative(std::vector<int>(c.begin(), c.end()), &x[0]);
  }
  int getArgumentSize() const override { return n_ + 1; }
  int getMaxDerivativeOrder() const override { return 2; }

 private:
  std::shared_ptr<const JointFunction> g_;
  int n_;
};

}  // namespace

struct System::Impl {
  SimTK::MultibodySystem system;
  SimTK::SimbodyMatterSubsystem matter{system};
  SimTK::GeneralForceSubsystem forces{system};
  // Forces set per state for forward dynamics (applied body forces, generalised forces).
  SimTK::Force::DiscreteForces discrete{forces, matter};
  std::vector<SimTK::MobilizedBodyIndex> mobods;  // per body
  // Per body, the first mobiliser of its joint (a scapulothoracic joint is three: an
  // ellipsoid and a pin on massless frames, then the body welded on): its q come first.
  std::vector<SimTK::MobilizedBodyIndex> joint_first;
  // The engine's q are indexed as Simbody's u: a mobiliser that can take a quaternion keeps
  // four q slots in its state even with three Euler angles in use, so q and u indices part.
  std::vector<int> q_of_u;
  std::vector<SimTK::ForceIndex> bushings;
  SimTK::State default_state;
};

struct Workspace::Impl {
  SimTK::State state;
  bool moving = true;  // realised through Velocity (u != 0); else only through Position
  SimTK::Vector_<SimTK::SpatialVec> body_forces;
  SimTK::Vector mobility_forces, udot, residual;
  SimTK::Matrix jacobian;
};

System::System(const std::vector<BodySpec>& bodies, const std::vector<CouplerSpec>& couplers,
               const std::vector<PointConstraintSpec>& points, const std::vector<BushingSpec>& bushings,
               const std::vector<LockSpec>& locks)
    : impl_(std::make_unique<Impl>()) {
  num_bodies_ = static_cast<int>(bodies.size());
  q_start_.resize(bodies.size());
  for (std::size_t b = 0; b < bodies.size(); ++b) {
    const BodySpec& spec = bodies[b];
    if (spec.parent >= static_cast<int>(b)) throw std::logic_error("bodies must list parents first");
    if (spec.kind == JointKind::rotations && spec.axes.size() != 1 && spec.axes.size() != 3)
      throw std::logic_error("a joint needs 1 or 3 rotational axes");
    if (spec.kind == JointKind::transform) {
      if (spec.transform.size() != 6) throw std::logic_error("a function-based joint needs six transform axes");
      // Simbody asserts (aborts) on dependent axes: refuse them here instead.
      for (int start : {0, 3}) {
        Eigen::Matrix3d a;
        for (int k = 0; k < 3; ++k) a.col(k) = spec.transform[start + k].axis.normalized();
        if (std::abs(a.determinant()) < 1e-6)
          throw std::logic_error(start == 0 ? "the rotation axes are not independent" : "the translation axes are not independent");
      }
    }
    const Eigen::Matrix3d& I = spec.inertia_kg_m2;
    SimTK::Inertia inertia(I(0, 0), I(1, 1), I(2, 2), I(0, 1), I(0, 2), I(1, 2));
    inertia = inertia.shiftFromMassCenter(to_simtk(spec.com_m), spec.mass_kg);
    SimTK::Body::Rigid body(SimTK::MassProperties(spec.mass_kg, to_simtk(spec.com_m), inertia));
    SimTK::MobilizedBody& parent =
        spec.parent < 0 ? impl_->matter.updGround()
                        : impl_->matter.updMobilizedBody(impl_->mobods[spec.parent]);
    impl_->joint_first.push_back(SimTK::MobilizedBodyIndex(impl_->matter.getNumBodies()));
    if (spec.kind == JointKind::weld) {
      SimTK::MobilizedBody::Weld mobod(parent, to_simtk(spec.frame_in_parent), body, to_simtk(spec.frame_in_child));
      impl_->mobods.push_back(mobod.getMobilizedBodyIndex());
      continue;
    }
    if (spec.kind == JointKind::scapulothoracic) {
      // Built as OpenSim builds it, so that the four coordinates mean what OpenSim's do: the
      // ellipsoid's frame is the parent joint frame turned a quarter turn about its z axis
      // (abduction and elevation then positive), so its radii along x and y swap; the winging
      // pin's z axis lies in the tangent plane; the scapula is welded on at its joint frame.
      const ScapulothoracicSpec& st = spec.scapulothoracic;
      const SimTK::Rotation quarter(SimTK::Pi / 2, SimTK::ZAxis);
      const SimTK::Transform F = to_simtk(spec.frame_in_parent);
      SimTK::MobilizedBody::Ellipsoid surface(parent, SimTK::Transform(F.R() * quarter, F.p()), SimTK::Body::Massless(),
                                              SimTK::Transform(quarter));
      surface.setDefaultRadii(SimTK::Vec3(st.radii_m.y(), st.radii_m.x(), st.radii_m.z()));
      const SimTK::UnitVec3 axis(-std::sin(st.winging_direction_rad), std::cos(st.winging_direction_rad), 0);
      const SimTK::Transform hinge(SimTK::Rotation(axis, SimTK::ZAxis),
                                   SimTK::Vec3(st.winging_origin_m.x(), st.winging_origin_m.y(), 0));
      SimTK::MobilizedBody::Pin winging(surface, hinge, SimTK::Body::Massless(), hinge);
      SimTK::MobilizedBody::Weld mobod(winging, SimTK::Transform(), body, to_simtk(spec.frame_in_child));
      impl_->mobods.push_back(mobod.getMobilizedBodyIndex());
      continue;
    }
    if (spec.kind == JointKind::transform) {
      std::vector<const SimTK::Function*> functions;
      std::vector<std::vector<int>> arguments;
      std::vector<SimTK::Vec3> axes;
      for (const auto& t : spec.transform) {
        functions.push_back(new FunctionAdapter(t.function, static_cast<int>(t.coordinates.size())));
        arguments.push_back(t.coordinates);
        axes.push_back(to_simtk(Eigen::Vector3d(t.axis.normalized())));
      }
      SimTK::MobilizedBody::FunctionBased mobod(parent, to_simtk(spec.frame_in_parent), body,
                                                to_simtk(spec.frame_in_child), spec.num_coordinates, functions,
                                                arguments, axes);
      impl_->mobods.push_back(mobod.getMobilizedBodyIndex());
      continue;
    }
    const SimTK::Rotation frame = axes_frame(spec.axes);
    const SimTK::Transform in_parent = to_simtk(spec.frame_in_parent) * SimTK::Transform(frame);
    const SimTK::Transform in_child = to_simtk(spec.frame_in_child) * SimTK::Transform(frame);
    if (spec.axes.size() == 3) {
      SimTK::MobilizedBody::Gimbal mobod(parent, in_parent, body, in_child);
      impl_->mobods.push_back(mobod.getMobilizedBodyIndex());
    } else {
      SimTK::MobilizedBody::Pin mobod(parent, in_parent, body, in_child);
      impl_->mobods.push_back(mobod.getMobilizedBodyIndex());
    }
  }
  for (const CouplerSpec& c : couplers) {
    if (!c.function || c.independents.empty() || c.function->num_arguments() > static_cast<int>(c.independents.size()))
      throw std::logic_error("a coupler needs a function of its independent coordinates");
    std::vector<int> bodies_used{c.dependent_body};
    for (const auto& [b, q] : c.independents) bodies_used.push_back(b);
    for (int b : bodies_used) {
      if (b < 0 || b >= num_bodies_) throw std::logic_error("a coupler's coordinate is on no body");
      if (bodies[b].kind == JointKind::scapulothoracic)
        throw std::logic_error("a coupler of a scapulothoracic joint's coordinates is not supported");
    }
    SimTK::Array_<SimTK::MobilizedBodyIndex> mobods;
    SimTK::Array_<SimTK::MobilizerQIndex> qs;
    for (const auto& [b, q] : c.independents) {
      mobods.push_back(impl_->mobods[b]);
      qs.push_back(SimTK::MobilizerQIndex(q));
    }
    mobods.push_back(impl_->mobods[c.dependent_body]);
    qs.push_back(SimTK::MobilizerQIndex(c.dependent_q));
    SimTK::Constraint::CoordinateCoupler(impl_->matter, new CouplerResidual(c.function, static_cast<int>(c.independents.size())),
                                         mobods, qs);
  }
  for (const PointConstraintSpec& c : points) {
    if (c.body1 < -1 || c.body2 < -1 || c.body1 >= num_bodies_ || c.body2 >= num_bodies_ || c.body1 == c.body2)
      throw std::logic_error("a point constraint needs two different bodies");
    auto mobod = [&](int b) -> SimTK::MobilizedBody& {
      return b < 0 ? impl_->matter.updGround() : impl_->matter.updMobilizedBody(impl_->mobods[b]);
    };
    SimTK::Constraint::Ball(mobod(c.body1), to_simtk(c.point1_m), mobod(c.body2), to_simtk(c.point2_m));
  }
  for (const BushingSpec& b : bushings) {
    if (b.body1 < -1 || b.body2 < -1 || b.body1 >= num_bodies_ || b.body2 >= num_bodies_ || b.body1 == b.body2)
      throw std::logic_error("a bushing needs two different bodies");
    auto mobod = [&](int i) -> const SimTK::MobilizedBody& {
      return i < 0 ? impl_->matter.getGround() : impl_->matter.getMobilizedBody(impl_->mobods[i]);
    };
    SimTK::Vec6 k, c;
    for (int i = 0; i < 6; ++i) k[i] = b.stiffness[i], c[i] = b.damping[i];
    SimTK::Force::LinearBushing force(impl_->forces, mobod(b.body1), to_simtk(b.frame1), mobod(b.body2), to_simtk(b.frame2), k, c);
    impl_->bushings.push_back(force.getForceIndex());
  }
  for (const LockSpec& lock : locks) {
    if (lock.body < 0 || lock.body >= num_bodies_) throw std::logic_error("a locked coordinate needs a body");
    // The constraint owns its function (Simbody deletes it).
    SimTK::Constraint::PrescribedMotion(impl_->matter, new SimTK::Function::Constant(lock.value, 1),
                                        impl_->matter.updMobilizedBody(impl_->mobods[lock.body]), SimTK::MobilizerQIndex(lock.q));
  }
  impl_->default_state = impl_->system.realizeTopology();
  // Three angles for an ellipsoid mobiliser, as OpenSim sets it (else four quaternion q).
  impl_->matter.setUseEulerAngles(impl_->default_state, true);
  impl_->system.realizeModel(impl_->default_state);
  const SimTK::State& state = impl_->default_state;
  num_q_ = state.getNU();
  impl_->q_of_u.assign(num_q_, -1);
  for (SimTK::MobilizedBodyIndex i(1); i < impl_->matter.getNumBodies(); ++i) {
    const auto& mobod = impl_->matter.getMobilizedBody(i);
    if (mobod.getNumQ(state) != mobod.getNumU(state)) throw std::logic_error("expected one angle or length per mobility");
    for (int k = 0; k < mobod.getNumU(state); ++k) impl_->q_of_u[mobod.getFirstUIndex(state) + k] = mobod.getFirstQIndex(state) + k;
  }
  for (std::size_t b = 0; b < bodies.size(); ++b)
    q_start_[b] = static_cast<int>(impl_->matter.getMobilizedBody(impl_->joint_first[b]).getFirstUIndex(state));
}

System::~System() = default;

namespace {
// Static frames realise positions only (set_state); stages that need velocities catch up here.
void ensure_velocity(const System& system, Workspace::Impl& w) {
  if (w.moving) return;
  system.impl().system.realize(w.state, SimTK::Stage::Velocity);
}
}  // namespace

Workspace::Workspace(const System& system) : impl_(std::make_unique<Impl>()) {
  impl_->state = system.impl().default_state;
  const int nb = system.impl().matter.getNumBodies();
  impl_->body_forces.resize(nb);
  impl_->mobility_forces.resize(system.num_q());
  impl_->udot.resize(system.num_q());
}
Workspace::~Workspace() = default;
Workspace::Workspace(Workspace&&) noexcept = default;
Workspace& Workspace::operator=(Workspace&&) noexcept = default;

void set_state(const System& system, Workspace& ws, const Eigen::VectorXd& q,
               const Eigen::VectorXd& u) {
  SimTK::State& s = ws.impl().state;
  SimTK::Vector& sq = s.updQ();
  SimTK::Vector& su = s.updU();
  const std::vector<int>& q_of_u = system.impl().q_of_u;
  for (int i = 0; i < system.num_q(); ++i) {
    sq[q_of_u[i]] = q[i];
    su[i] = u[i];
  }
  // At rest the velocity stage adds nothing but cost (7 us of 14 on the default model).
  ws.impl().moving = u.squaredNorm() > 0;
  system.impl().system.realize(s, ws.impl().moving ? SimTK::Stage::Velocity : SimTK::Stage::Position);
}

void bushing_forces(const System& system, Workspace& ws, Eigen::VectorXd& tau) {
  const auto& impl = system.impl();
  tau = Eigen::VectorXd::Zero(system.num_q());
  if (impl.bushings.empty()) return;
  auto& w = ws.impl();
  ensure_velocity(system, w);  // the dampers need the velocities
  // Each contribution comes back in vectors Simbody sizes and zeroes: summed one by one.
  SimTK::Vector_<SimTK::SpatialVec> body_forces;
  SimTK::Vector_<SimTK::Vec3> particles;
  SimTK::Vector mobility, f;
  for (SimTK::ForceIndex i : impl.bushings) {
    impl.forces.getForce(i).calcForceContribution(w.state, body_forces, particles, mobility);
    impl.matter.multiplyBySystemJacobianTranspose(w.state, body_forces, f);
    for (int k = 0; k < system.num_q(); ++k) tau[k] += f[k] + (mobility.size() ? mobility[k] : 0.0);
  }
}

void assemble(const System& system, Workspace& ws, Eigen::VectorXd& q) {
  SimTK::State& s = ws.impl().state;
  const std::vector<int>& q_of_u = system.impl().q_of_u;
  for (int i = 0; i < system.num_q(); ++i) s.updQ()[q_of_u[i]] = q[i];
  s.updU() = 0;
  const auto& sys = system.impl().system;
  sys.realize(s, SimTK::Stage::Position);
  try {
    sys.project(s, 1e-10);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("the constraints cannot be met: ") + e.what());
  }
  sys.realize(s, SimTK::Stage::Position);
  ws.impl().moving = false;
  for (int i = 0; i < system.num_q(); ++i) q[i] = s.getQ()[q_of_u[i]];
}

void body_poses(const System& system, Workspace& ws, std::vector<Eigen::Isometry3d>& poses) {
  const auto& impl = system.impl();
  poses.resize(impl.mobods.size());
  for (std::size_t b = 0; b < impl.mobods.size(); ++b) {
    const SimTK::Transform& X = impl.matter.getMobilizedBody(impl.mobods[b])
                                    .getBodyTransform(ws.impl().state);
    Eigen::Matrix3d r;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) r(i, j) = X.R().asMat33()(i, j);
    poses[b].linear() = r;
    poses[b].translation() = to_eigen(X.p());
    poses[b].makeAffine();
  }
}

void system_jacobian(const System& system, Workspace& ws, Eigen::MatrixXd& jacobian) {
  const auto& impl = system.impl();
  SimTK::Matrix& J = ws.impl().jacobian;
  impl.matter.calcSystemJacobian(ws.impl().state, J);  // 6*nb_including_ground x nu
  const int nb = system.num_bodies();
  const int nu = system.num_q();
  jacobian.resize(6 * nb, nu);
  for (int b = 0; b < nb; ++b) {
    const int row0 = 6 * static_cast<int>(impl.mobods[b]);
    for (int r = 0; r < 6; ++r)
      for (int c = 0; c < nu; ++c) jacobian(6 * b + r, c) = J(row0 + r, c);
  }
}

void inverse_dynamics(const System& system, Workspace& ws, const Eigen::VectorXd& udot,
                      const std::vector<SpatialForce>& applied, Eigen::VectorXd& tau) {
  const auto& impl = system.impl();
  auto& w = ws.impl();
  w.body_forces.setToZero();
  for (std::size_t b = 0; b < applied.size(); ++b)
    w.body_forces[impl.mobods[b]] =
        SimTK::SpatialVec(to_simtk(applied[b].moment_Nm), to_simtk(applied[b].force_N));
  w.mobility_forces.setToZero();
  if (!w.moving && udot.squaredNorm() == 0) {
    // At rest M udot + c vanishes: the residual is -J^T applied (Position stage suffices).
    impl.matter.multiplyBySystemJacobianTranspose(w.state, w.body_forces, w.residual);
    w.residual *= -1;
  } else {
    ensure_velocity(system, w);
    for (int i = 0; i < system.num_q(); ++i) w.udot[i] = udot[i];
    impl.matter.calcResidualForceIgnoringConstraints(w.state, w.mobility_forces, w.body_forces,
                                                     w.udot, w.residual);
  }
  tau.resize(system.num_q());
  for (int i = 0; i < system.num_q(); ++i) tau[i] = w.residual[i];
}

void body_accelerations(const System& system, Workspace& ws, const Eigen::VectorXd& udot,
                        std::vector<Eigen::Vector3d>& angular_rad_s2,
                        std::vector<Eigen::Vector3d>& linear_m_s2) {
  const auto& impl = system.impl();
  auto& w = ws.impl();
  ensure_velocity(system, w);
  for (int i = 0; i < system.num_q(); ++i) w.udot[i] = udot[i];
  SimTK::Vector_<SimTK::SpatialVec> A_GB;
  impl.matter.calcBodyAccelerationFromUDot(w.state, w.udot, A_GB);
  angular_rad_s2.resize(impl.mobods.size());
  linear_m_s2.resize(impl.mobods.size());
  for (std::size_t b = 0; b < impl.mobods.size(); ++b) {
    angular_rad_s2[b] = to_eigen(A_GB[impl.mobods[b]][0]);
    linear_m_s2[b] = to_eigen(A_GB[impl.mobods[b]][1]);
  }
}

void body_angular_velocities(const System& system, Workspace& ws,
                             std::vector<Eigen::Vector3d>& angular_rad_s) {
  const auto& impl = system.impl();
  ensure_velocity(system, ws.impl());
  angular_rad_s.resize(impl.mobods.size());
  for (std::size_t b = 0; b < impl.mobods.size(); ++b)
    angular_rad_s[b] = to_eigen(
        impl.matter.getMobilizedBody(impl.mobods[b]).getBodyAngularVelocity(ws.impl().state));
}

void forward_dynamics(const System& system, Workspace& ws, const std::vector<SpatialForce>& applied,
                      const Eigen::VectorXd& mobility, Eigen::VectorXd& udot) {
  const auto& impl = system.impl();
  auto& w = ws.impl();
  ensure_velocity(system, w);
  SimTK::Vector_<SimTK::SpatialVec> body_forces(impl.matter.getNumBodies(), SimTK::SpatialVec(SimTK::Vec3(0), SimTK::Vec3(0)));
  for (std::size_t b = 0; b < applied.size(); ++b)
    body_forces[impl.mobods[b]] = SimTK::SpatialVec(to_simtk(applied[b].moment_Nm), to_simtk(applied[b].force_N));
  SimTK::Vector f(system.num_q(), 0.0);
  for (int i = 0; i < system.num_q() && i < mobility.size(); ++i) f[i] = mobility[i];
  impl.discrete.setAllBodyForces(w.state, body_forces);
  impl.discrete.setAllMobilityForces(w.state, f);
  impl.system.realize(w.state, SimTK::Stage::Acceleration);
  const SimTK::Vector& ud = w.state.getUDot();
  udot.resize(system.num_q());
  for (int i = 0; i < system.num_q(); ++i) udot[i] = ud[i];
}

void joint_reactions(const System& system, Workspace& ws, std::vector<SpatialForce>& on_child_at_M) {
  const auto& impl = system.impl();
  auto& w = ws.impl();
  SimTK::Vector_<SimTK::SpatialVec> reactions;
  impl.matter.calcMobilizerReactionForces(w.state, reactions);
  on_child_at_M.resize(impl.mobods.size());
  for (std::size_t b = 0; b < impl.mobods.size(); ++b)
    on_child_at_M[b] = {to_eigen(reactions[impl.mobods[b]][0]), to_eigen(reactions[impl.mobods[b]][1])};
}

}  // namespace spineload::mb
