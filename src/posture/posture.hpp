// Stage 2, posture: takes a posture file (YAML: coordinate angles in degrees, rhythm
// drivers, support, external loads; one frame or a time series) and the Model; gives a
// Posture with every coordinate resolved in radians and range-checked, and its loads.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "model/external.hpp"
#include "model/model.hpp"

namespace YAML { class Node; }

namespace spineload {

// `contacts` at the current body poses (`pose`, ground frame): a flat support's points that
// do not touch get a zero push direction, so they carry nothing (indices stay the posture's).
std::vector<Contact> touching_contacts(const std::vector<Contact>& contacts, const std::vector<Eigen::Isometry3d>& pose);

enum class LiftStrategy { stoop, semi_squat, squat, kneel };
enum class ReachingHands { both, right, left };

// A posture given by where the hands must be instead of joint angles (solved by the
// tasks stage, posture/prediction.hpp).
struct PredictionRequest {
  double hands_forward_m = 0.3;  // grip ahead of the midpoint between the ankle joints (knees when kneeling)
  double hands_height_m = 1.0;   // grip above the floor
  LiftStrategy strategy = LiftStrategy::stoop;
  // Which hands grip: both (at the grip's two sides, facing it) or one, the other arm hanging.
  ReachingHands hands = ReachingHands::both;
  // The grip to her right of her midline (negative: left); unset, on her midline with both
  // hands and ahead of the reaching shoulder with one. Off her midline she twists her trunk.
  std::optional<double> hands_lateral_m;
  bool look_at_hands = true;     // gaze at the grip point (head and neck flexion)
  // A motion: from this grip to (to_forward_m, to_height_m) in duration_s (0: static), ending
  // to_lateral_m to her right (unset: on her midline, or ahead of the shoulder with one hand).
  double to_forward_m = 0, to_height_m = 0, duration_s = 0;
  std::optional<double> to_lateral_m;
  // Where the request was written (a posture file's `predict`, or a task), so that a target
  // no posture reaches is reported there.
  std::string file;
  int line = 0;
};

struct Posture {
  std::string name;
  std::string description;
  Support support = Support::standing;
  std::vector<double> time_s;          // one entry for a static posture
  std::vector<Eigen::VectorXd> q_rad;  // per frame, per model coordinate
  std::vector<ExternalLoad> loads;     // constant over the frames
  std::vector<Contact> contacts;       // a backrest or a mattress, when the posture has one
  std::vector<Support> frame_support;  // per frame when a motion changes support; else empty
  // A motion that knows its own rates (walking, built from Fourier series): per frame, in
  // model order; empty, rates and accelerations come from a spline through q_rad.
  std::vector<Eigen::VectorXd> qdot_rad_s, qddot_rad_s2;
  // The root's origin accelerating in ground (walking: the pelvis rises, falls, surges and
  // sways while the root joint stays put): per frame; empty, still. The bodies feel it as
  // gravity less this acceleration (d'Alembert), which is exact for the joints above the
  // root because their loads depend on the root's motion only through it.
  std::vector<Eigen::Vector3d> root_acceleration_m_s2;
  double held_mass_kg = 0;             // total mass held in the hands (for reports)
  double smoothing_hz = 0;             // series: smoothing-spline cut-off; 0 interpolates
  std::optional<PredictionRequest> prediction;  // `predict:` block; angles added to the prediction
  // A predicted posture: the constraints at their limit in it (the lumbar spine at its range,
  // the knee at the strategy's bound, the arms straight, balance, the abdomen), so that a
  // step in a timeline or sweep can say which one became active.
  std::vector<std::string> prediction_limits;
  bool is_time_series() const { return time_s.size() > 1; }
  Support support_at(std::size_t frame) const { return frame_support.empty() ? support : frame_support[frame]; }
};

// A motion through key postures: frames at `sample_hz` from key k to key k+1 over
// durations_s[k], blended by a raised cosine (zero rate at every key posture).
void set_keyframe_motion(Posture& posture, const std::vector<Eigen::VectorXd>& keys,
                         const std::vector<double>& durations_s, double sample_hz);

// Parses a posture from a YAML node; `file` names the source in error messages.
Posture parse_posture(const Model& model, const YAML::Node& root, const std::string& file);
Posture parse_posture_text(const Model& model, const std::string& text, const std::string& file);
Posture load_posture_file(const Model& model, const std::string& path);

// Names of the built-in demo postures, and each one's YAML text (data/postures).
std::vector<std::string> builtin_posture_names();
Posture builtin_posture(const Model& model, const std::string& name);

}  // namespace spineload
