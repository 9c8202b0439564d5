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

struct BodySpec {
  int parent = -1;                       // index of the parent body, -1 for ground
  Eigen::Vector3d joint_in_parent_m = Eigen::Vector3d::Zero();  // joint centre, parent frame
  double mass_kg = 0;
  Eigen::Vector3d com_m = Eigen::Vector3d::Zero();              // body frame
  Eigen::Vector3d inertia_kg_m2 = Eigen::Vector3d::Zero();      // principal, about COM
  std::vector<Eigen::Vector3d> axes;     // 1 axis (pin) or 3 axes (body-fixed sequence)
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
  explicit System(const std::vector<BodySpec>& bodies);
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

}  // namespace spineload::mb
