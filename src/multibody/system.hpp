// The seam to Simbody: the only header through which the engine touches the multibody
// library. It speaks Eigen and plain structs; the implementation (system.cpp) is the only
// translation unit that includes Simbody, compiled as C++17 because Simbody 3.7's
// headers do not compile as C++20 (see docs/dependencies.md).
#pragma once
#include <Eigen/Core>
#include <Eigen/Geometry>
#include <memory>
#include <vector>

namespace spineload::mb {

// A scalar function of some of a joint's coordinates, with first and second derivatives
// (OpenSim's Function classes: constants, lines, splines, polynomials). `x` holds the
// function's arguments in order; `components` lists the arguments differentiated by (1 or 2).
class JointFunction {
 public:
  virtual ~JointFunction() = default;
  virtual int num_arguments() const = 0;
  virtual double value(const double* x) const = 0;
  virtual double derivative(const std::vector<int>& components, const double* x) const = 0;
};

// One of a function-based joint's six spatial axes: a rotation about (first three) or a
// translation along (last three) `axis`, by `function` of the joint's own coordinates listed
// in `coordinates` (indices among the joint's coordinates). No function: constant zero.
struct TransformAxisSpec {
  Eigen::Vector3d axis = Eigen::Vector3d::UnitX();
  std::vector<int> coordinates;
  std::shared_ptr<const JointFunction> function;
};

enum class JointKind {
  rotations,  // 1 axis (pin) or 3 axes (body-fixed sequence), q = angles
  weld,       // no coordinates
  transform,  // OpenSim's CustomJoint: six functions of the coordinates (Simbody FunctionBased)
  scapulothoracic,  // OpenSim's ScapulothoracicJoint: 4 coordinates (ScapulothoracicSpec)
};

// OpenSim's ScapulothoracicJoint (Seth et al. 2016 PLoS One 11:e0141028): the scapula's joint
// frame slides on an ellipsoid fixed in the thorax's joint frame, turned by abduction,
// elevation and upward rotation (Simbody's ellipsoid mobiliser, as OpenSim builds it), then
// winging about an axis in the surface's tangent plane through `winging_origin_m`.
struct ScapulothoracicSpec {
  Eigen::Vector3d radii_m = Eigen::Vector3d::Ones();  // along the parent joint frame's x, y, z
  Eigen::Vector2d winging_origin_m = Eigen::Vector2d::Zero();  // in the surface's tangent frame
  double winging_direction_rad = 0;  // the winging axis, turned from the tangent frame's y
};

struct BodySpec {
  int parent = -1;                       // index of the parent body, -1 for ground
  // The joint frame on the parent (F) and on this body (M), as OpenSim's PhysicalOffsetFrames.
  Eigen::Isometry3d frame_in_parent = Eigen::Isometry3d::Identity();
  Eigen::Isometry3d frame_in_child = Eigen::Isometry3d::Identity();
  double mass_kg = 0;
  Eigen::Vector3d com_m = Eigen::Vector3d::Zero();              // body frame
  Eigen::Matrix3d inertia_kg_m2 = Eigen::Matrix3d::Zero();      // about COM, body axes
  JointKind kind = JointKind::rotations;
  std::vector<Eigen::Vector3d> axes;     // rotations: 1 axis (pin) or 3 (body-fixed sequence)
  int num_coordinates = 0;               // transform
  std::vector<TransformAxisSpec> transform;  // transform: 3 rotations then 3 translations
  ScapulothoracicSpec scapulothoracic;   // scapulothoracic
};

// OpenSim's CoordinateCouplerConstraint as a Simbody constraint: the `dependent_q`-th
// coordinate of `dependent_body`'s joint equals `function` of the independent coordinates,
// each the q-th of its body's joint (bodies as indexed in the System). Forward dynamics and
// joint reactions honour it; kinematics and inverse dynamics take coordinates that already do.
struct CouplerSpec {
  std::vector<std::pair<int, int>> independents;  // (body, q of its joint), the function's arguments in order
  int dependent_body = -1, dependent_q = 0;
  std::shared_ptr<const JointFunction> function;
};

// OpenSim's PointConstraint: a point fixed on body1 and one fixed on body2 (body frames;
// -1 for ground) held together (Simbody's ball constraint).
struct PointConstraintSpec {
  int body1 = -1, body2 = -1;
  Eigen::Vector3d point1_m = Eigen::Vector3d::Zero(), point2_m = Eigen::Vector3d::Zero();
};

// OpenSim's BushingForce, which is Simbody's Force::LinearBushing: frame2 (on body2) held to
// frame1 (on body1) by six linear springs and dampers on the body-fixed XYZ angles and the
// translation of frame2 in frame1. Bodies -1: ground; frames in the body's frame.
struct BushingSpec {
  int body1 = -1, body2 = -1;
  Eigen::Isometry3d frame1 = Eigen::Isometry3d::Identity(), frame2 = Eigen::Isometry3d::Identity();
  Eigen::Matrix<double, 6, 1> stiffness = Eigen::Matrix<double, 6, 1>::Zero();  // 3 rotational, 3 translational
  Eigen::Matrix<double, 6, 1> damping = Eigen::Matrix<double, 6, 1>::Zero();
};

// OpenSim's locked coordinate: the `q`-th coordinate of `body`'s joint held at `value`
// (Simbody's PrescribedMotion constraint on a constant, as OpenSim's Coordinate locks it), so
// that forward dynamics and joint reactions keep it still and its joint carries the load.
struct LockSpec {
  int body = -1, q = 0;
  double value = 0;
};

// A body's spatial force: moment about the body origin and force, both in ground.
struct SpatialForce {
  Eigen::Vector3d moment_Nm = Eigen::Vector3d::Zero();
  Eigen::Vector3d force_N = Eigen::Vector3d::Zero();
};

class Workspace;

// Immutable after construction; shared by threads, each with its own Workspace.
class System {
 public:
  explicit System(const std::vector<BodySpec>& bodies, const std::vector<CouplerSpec>& couplers = {},
                  const std::vector<PointConstraintSpec>& points = {}, const std::vector<BushingSpec>& bushings = {},
                  const std::vector<LockSpec>& locks = {});
  ~System();
  System(const System&) = delete;
  System& operator=(const System&) = delete;

