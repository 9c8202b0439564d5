// Stage interop, tools: OpenSim's analyses on any model the engine holds, driven by OpenSim
// motion files: a motion (coordinates, optionally speeds) becomes q, qdot, qddot per frame
// the way OpenSim's AnalyzeTool makes them (degrees to radians, optional low-pass filter,
// spline derivatives); inverse dynamics and joint reactions give .sto tables with
// OpenSim's column names.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "interop/external_loads.hpp"
#include "io/storage.hpp"
#include "model/model.hpp"
#include "recruitment/recruitment.hpp"

namespace spineload {

struct MotionOptions {
  double lowpass_hz = -1;                       // <= 0: no filtering
  double start_s = -INFINITY, end_s = INFINITY;  // frames outside are dropped
  // Header says nothing: OpenSim reads such SIMM-era files as degrees (its own pack does).
  bool degrees_when_unstated = true;
  // A states file: take "<coordinate>_u" (or ".../speed") columns as the speeds. A
  // coordinates file: speeds are the spline's derivative, as OpenSim's AnalyzeTool does.
  bool speeds_from_columns = false;
};

struct Motion {
  std::vector<double> time_s;
  std::vector<Eigen::VectorXd> q, qdot, qddot;  // model coordinate order
  bool speeds_from_file = false;                // "<coordinate>_u" columns were present
  std::vector<std::string> missing;             // coordinates held at their defaults
  // Where the file was read as OpenSim reads it but not as written (rows sorted, a repeated
  // time dropped, uneven steps resampled before filtering).
  std::vector<std::string> warnings;
};

Motion motion_from_storage(const Model& model, const Storage& storage, const MotionOptions& options,
                           const std::string& file);

// Generalised forces (OpenSim's InverseDynamics analysis: "<coordinate>_moment", "_force"
// for translations): gravity, inertia, any external loads and the model's passive forces
// (coordinate limit forces, point-to-point springs), no muscles or actuators.
Storage inverse_dynamics_table(const Model& model, const Motion& motion, const ExternalLoadsSpec* loads = nullptr);

// One reaction to report: the joint, on its child (or parent) body, expressed in a frame
// (a body, ground, or an offset frame such as "pin1/rod1_offset").
struct ReactionRequest {
  std::string joint;
  bool on_child = true;
  std::string frame = "ground";
};

// The actuators' forces a joint reaction analysis applies, per frame of the motion: each
// muscle's tension (frames x muscles) and each actuator's force or torque (frames x
// actuators), model order.
struct ReactionActuation {
  Eigen::MatrixXd muscle_N, actuator_N;
  // Optional: static optimisation's reserves, frames x coordinates (model order), each a
  // generalised force along its coordinate as a coordinate actuator would give it.
  Eigen::MatrixXd reserve_N;
};

// OpenSim's JointReaction without a forces file constructs the actuators' forces from the
// states, which for a motion of coordinates are the muscles' defaults: each muscle with a
// physiology at its default activation, its fibre in static equilibrium with its tendon (the
// TendonForce of the muscle analysis), other actuators at zero control. A muscle of a class
// not modelled pulls nothing and is named in `warnings`.
ReactionActuation default_state_actuation(const Model& model, const Motion& motion, std::vector<std::string>* warnings);

// OpenSim's forces_file (static optimisation's "_force" table, say): each muscle's and
// actuator's column by name, linear in time between rows and beyond them, as OpenSim's
// Storage::getDataAtTime. When a model actuator has no column OpenSim falls back to the
// states: so does this (nullopt), with a warning naming the missing columns.
std::optional<ReactionActuation> actuation_from_forces(const Model& model, const Motion& motion, const Storage& forces,
                                                       const std::string& file, std::vector<std::string>* warnings);

// Static optimisation's reserves table ("<coordinate>_reserve" columns) into `actuation`, so
// that the reactions are those of the motion the optimisation balanced (a free pelvis has
// nothing else to hold it when the model carries no residual actuators).
void add_reserves(const Model& model, const Motion& motion, const Storage& reserves, ReactionActuation& actuation);

// OpenSim's JointReaction analysis: at each frame the coordinates and speeds of the motion,
// the accelerations that every force of the model gives (gravity, external loads, passive
// forces, and `actuation` when given: muscles pull at their path points), and the force,
// moment and point of application of each requested reaction. `acceleration_gap`, when
// given, gets per frame the largest difference between those accelerations and the motion's
// (rad/s^2 or m/s^2): near zero when the forces balance the motion (static optimisation's,
// with its reserves), as they must for the reactions to be the motion's.
Storage joint_reaction_table(const Model& model, const Motion& motion, const std::vector<ReactionRequest>& requests,
                             const std::string& file, const ExternalLoadsSpec* loads = nullptr,
                             const ReactionActuation* actuation = nullptr, Eigen::VectorXd* acceleration_gap = nullptr);

struct StaticOptimizationOptions {
  double activation_exponent = 2;  // 2 or 3 (sum of activations to this power)
  bool use_muscle_physiology = false;
  SolverKind solver = SolverKind::fast;
};

// With muscle physiology, the force a muscle may give at full activation as a share of its
// maximum isometric force: for a Thelen2003Muscle exactly what OpenSim uses
// (thelen2003::opensim_static_optimization_scale); 1 for path actuators (their optimal
// force). Other muscle classes throw InputError rather than give another model's numbers.
double muscle_physiology_scale(const Muscle& muscle, double mt_length_m, double mt_speed_m_s);

// The first muscle whose class muscle_physiology_scale refuses, or null; and the refusal's
// words (static optimisation and setup files say the same).
const Muscle* muscle_without_physiology(const Model& model);
std::string physiology_refusal(const Muscle& muscle);

struct StaticOptimizationTables {
  Storage activation, force;     // OpenSim's "_activation" and "_force" tables, muscles by name
  // What the muscles and actuators could not give, per balanced coordinate
  // ("<coordinate>_reserve", N m or N): OpenSim users add reserve actuators to see this.
  Storage reserve;
  int frames_beyond_capacity = 0;  // frames where reserves had to carry load
};

// OpenSim's StaticOptimization analysis: at each frame the generalised forces of inverse
// dynamics are met by muscle forces, activation x maximum force (x the physiology scale when
// asked) along their paths, minimising the sum of activations to the exponent, every unlocked
// coordinate balanced (reserves, with a prohibitive cost, only where the muscles cannot).
// OpenSim's BodyKinematics analysis, results in ground ("_global"), angles in degrees: per
// body its centre of mass ("<body>_X", "_Y", "_Z") and orientation as body-fixed X-Y-Z
// Euler angles ("_Ox", "_Oy", "_Oz"), then the whole body's centre of mass
// ("center_of_mass_X"...); the velocity and acceleration tables give the centres' velocities
// and accelerations and the bodies' angular velocities and accelerations, all in ground.
struct BodyKinematicsTables {
  Storage position, velocity, acceleration;
};
BodyKinematicsTables body_kinematics_tables(const Model& model, const Motion& motion);

// OpenSim's MuscleAnalysis: each muscle's length ("Length", muscles as columns) and its
// moment arm about every coordinate ("MomentArm_<coordinate>", -dL/dq); and, for the
// muscles with a physiology (Thelen2003Muscle, Millard2012EquilibriumMuscle,
// DeGrooteFregly2016Muscle), their fibre as OpenSim's AnalyzeTool gives it for a motion of
// coordinates with its muscles equilibrated: the muscle's default activation, the fibre in
// static equilibrium with the tendon (a rigid tendon's fibre follows the path), in OpenSim's
// tables "FiberLength", "TendonLength", "NormalizedFiberLength", "PennationAngle" (radians),
// "TendonForce", "FiberForce", "ActiveFiberForce", "PassiveFiberForce",
// "ActiveFiberForceAlongTendon" and "PassiveFiberForceAlongTendon" (newtons).
struct MuscleAnalysisTables {
  Storage length;
  std::vector<std::pair<std::string, Storage>> moment_arm;  // per coordinate name
  std::vector<Storage> fibre;  // empty when no muscle has a physiology
};
MuscleAnalysisTables muscle_analysis_tables(const Model& model, const Motion& motion);

StaticOptimizationTables static_optimization_tables(const Model& model, const Motion& motion,
                                                    const StaticOptimizationOptions& options,
                                                    const ExternalLoadsSpec* loads = nullptr);

}  // namespace spineload
