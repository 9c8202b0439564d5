// Stage 1, model: takes the model data files (YAML) and a subject's height and mass;
// gives an immutable Model (bodies, joints, coordinates, rhythms, muscles, supports),
// built once and shared by every thread. Per-thread state lives in Data (analysis/data.hpp).
#pragma once
#include <Eigen/Core>
#include <Eigen/Geometry>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "multibody/system.hpp"

namespace spineload {

namespace millard2012 {
struct Curves;  // muscles/millard2012.hpp: built by the importer, shared by every copy of the model
}

struct Body {
  std::string name;
  int parent_joint = -1;           // joint whose child this body is
  double mass_kg = 0;
  Eigen::Vector3d com_m = Eigen::Vector3d::Zero();          // in body frame
  Eigen::Vector3d inertia_kg_m2 = Eigen::Vector3d::Zero();  // principal, about COM, body axes
  Eigen::Vector3d products_kg_m2 = Eigen::Vector3d::Zero(); // xy, xz, yz (imported models)
  // What added masses (ModelAdjustments: pregnancy, lactation) put on this segment, already
  // in mass_kg and com_m: their mass and first moment (mass x position, body frame). The
  // segment alone, as before pregnancy, is what is left when they are taken off.
  double added_mass_kg = 0;
  Eigen::Vector3d added_first_moment_kg_m = Eigen::Vector3d::Zero();
  std::vector<int> ancestor_q;     // multibody q indices of the joints from ground to here
  Eigen::Matrix3d inertia_tensor() const {
    Eigen::Matrix3d I = inertia_kg_m2.asDiagonal();
    I(0, 1) = I(1, 0) = products_kg_m2.x();
    I(0, 2) = I(2, 0) = products_kg_m2.y();
    I(1, 2) = I(2, 1) = products_kg_m2.z();
    return I;
  }
};

// Piecewise-linear passive moment of the joint itself (disc and facets): M = -k (q - neutral),
// k depending on the side of the neutral angle, where the unloaded motion segment rests.
struct PassiveStiffness {
  double positive_Nm_per_rad = 0;
  double negative_Nm_per_rad = 0;
  double neutral_rad = 0;
  double moment_Nm(double q_rad) const {
    const double d = q_rad - neutral_rad;
    return -(d >= 0 ? positive_Nm_per_rad : negative_Nm_per_rad) * d;
  }
};

struct Coordinate {
  std::string name;
  int joint = -1;
  Eigen::Vector3d axis = Eigen::Vector3d::UnitZ();  // in the joint frame
  double min_rad = 0, max_rad = 0;
  PassiveStiffness stiffness;
  int mb_index = -1;               // index into the multibody q and u vectors
  bool translational = false;      // a length in metres, not an angle (imported models)
  double default_value = 0;        // rad or m
  bool locked = false, clamped = true;
};

struct Joint {
  std::string name;
  int parent_body = -1;            // -1: ground
  int child_body = -1;
  Eigen::Vector3d location_in_parent_m = Eigen::Vector3d::Zero();
  // Imported models: the joint frames on parent and child (OpenSim's offset frames) and how
  // the coordinates move the child (built-in models: rotations about the coordinate axes).
  Eigen::Isometry3d frame_in_parent = Eigen::Isometry3d::Identity();
  Eigen::Isometry3d frame_in_child = Eigen::Isometry3d::Identity();
  mb::JointKind kind = mb::JointKind::rotations;
  std::vector<mb::TransformAxisSpec> transform;  // kind transform: 6 axes; argument indices
                                                 // are positions in `coordinates`
  mb::ScapulothoracicSpec scapulothoracic;       // kind scapulothoracic
  std::vector<int> coordinates;    // 1 or 3, in rotation order (any number when imported)
  bool intervertebral = false;     // a spinal joint whose loads are reported
  double disc_tilt_rad = 0;        // disc mid-plane normal, tilted anteriorly from +Y
  double column_share = 1;         // share of the force across the level the vertebral column
                                   // carries (in the thorax the rib cage carries the rest)
  std::vector<char> in_subtree;    // per body: 1 if the body lies above (distal to) this joint
  // Muscle path segments that cross this joint: (muscle, segment k from point k to k+1,
  // +1 when point k is the one above the joint, -1 when point k+1 is).
  struct Crossing {
    int muscle, segment, sign;
  };
  std::vector<Crossing> crossings;
  std::vector<Crossing> passive_crossings;  // the same for passive elements (`muscle` indexes them)
};

// A driver angle spread over coordinates by fixed ratios (spinal rhythm).
struct Rhythm {
  std::string name;
  double min_rad = 0, max_rad = 0;
  std::vector<std::pair<int, double>> ratios;  // (coordinate, ratio)
};

struct PathPoint {
  int body = -1;
  Eigen::Vector3d location_m = Eigen::Vector3d::Zero();  // in body frame
  // OpenSim's ConditionalPathPoint: on the path only while a coordinate lies in [min, max].
  int condition_coordinate = -1;
  double condition_min = 0, condition_max = 0;
  // OpenSim's MovingPathPoint: each component given by a function of one coordinate
  // (coordinate -1: that component stays at location_m).
  std::array<int, 3> moving_coordinate{-1, -1, -1};
  std::array<std::shared_ptr<const mb::JointFunction>, 3> moving_function;
  bool moves() const { return moving_coordinate[0] >= 0 || moving_coordinate[1] >= 0 || moving_coordinate[2] >= 0; }
};

// A passive tissue along a path (ligament, fascia): tension from its elongation beyond its
// slack length, piecewise linear in strain (stiffness per strain range, as in vitro tests
// report them). Its force loads the joints it crosses like a muscle's, but is not chosen by
// the recruitment: it follows from the posture.
// A path segment crossing a joint: the joint, the segment (from point k to k + 1), and +1
// when point k lies above the joint (distal), -1 when point k + 1 does.
struct PathCrossing {
  int joint, segment, sign;
  // The joint's own indices, copied here so that muscle geometry reads one contiguous record
  // per crossing instead of the joint's and each coordinate's (a fifth of straight_path's
  // time went to those loads, perf): its child body, its coordinates and their multibody
  // indices (the first num_q entries).
  int child_body = -1, num_q = 0;
  std::array<int, 6> q{}, mb{};
};

struct PassiveElement {
  std::string name;
  std::string group;
  std::vector<PathPoint> path;
  double slack_length_m = 0;
  std::vector<double> strain_breaks;       // ascending strains where the stiffness changes, first 0
  std::vector<double> stiffness_N_per_m;   // per range, against elongation
  std::vector<char> crosses_q;             // as Muscle::crosses_q
  std::vector<PathCrossing> crossings;     // as Muscle::crossings
  bool rotational_crossings = false;
  double force_N(double length_m) const;
};

// OpenSim's actuators (imported models), each a control x optimal force: on one coordinate
// (CoordinateActuator), a torque between two bodies about an axis (TorqueActuator: +torque
// on body A, -torque on body B; the axis in ground, or in body A's frame), or a force at a
// point of a body (PointActuator: point and direction in the body's frame or in ground).
// Static optimisation solves for the controls within [min_control, max_control].
struct Actuator {
  enum class Kind { coordinate, torque, point };
  std::string name;
  Kind kind = Kind::coordinate;
  int coordinate = -1;                  // coordinate
  int body = -1, body_b = -1;           // point: its body; torque: bodies A and B (-1: ground)
  Eigen::Vector3d axis = Eigen::Vector3d::UnitZ();  // torque axis or force direction (unit)
  Eigen::Vector3d point_m = Eigen::Vector3d::Zero();
  bool axis_in_ground = true;           // torque_is_global / force_is_global
  bool point_in_ground = false;         // point_is_global
  double optimal_force = 1, min_control = -1, max_control = 1;
  // The control's cost weight in recruitment (OpenSim's criterion: 1). A built-in limb
  // torque stands for the k muscles that produce it: k equal muscles sharing a torque each
  // at activation a cost k a^2, so its weight is k.
  double cost_weight = 1;
  // The control's exponent in the cost: 0, the criterion's (OpenSim's); 2, squared under
  // every criterion. The built-in limb torques take either sign and often rest near zero,
  // where a cube's dual has unbounded curvature that the dual Newton cannot follow (the
  // trunk's muscles sit at their tone there instead); squared, they converge as reserves do.
  int cost_power = 0;
};

// OpenSim's PointToPointSpring (imported models; Simbody's TwoPointLinearSpring): a linear
// spring between a point of each of two bodies (-1: ground), tension stiffness x (length -
// rest length), compression below it; a passive force, in passive_Nm.
struct PointToPointSpring {
  std::string name;
  int body1 = -1, body2 = -1;
  Eigen::Vector3d point1_m = Eigen::Vector3d::Zero(), point2_m = Eigen::Vector3d::Zero();
  double stiffness_N_per_m = 1, rest_length_m = 0;
};

// OpenSim's BushingForce (imported models): Simbody's LinearBushing between a frame on each
// of two bodies (mb::BushingSpec); passive, in passive_Nm, through the multibody system.
struct Bushing {
  std::string name;
  mb::BushingSpec spec;
};

// OpenSim's SpringGeneralizedForce (imported models): -stiffness (q - rest_length) -
// viscosity qdot on one coordinate, SI units; passive, in passive_Nm.
struct CoordinateSpring {
  std::string name;
  int coordinate = -1;
  double stiffness = 0, rest_length = 0, viscosity = 0;
  double force(double q, double qdot) const { return -stiffness * (q - rest_length) - viscosity * qdot; }
};

// OpenSim's ExpressionBasedCoordinateForce (imported models): a generalised force on one
// coordinate given as an expression of q and qdot (SI), evaluated per thread from Data.
struct ExpressionCoordinateForce {
  std::string name;
  int coordinate = -1;
  std::string expression;
};

// OpenSim's CoordinateLimitForce (imported models): a passive generalised force on one
// coordinate beyond its limits, stiffness rising over a transition by Simbody's quintic
// step, damping only there. SI: limits in rad or m, stiffness per rad or m.
struct CoordinateLimitForce {
  std::string name;
  int coordinate = -1;
  double upper_stiffness = 0, upper_limit = 0, lower_stiffness = 0, lower_limit = 0, damping = 0, transition = 0;
  // The generalised force at q and its rate qdot (OpenSim's calcLimitForce).
  double force(double q, double qdot) const;
};

// OpenSim's CoordinateCouplerConstraint: a dependent coordinate as a function of another.
// OpenSim's CoordinateCouplerConstraint (imported models): the dependent coordinate equals
// `function` of the independent ones, in order (one or several).
struct CoordinateCoupler {
  int dependent = -1;
  std::vector<int> independents;
  std::shared_ptr<const mb::JointFunction> function;
  // The function's arguments at coordinates q (model order).
  std::vector<double> arguments(const Eigen::VectorXd& q_model_order) const {
    std::vector<double> x;
    for (int c : independents) x.push_back(q_model_order[c]);
    return x;
  }
};

// OpenSim's PointConstraint (imported models): a point on body1 held on a point on body2
// (body frames; -1 ground). Static optimisation balances the bodies with its three force
// components free (recruitment.cpp), as OpenSim's does through the constrained dynamics.
struct PointConstraint {
  std::string name;
  int body1 = -1, body2 = -1;
  Eigen::Vector3d point1_m = Eigen::Vector3d::Zero(), point2_m = Eigen::Vector3d::Zero();
};

// What OpenSim muscles add to a path and a maximum force (imported models); static analysis
// uses them when asked to include muscle physiology.
struct MuscleTendon {
  std::string type;                    // OpenSim class
  double optimal_fiber_length_m = 0;
  double tendon_slack_length_m = 0;
  double pennation_at_optimal_rad = 0;
  double max_contraction_velocity = 10;  // optimal fibre lengths per second
  // Thelen 2003 curve shapes (OpenSim's Thelen2003Muscle properties and their defaults).
  double kshape_active = 0.45, kshape_passive = 5.0, af = 0.25, flen = 1.8;
  double fmax_tendon_strain = 0.033, fmax_muscle_strain = 0.6;
  double fv_extrapolation_threshold = 0.95;  // of the eccentric asymptote
  // Millard2012EquilibriumMuscle and DeGrooteFregly2016Muscle properties, OpenSim's defaults
  // (Millard's default_fiber_length is 0.1 m unless the file gives it: OpenSim constructs
  // it from the base class's optimal length before reading the file).
  bool ignore_tendon_compliance = false;
  double fiber_damping = 0.1;
  double default_activation = 0.05, minimum_activation = 0.01;
  double default_fiber_length_m = 0.1;
  std::shared_ptr<const millard2012::Curves> millard;  // built at import
  double active_force_width_scale = 1, passive_fiber_strain_at_one_norm_force = 0.6;
  double tendon_strain_at_one_norm_force = 0.049;
  bool ignore_passive_fiber_force = false;
};

// A smooth obstacle a muscle path wraps over (OpenSim's wrap objects), fixed on a body;
// its own frame: cylinder axis Z; ellipsoid and sphere centred at the origin.
struct WrapObject {
  enum class Shape { cylinder, ellipsoid, sphere, torus };
  std::string name;
  Shape shape = Shape::cylinder;
  int body = -1;
  Eigen::Isometry3d in_body = Eigen::Isometry3d::Identity();
  // cylinder: radius, length; ellipsoid: radii; sphere: radius; torus: tube radius, ring
  // radius (OpenSim's inner_radius, outer_radius; the ring lies in the frame's XY plane)
  Eigen::Vector3d dimensions_m = Eigen::Vector3d::Zero();
  int quadrant_axis = -1;  // -1: any side; else the path stays where this axis has quadrant_sign
  int quadrant_sign = 0;
};

// One wrap of a muscle path: the object, and the path points between which it may act
// (0-based, inclusive; -1: the whole path).
struct PathWrap {
  int object = -1;
  int first_point = -1, last_point = -1;
};

// Passive tension of a muscle's fibres when stretched (built-in muscles): Thelen's passive
// force-length curve (tendon.kshape_passive, tendon.fmax_muscle_strain) over fibres of
// tendon.optimal_fiber_length_m, slack at tendon.tendon_slack_length_m + that (rigid tendon).
struct Muscle {
  std::string name;
  std::string group;
  std::vector<PathPoint> path;     // origin, via points, insertion
  std::vector<PathWrap> wraps;     // in the order they are applied (imported models)
  bool variable_path = false;      // conditional or moving points (imported models)
  double pcsa_m2 = 0;
  double max_stress_Pa = 0;
  double max_isometric_force_N = 0;  // given directly (imported); else PCSA x stress
  double min_activation = 0, max_activation = 1;  // OpenSim's min_control and max_control
  MuscleTendon tendon;
  bool passive = false;            // stretched fibres pull (built-in muscles that declare it)
  // Intra-abdominal pressure, recruited like a muscle: its "activation" is the transversus
  // abdominis activation that pressurises the cavity, its force a push between pelvic floor
  // and diaphragm (the path's two points); cost_weight counts both transversus sides and the
  // diaphragm that holds the pressure.
  bool pushes = false;
  double cost_weight = 1;
  // Per multibody q index: whether a path segment crosses the coordinate's joint
  // (finish_model_topology). A straight path pulls on no other coordinate: its moment arms
  // there are exactly zero and need not be computed.
  std::vector<char> crosses_q;
  // The joints its path crosses (joint index, segment, +1 when the segment's first point is
  // the one above), and whether every one is a pure rotation, so that the generalised force
  // is each coordinate's axis . (moment of the pull about the joint centre).
  std::vector<PathCrossing> crossings;
  bool rotational_crossings = false;
  double max_force_N() const { return max_isometric_force_N > 0 ? max_isometric_force_N : pcsa_m2 * max_stress_Pa; }
};

// OpenSim's path-based passive forces (imported models), along a path read as a muscle's
// (its points and wraps in `path`; the rest of that Muscle unused). A Ligament pulls with
// pcsa_force x its force-length curve of length over resting length, nothing at or below the
// resting length; a PathSpring with stiffness x stretch beyond the resting length x
// (1 + dissipation x lengthening speed) (OpenSim's Ligament and PathSpring computeForce).
struct PathForce {
  enum class Kind { ligament, path_spring };
  Kind kind = Kind::ligament;
  std::string name;
  Muscle path;
  double resting_length_m = 0;
  double pcsa_force_N = 0;                                // ligament
  std::shared_ptr<const mb::JointFunction> force_length;  // ligament: of length / resting length
  double stiffness_N_per_m = 0, dissipation_s_per_m = 0;  // path spring
};


// A named frame fixed on a body (or on ground, body -1): OpenSim's offset frames, for
// expressing joint reactions.
struct Frame {
  std::string name;
  int body = -1;
  Eigen::Isometry3d in_body = Eigen::Isometry3d::Identity();
};

struct Marker {
  std::string name;
  int body = -1;
  Eigen::Vector3d location_m = Eigen::Vector3d::Zero();
};

// How she is supported. Lying ways turn the whole body (the root orientation) and let a
// mattress push up on her where the model says it touches.
enum class Support { standing, seated, kneeling, lying_supine, lying_prone, lying_right, lying_left };
inline constexpr Support kAllSupports[] = {Support::standing,     Support::seated,      Support::kneeling,
                                           Support::lying_supine, Support::lying_prone, Support::lying_right,
                                           Support::lying_left};
inline const char* support_name(Support s) {
  switch (s) {
    case Support::standing: return "standing";
    case Support::seated: return "seated";
    case Support::kneeling: return "kneeling";
    case Support::lying_supine: return "lying_supine";
    case Support::lying_prone: return "lying_prone";
    case Support::lying_right: return "lying_right";
    case Support::lying_left: return "lying_left";
  }
  return "?";
}
inline bool is_lying(Support s) { return s >= Support::lying_supine; }

// One way of lying: the root orientation it implies and where the mattress pushes up.
struct LyingSupport {
  std::vector<std::pair<int, double>> orientation_rad;  // root coordinate -> value
  std::vector<PathPoint> contacts;                      // mattress or pillow contact points
  std::vector<PathPoint> support;                       // contacts plus other resting points
  // A limb lying on her own body (on her side, the upper arm on her flank): the limb's
  // point and the body under it, which bears its weight.
  std::vector<std::pair<PathPoint, int>> on_body;
};

// Where the trunk or head rests on a mattress it bears over an area: each of those contacts
// is taken at its point, at the segment's two ends along her (its joints; the head, with none
// above, half_length_m each way) and half_width_m to either side across her (posture stage),
// so the mattress can hold a segment's moment as well as its weight. Scaled to the subject's
// height; both zero: a point.
struct LyingPatch {
  double half_length_m = 0, half_width_m = 0;
};

// Changes a subject makes to the reference model (subject stage): added masses, muscle
// capacities and paths, passive stiffness, bone. Positions are in the reference subject's
// relaxed-standing ground frame, like the data files, and scale with height.
struct AddedMass {
  std::string label;
  std::string body;
  double mass_kg = 0;
  Eigen::Vector3d location_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d radii_of_gyration_m = Eigen::Vector3d::Zero();  // its own inertia, ground axes
  // A solid her limbs and hands cannot pass through (the pregnant uterus): its semi-axes
  // along the reference axes; zero when it takes no room.
  Eigen::Vector3d semi_axes_m = Eigen::Vector3d::Zero();
};

// Part of a solid that takes room in front of her trunk (a slab of the pregnant uterus),
// centred at `centre_m` in the frame of `body`, with semi-axes along the body's axes.
struct BodySolid {
  int body = -1;
  Eigen::Vector3d centre_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d semi_axes_m = Eigen::Vector3d::Zero();
};

struct ModelAdjustments {
  std::vector<AddedMass> added_masses;
  std::vector<std::pair<std::string, double>> group_capacity;   // muscle group -> factor
  std::vector<std::pair<std::string, double>> muscle_capacity;  // muscle name -> factor
  // Muscle group -> shift of its via points (right side; mirrored on the left).
  std::vector<std::pair<std::string, Eigen::Vector3d>> group_via_shift_m;
  double passive_stiffness_factor = 1;
  std::vector<std::pair<std::string, double>> joint_stiffness_factor;  // joint -> factor
  double trunk_strength_factor = 1;  // every muscle
  double age_years = -1;             // -1: the model's default subject
  double lumbar_bmd_g_cm2 = -1;      // -1: the reference density
};

struct Model {
  std::string name;
  // The topology of the source this model was last built from (build_into): rebuilding it
  // from the same source (a cohort thread's next subject) leaves the names, indices and path
  // crossings it already holds, and writes only what the subject changes.
  std::shared_ptr<const void> built_from;
  double height_m = 0;
  double mass_kg = 0;
  Eigen::Vector3d gravity_m_s2 = Eigen::Vector3d(0, -9.80665, 0);
  std::vector<Body> bodies;        // parents before children; body 0 is the root (pelvis)
  std::vector<Joint> joints;       // joint i has child body i
  std::vector<Coordinate> coordinates;
  std::vector<Rhythm> rhythms;
  std::vector<Muscle> muscles;
  std::vector<PassiveElement> passive_elements;  // ligaments and fascia (built-in model)
  int abdominal_pressure_muscle = -1;  // the muscle that stands for intra-abdominal pressure
  double abdominal_pressure_area_m2 = 0;  // where that pressure pushes (diaphragm, pelvic floor)
  // The pressure under the diaphragm, in kPa, when that muscle pulls with `force_N` (its
  // push over the area); 0 without one.
  double abdominal_pressure_kPa(double force_N) const {
    return abdominal_pressure_area_m2 > 0 ? 1e-3 * force_N / abdominal_pressure_area_m2 : 0.0;
  }
  // The contents' weight: the pressure at the floor is the recruited one (under the
  // diaphragm) plus the column's, rho g h. Recruitment costs the column (abdominal_column).
  double abdominal_contents_density_kg_m3 = 0;
  double abdominal_pelvic_floor_max_kPa = 0;  // the most the pelvic floor holds (its cost)
  // Via points in the cavity's wall (muscle, point index): of the muscles in
  // abdominal_pressure.wall_groups, those carried by the bodies between the floor's and the
  // diaphragm's (the lumbar vertebrae). With the diaphragm's point they bound the contents.
  std::vector<std::pair<int, int>> abdominal_wall_points;
  std::vector<PathPoint> standing_support, seated_support, kneeling_support;
  std::array<LyingSupport, 4> lying;  // supine, prone, right side, left side
  const LyingSupport& lying_support(Support s) const {
    return lying[static_cast<int>(s) - static_cast<int>(Support::lying_supine)];
  }
  const std::vector<PathPoint>& support_points(Support s) const {
    if (is_lying(s)) return lying_support(s).support;
    return s == Support::standing ? standing_support : s == Support::seated ? seated_support : kneeling_support;
  }
  std::vector<PathPoint> backrest_contacts;  // points of her back a backrest can push on
  LyingPatch lying_patch;                    // the extent of a trunk or head contact lying
  std::vector<BodySolid> abdomen;            // the pregnant uterus, bottom to top; empty when not pregnant
  std::vector<int> spinal_joints;            // intervertebral joints, bottom to top
  std::vector<double> vertebral_strength_N;     // per spinal joint: mean failure strength, for the factor of risk
  // Per spinal joint: the maximal voluntary extension its isometric test reaches, over the sum
  // of its extensors' maximal moments (muscles.yaml, extension_mvc_share; 1 when not given).
  std::vector<double> extension_mvc_share;
  std::vector<double> vertebral_strength_p5_N;  // per spinal joint: the weakest 5 % of segments like hers
  // Intradiscal pressure = swelling pressure + correction factor x compression / disc area.
  std::vector<double> disc_area_m2;          // per spinal joint; 0: no disc (no pressure reported)
  double idp_correction_factor = 0;          // nucleus pressure over mean axial stress
  double disc_swelling_pressure_MPa = 0;     // the unloaded disc's own pressure
  double age_years = 0;
  double lumbar_bmd_g_cm2 = 0;
  std::vector<int> equilibrium_coordinates;  // coordinates of spinal joints (muscle-balanced)
  // The Simbody system; null for a static-only model (build_static_model), whose still
  // postures the engine analyses with its own kinematics and Jacobian.
  std::shared_ptr<const mb::System> multibody;
  int num_q = 0;                   // multibody q (= u) count
  // Every joint a pin or gimbal about axes through the child's origin: the engine's own
  // Jacobian applies (dynamics.cpp); otherwise Simbody's.
  bool rotations_about_child_origin = true;
  std::vector<Frame> frames;       // imported models
  std::vector<WrapObject> wrap_objects;  // imported models
  std::vector<CoordinateCoupler> couplers;  // imported models
  std::vector<PointConstraint> point_constraints;  // imported models
  std::vector<PathForce> path_forces;              // imported models: passive, in passive_Nm
  std::vector<Bushing> bushings;                   // imported models: passive, in passive_Nm
  std::vector<Actuator> actuators;                    // imported models
  std::vector<CoordinateLimitForce> limit_forces;     // imported models: passive, in passive_Nm
  std::vector<PointToPointSpring> springs;            // imported models: passive, in passive_Nm
  std::vector<CoordinateSpring> coordinate_springs;   // imported models: passive, in passive_Nm
  std::vector<ExpressionCoordinateForce> expression_forces;  // imported models: passive, in passive_Nm
  std::vector<Marker> markers;     // imported models

