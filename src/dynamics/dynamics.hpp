// Stage 3, dynamics: takes joint coordinates (and their rates) and the posture's loads;
// gives body poses and Jacobian (kinematics), the applied and inertial body loads, the
// generalised forces the joints must supply (inverse dynamics: from the joint chain on the
// built-in models, through Simbody on imported ones), the passive joint moments, and the
// whole-body centre of mass over its support. Nothing here allocates on a built-in model
// once Data is built (tests/allocation).
#pragma once
#include <Eigen/Core>

#include "model/data.hpp"
#include "model/external.hpp"

namespace spineload {

// Sets coordinates (model order, rad and rad/s) and computes poses and the Jacobian.
void forward_kinematics(const Model& model, Data& data, const Eigen::VectorXd& q_rad,
                        const Eigen::VectorXd& qdot_rad_s);

// Body poses (data.pose) only, at rest: forward_kinematics without the Jacobian, for
// searches that need only where the segments are (posture adaptation, centre of mass).
// A built-in model's Simbody state is not touched by either: code that asks Simbody itself
// sets it (mb::set_state).
void body_poses(const Model& model, Data& data, const Eigen::VectorXd& q_rad);

// The system Jacobian (data.jacobian) from joint axes and centres; part of forward_kinematics.
void joint_jacobian(const Model& model, Data& data);

// Gravity and external loads on each body (data.applied). A root accelerating at
// `root_acceleration_m_s2` (ground frame) adds -m a to every body: the joints then carry
// what they would in a body whose root moves so (Posture::root_acceleration_m_s2).
void apply_loads(const Model& model, Data& data, const std::vector<ExternalLoad>& loads,
                 const Eigen::Vector3d& root_acceleration_m_s2 = Eigen::Vector3d::Zero());

// Net generalised forces per coordinate (data.tau_Nm) for coordinate accelerations
// qddot (model order; zero for a quasi-static posture), and the inertial body loads.
void inverse_dynamics(const Model& model, Data& data, const Eigen::VectorXd& qddot_rad_s2);

// Passive generalised force of every coordinate (data.passive_Nm): the joint's own
// stiffness, and an imported model's coordinate limit forces (at data.q and data.u).
void passive_moments(const Model& model, Data& data);

// Generalised forces (per mobility, Data's u order) of actuator `a` at a control of 1, at
// the poses and Jacobian of the last forward kinematics.
void actuator_generalized_force(const Model& model, const Data& data, int a, Eigen::VectorXd& g);

// The same forces as the multibody system feels them, for joint reactions (where a pull's
// body and point matter, not only its generalised force): spatial forces on bodies added to
// data.applied, forces along mobilities added to `mobility` (multibody u order).
// add_passive_loads: the coordinates' passive forces along their mobilities and the
// point-to-point springs' pulls (bushings act inside the multibody system already).
// add_actuator_loads: actuator a at `force` (newtons, or newton metres for a torque).
void add_passive_loads(const Model& model, Data& data, Eigen::VectorXd& mobility);
void add_actuator_loads(const Model& model, Data& data, int a, double force, Eigen::VectorXd& mobility);

// The whole body's centre of mass (ground frame), at the poses of the last body_poses or
// forward_kinematics; the masses pregnancy and lactation add to segments included.
Eigen::Vector3d centre_of_mass_m(const Model& model, const Data& data);

// Centre of mass and whether its ground projection lies in the support polygon.
void balance(const Model& model, Data& data, Support support);

// Horizontal distance (along X) of the centre of mass of everything above the hips (head,
// arms, trunk, pelvis) ahead of the root body's origin (the hip joint centres), after
// forward_kinematics. `segments_only`: without the masses added to the segments
// (Body::added_mass_kg), i.e. her upper body as it was before pregnancy, in the same pose.
double upper_body_com_ahead_of_hips_m(const Model& model, const Data& data, bool segments_only = false);

// A point fixed on a body (or on ground, body -1), in ground.
// Adds to g (multibody q order) the generalised force of a spatial force on `body` (moment
// about its origin and force, both in ground): J_w^T moment + J_v^T force. Ground: nothing.
inline void add_body_force(const Data& data, int body, const Eigen::Vector3d& moment_Nm, const Eigen::Vector3d& force_N,
                           Eigen::VectorXd& g) {
  if (body < 0) return;
  g += data.jacobian.middleRows(6 * body, 3).transpose() * moment_Nm + data.jacobian.middleRows(6 * body + 3, 3).transpose() * force_N;
}

inline Eigen::Vector3d world_point(const Data& data, int body, const Eigen::Vector3d& p) {
  return body < 0 ? p : data.pose[body] * p;
}

}  // namespace spineload
