// Stage tasks, walking: one stride of level walking, forwards or backwards, as a motion that
// knows its own rates (joint-angle curves of data/tasks/gait.yaml fitted by Fourier series);
// and what an analysed stride says: the centre of mass over the supporting feet, L5/S1
// compression and shear, and back-extensor demand over the cycle.
//
// Route to the spinal loads: top-down. The root joint stays at the hip centres; the pelvis's
// three rotations are coordinates, and the acceleration of its origin (rising, falling,
// surging, swaying) reaches every body as gravity less that acceleration. The loads at a
// spinal joint depend only on the motion of the segments above it and of the pelvis, so the
// legs' contact with the ground is needed only to say which foot supports her.
#pragma once
#include <string>
#include <vector>

#include "analysis/analyze.hpp"

namespace spineload {

struct GaitParameters {
  double speed_m_s = 1.3;
  double cadence_steps_min = 115;  // two steps a stride
  bool backwards = false;
  int frames_per_stride = 50;
  double stride_time_s() const { return 120.0 / cadence_steps_min; }
  double stride_length_m() const { return speed_m_s * stride_time_s(); }
};

// One stride from right heel strike (forwards; backwards, the same stride run backwards in
// time) on `model`, frames at equal steps of the stride, with rates, accelerations and the
// root's acceleration per frame. InputError when a parameter is not positive.
Posture walking_posture(const Model& model, const GaitParameters& gait, const std::string& name);

struct GaitFrame {
  double time_s = 0;
  double percent = 0;                 // of the forward stride whose joint angles the frame has
  bool right_stance = false, left_stance = false;
  double com_ahead_of_feet_m = 0;     // whole-body centre of mass ahead of the supporting feet's centre
  double upper_body_com_ahead_of_hips_m = 0;
  Eigen::Vector3d root_acceleration_m_s2 = Eigen::Vector3d::Zero();
  double l5s1_compression_N = 0, l5s1_shear_ap_N = 0;
  double extensor_demand = 0;         // share of the lumbar extensors' maximal moment
};

struct GaitSummary {
  GaitParameters gait;
  std::vector<GaitFrame> frames;
  double peak_compression_N = 0, mean_compression_N = 0;
  double peak_shear_N = 0, mean_shear_N = 0;  // antero-posterior, magnitude
  double peak_extensor_demand = 0, mean_extensor_demand = 0;
  double mean_com_ahead_of_feet_m = 0, min_com_ahead_of_feet_m = 0, max_com_ahead_of_feet_m = 0;
  double mean_upper_body_com_ahead_of_hips_m = 0;
};

// The stride's figures from its analysed frames (`result` of analyze_posture on `posture`).
GaitSummary gait_summary(const Model& model, const Posture& posture, const PostureResult& result,
                         const GaitParameters& gait);

std::string format_gait_summary(const GaitSummary& s);
// Per frame: time, percent, stance, centre of mass ahead of the feet, L5/S1, demand.
std::string gait_csv(const GaitSummary& s);

}  // namespace spineload
