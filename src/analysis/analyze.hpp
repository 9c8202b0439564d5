// The pipeline: posture -> kinematics -> inverse dynamics -> muscle geometry ->
// recruitment -> disc loads -> balance, for one frame or every frame of a series.
#pragma once
#include <stdexcept>
#include <optional>
#include <string>
#include <vector>

#include "model/data.hpp"
#include "posture/posture.hpp"
#include "recruitment/recruitment.hpp"

namespace spineload {

struct FrameResult {
  double time_s = 0;
  Eigen::VectorXd q_rad, tau_Nm, passive_Nm;  // per coordinate
  Eigen::VectorXd activation, force_N;        // per muscle (force_N: recruited, active)
  Eigen::VectorXd muscle_passive_force_N;     // per muscle: stretched fibres' passive tension
  Eigen::VectorXd passive_element_force_N;    // per ligament or fascia strand
  Eigen::VectorXd reserve_Nm;                 // per equilibrium coordinate
  Eigen::VectorXd contact_force_N;            // per posture contact (backrest)
  Eigen::VectorXd actuator_control;           // per actuator (the arms' joint torques, an import's actuators)
  std::vector<DiscLoad> disc;                 // per spinal joint, bottom to top
  Balance balance;
  Support support = Support::standing;        // what carried her at this frame
  RecruitmentStatus status = RecruitmentStatus::ok;
  double objective = 0;
  int solver_iterations = 0;
  double abdominal_column_kPa = 0;  // the abdominal contents' weight on the cavity's floor
  double abdominal_head_kPa = 0;    // the contents' pressure at the floor's point, from the cavity's top
};

struct PostureResult {
  std::string name, description;
  Support support = Support::standing;
  double held_mass_kg = 0;
  std::vector<std::string> contact_labels;
  std::vector<Eigen::Vector3d> contact_points_m;  // each contact's point on its body (body frame)
  std::vector<std::string> notes;  // who and when it was computed for, assumptions in force
  std::vector<std::string> prediction_limits;  // Posture::prediction_limits
  std::string subject = "default";  // her name, in every output
  std::string stage = "non-pregnant";
  std::vector<FrameResult> frames;
};

// Thrown when a result would contain NaN or infinity: never returned silently.
class NumericalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One frame: coordinates q, rates qdot and accelerations qddot (model order); `support`
// is the posture's unless a motion changes it at this frame; the root's origin accelerating
// in ground at `root_acceleration_m_s2`.
void analyze_frame(const Model& model, Data& data, const Posture& posture,
                   const Eigen::VectorXd& q, const Eigen::VectorXd& qdot,
                   const Eigen::VectorXd& qddot, const RecruitmentOptions& options,
                   std::optional<Support> support = std::nullopt,
                   const Eigen::Vector3d& root_acceleration_m_s2 = Eigen::Vector3d::Zero());

PostureResult analyze_posture(const Model& model, Data& data, const Posture& posture,
                              const RecruitmentOptions& options);

// The frame of highest L5/S1 compression (the first of equal ones): the one that stands for a
// series in reports, tasks and cohorts.
std::size_t peak_l5s1_frame(const PostureResult& result);

// Whether any frame needed reserve moments (or failed): the muscles could not hold it all.
bool beyond_muscle_capacity(const PostureResult& result);

// The intra-abdominal pressure of a frame at the floor of the cavity, where bladder, rectal
// and vaginal catheters measure it, kPa: the pressure actuator's push over its area (the
// pressure under the diaphragm) plus the contents' column; 0 for a model without one.
double intra_abdominal_pressure_kPa(const Model& model, const FrameResult& frame);
inline constexpr double kMmHgPerKPa = 7.50062;

// A joint torque of a frame: the coordinate actuators on one coordinate summed (the built-in
// arms' joint torques, each direction its own actuator), beside the strength in the
// direction it turns (the most its actuators give that way).
struct JointTorque {
  int coordinate = -1;
  double torque_Nm = 0, strength_Nm = 0;
  double share() const { return strength_Nm > 0 ? std::abs(torque_Nm) / strength_Nm : 0.0; }
};
// Every coordinate with a coordinate actuator, in the order their first actuators come.
std::vector<JointTorque> joint_torques(const Model& model, const FrameResult& frame);

}  // namespace spineload