  int body_index(const std::string& name) const;        // -1 when absent
  int joint_index(const std::string& name) const;
  int coordinate_index(const std::string& name) const;
  int rhythm_index(const std::string& name) const;
  int muscle_index(const std::string& name) const;
  int frame_index(const std::string& name) const;
  double total_mass_kg() const;
};

// A rhythm's lumbar flexion levels (T12/L1 to L5/S1) with their ratios, in the rhythm's
// order: the lumbar share that the posture adaptation and the sit-to-stand lean spread.
std::vector<std::pair<int, double>> lumbar_ratios(const Model& model, const Rhythm& rhythm);

// The parsed data files of a model, for the reference subject (before scaling).
struct ModelSource;

// Parses a model from its two YAML texts. file names are used in error messages.
std::shared_ptr<const ModelSource> parse_model_source(const std::string& model_yaml,
                                                      const std::string& model_file,
                                                      const std::string& muscles_yaml,
                                                      const std::string& muscles_file);

// Reads a model folder holding model.yaml and muscles.yaml.
std::shared_ptr<const ModelSource> load_model_source(const std::string& directory);

// The built-in default model "female-adult" (data files embedded at build time).
std::shared_ptr<const ModelSource> default_model_source();

// Scales the reference model to a subject and builds its multibody system.
// Throws InputError for a height or mass outside plausible adult ranges.
// `mass_kg` is the body mass before any added mass (pre-pregnancy for a subject).
std::shared_ptr<const Model> build_model(const ModelSource& source, double height_m,
                                         double mass_kg, const ModelAdjustments& adjustments = {});

// The same model without a Simbody system: for still postures only (no rates, no inertia),
// analysed with the engine's own kinematics and Jacobian; several times cheaper to build,
// which matters when every subject of a cohort gets her own model. The results equal the
// full model's (tests/model).
std::shared_ptr<const Model> build_static_model(const ModelSource& source, double height_m, double mass_kg,
                                                const ModelAdjustments& adjustments = {});

// The same static model written into `model`, which a thread keeps from one subject to the
// next (a cohort): when `model` already holds a model of this source its storage is reused
// and nothing is allocated. Only for a model no one else is reading.
void rebuild_static_model(const ModelSource& source, double height_m, double mass_kg,
                          const ModelAdjustments& adjustments, Model& model);

// Derived topology of a model whose bodies, joints, coordinates (with multibody indices) and
// muscles are set: subtrees, Jacobian columns per body, muscle crossings (model import uses it).
void finish_model_topology(Model& model);

double default_height_m(const ModelSource& source);
double default_mass_kg(const ModelSource& source);
double default_age_years(const ModelSource& source);

}  // namespace spineload
