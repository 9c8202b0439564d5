// Data: the per-thread workspace of one analysis (MuJoCo's mjData, Pinocchio's Data).
// Each pipeline stage reads what the previous stage left here and writes its own
// results. A Data belongs to one Model and one thread; the Model is never mutated.
#pragma once
#include <Eigen/Core>
#include <Eigen/Geometry>
#include <optional>
#include <string>
#include <vector>

#include "common/expression.hpp"
#include "model/external.hpp"
#include "model/model.hpp"
#include "model/separable_problem.hpp"
#include "multibody/system.hpp"

namespace spineload {

// Loads at one intervertebral joint, in the disc's mid-plane frame.
struct DiscLoad {
  int joint = -1;
  double compression_N = 0;     // along the disc normal, positive compressive
  double shear_ap_N = 0;        // positive: the upper vertebra pushed anteriorly
  double shear_lateral_N = 0;   // positive: the upper vertebra pushed to her right
  double flexion_moment_Nm = 0; // load moment on the spine above; positive flexes it
  double lateral_moment_Nm = 0; // positive bends her to the right
  double torsion_moment_Nm = 0; // positive turns her to the right
  // Moment the joint itself transmits (discs, ligaments, facets: the passive moments and any
  // reserve), same axes and signs; the muscles carry the rest of the load moment.
  double joint_flexion_moment_Nm = 0;
  double joint_lateral_moment_Nm = 0;
  double joint_torsion_moment_Nm = 0;
  double factor_of_risk = 0;    // compression / vertebral compressive strength (0 if unknown)
  // Nucleus pressure: the disc's swelling pressure plus the correction factor times the mean
  // axial stress (compression over disc area); 0 where the model has no disc area.
  double intradiscal_pressure_MPa = 0;
  // The muscles' flexion moment about the joint's flexion coordinate (negative: extension),
  // and her maximal voluntary extension there in this posture (every extensor at full
  // activation, times the share of that a maximal effort reaches with the levels above in
  // balance: Model::extension_mvc_share): their ratio is the share of her maximal extension
  // the posture asks, the target load of the fatigue model.
  double muscle_flexion_moment_Nm = 0;
  double extensor_capacity_Nm = 0;
};

struct Balance {
  Eigen::Vector3d com_m = Eigen::Vector3d::Zero();  // whole-body centre of mass, ground
  bool com_over_support = false;
  double margin_m = 0;  // distance from the COM's ground projection to the support polygon's
                        // edge; positive inside, negative outside
};

enum class RecruitmentStatus { ok, beyond_muscle_capacity, solver_failed };

struct Data {
  explicit Data(const Model& model);
  void size_recruitment_workspace(const Model& model);

  // True when this workspace, made for another model, has every size `model` needs and no
  // Simbody state (static-only models of one source, e.g. a cohort's subjects): a thread
  // can then reuse it instead of allocating a new one per model. Every stage overwrites
  // what it writes, as it does from one frame to the next.
  bool fits(const Model& model) const;

  // posture/kinematics (multibody order for q, u, udot)
  Eigen::VectorXd q, u, udot;
  std::vector<Eigen::Isometry3d> pose;        // body frames in ground
  std::vector<Expression> expression_forces;  // per model.expression_forces: this thread's evaluators
  Eigen::MatrixXd jacobian;                   // 6 nb x nq, see mb::system_jacobian
  // dynamics
  std::vector<mb::SpatialForce> applied;      // gravity + external loads, about body origins
  std::vector<mb::SpatialForce> inertial;     // -(m a, I alpha + w x I w), about body origins
  Eigen::VectorXd tau_Nm;                     // required generalised force per coordinate
  Eigen::VectorXd passive_Nm;                 // passive generalised force per coordinate: the joint's own
                                              // stiffness (passive_moments), then passive tissues added
  // muscles
  std::vector<std::vector<Eigen::Vector3d>> path_m;  // path points in ground per muscle
  std::vector<std::vector<Eigen::Vector3d>> segment_dir;  // unit vector of each path segment
  Eigen::VectorXd length_m;                   // per muscle
  Eigen::MatrixXd moment_arm_m;               // coordinates x muscles: generalised force per N
  double abdominal_column_kPa = 0;            // the abdominal contents' weight: pressure at the floor less under the diaphragm
  double abdominal_head_kPa = 0;              // the same from the cavity's top (lying, the front or upper wall): what a catheter adds
  // passive tissues (passive_tissues): ligaments and fascia along their paths, and the
  // passive tension of stretched muscle fibres; their generalised forces are in passive_Nm
  std::vector<std::vector<Eigen::Vector3d>> passive_path_m;  // per passive element
  std::vector<std::vector<Eigen::Vector3d>> passive_segment_dir;
  Eigen::VectorXd passive_length_m, passive_element_force_N;  // per passive element
  Eigen::VectorXd muscle_passive_force_N;     // per muscle, beside the recruited force_N
  // recruitment
  std::vector<Contact> contacts;              // supports that push (set from the posture)
  Eigen::VectorXd contact_force_N;            // per contact, along its normal (>= 0)
  Eigen::VectorXd activation, force_N;        // per muscle
  Eigen::VectorXd actuator_control;           // per coordinate actuator (imported models)
  Eigen::VectorXd path_force_N;               // per path force (imported models): its tension
  Eigen::VectorXd reserve_Nm;                 // per equilibrium coordinate
  RecruitmentStatus status = RecruitmentStatus::ok;
  double objective = 0;
  int solver_iterations = 0;
  Eigen::VectorXd dual_warm_start;            // fast solver's multipliers, along a series
  bool warm_start_valid = false;              // whether the next frame starts from them
  bool warm_start_foreign = false;            // from another problem (rescaled: solve_fast)
  Eigen::VectorXd dual_previous, dual_trend;  // the frame before's multipliers, and the change
  bool previous_valid = false;                // whether dual_previous is a series' frame
  RecruitmentWorkspace recruitment;           // the optimisation and the solver's buffers
  std::vector<Eigen::Vector2d> support_ground, support_hull;  // balance's buffers
  // Scratch, per multibody coordinate: a path's unit-tension generalised force and a sum of
  // them (muscle_geometry, passive_tissues), the static inverse dynamics' forces.
  Eigen::VectorXd path_g, path_total_g, tau_mb;
  std::vector<Eigen::Vector3d> joint_centre_m;  // per joint, in ground (muscle geometry, passive tissues)
  // Per body, in ground: angular velocity and acceleration, the origin's acceleration
  // (inverse dynamics of a moving posture).
  std::vector<Eigen::Vector3d> body_omega, body_alpha, body_a_origin;
  // loads and balance
  std::vector<DiscLoad> disc;                 // per model.spinal_joints entry
  Balance balance;

  std::optional<mb::Workspace> ws;            // Simbody's state; none for a static-only model
};

}  // namespace spineload