  int num_bodies() const { return num_bodies_; }
  int num_q() const { return num_q_; }
  // First multibody q index of each body's inboard joint.
  const std::vector<int>& q_start() const { return q_start_; }

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
  int num_bodies_ = 0;
  int num_q_ = 0;
  std::vector<int> q_start_;
};

// Per-thread mutable state (Simbody State and scratch).
class Workspace {
 public:
  explicit Workspace(const System& system);
  ~Workspace();
  Workspace(Workspace&&) noexcept;
  Workspace& operator=(Workspace&&) noexcept;
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Sets q and u and realises positions, and velocities when u is not zero.
void set_state(const System& system, Workspace& ws, const Eigen::VectorXd& q,
               const Eigen::VectorXd& u);

// The generalised force (per q) of the system's bushings at the state last set (Simbody's
// own LinearBushing forces mapped through the Jacobian); zero when it has none.
void bushing_forces(const System& system, Workspace& ws, Eigen::VectorXd& tau);

// Moves q as little as it can so that the constraints hold (Simbody's projection; OpenSim
// assembles a model the same way). Throws std::runtime_error when they cannot be met.
void assemble(const System& system, Workspace& ws, Eigen::VectorXd& q);

// Pose of every body frame in ground.
void body_poses(const System& system, Workspace& ws, std::vector<Eigen::Isometry3d>& poses);

// System Jacobian: rows 6b..6b+2 angular velocity of body b, rows 6b+3..6b+5 velocity of
// its origin, both in ground, per unit u.
void system_jacobian(const System& system, Workspace& ws, Eigen::MatrixXd& jacobian);

// Generalised forces the joints must supply so that the bodies move with accelerations
// udot under the given applied forces: tau = M udot + c(q, u) - J^T applied.
void inverse_dynamics(const System& system, Workspace& ws, const Eigen::VectorXd& udot,
                      const std::vector<SpatialForce>& applied, Eigen::VectorXd& tau);

// Angular and linear (of the body origin) acceleration of each body in ground for udot.
void body_accelerations(const System& system, Workspace& ws, const Eigen::VectorXd& udot,
                        std::vector<Eigen::Vector3d>& angular_rad_s2,
                        std::vector<Eigen::Vector3d>& linear_m_s2);

// Angular velocity of each body in ground.
void body_angular_velocities(const System& system, Workspace& ws,
                             std::vector<Eigen::Vector3d>& angular_rad_s);

// Forward dynamics at the state last set: accelerations udot under the applied body forces
// (gravity included by the caller) and generalised forces `mobility` (per q).
void forward_dynamics(const System& system, Workspace& ws, const std::vector<SpatialForce>& applied,
                      const Eigen::VectorXd& mobility, Eigen::VectorXd& udot);

// After forward_dynamics: the force each joint exerts on its child body, as applied at the
// origin of the joint frame on the child (M), expressed in ground (Simbody's mobilizer
// reaction; what OpenSim's JointReaction reports).
void joint_reactions(const System& system, Workspace& ws, std::vector<SpatialForce>& on_child_at_M);

}  // namespace spineload::mb
