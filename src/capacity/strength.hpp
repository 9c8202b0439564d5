// Stage capacity, strength: takes a model; gives the largest moment its muscles can produce
// at every spinal level in each of the six directions (extension, flexion, bending and
// turning to either side), upright, as an isometric test measures it: the body below the
// level held, a pad on the trunk above, every muscle free, the level and every one above it in
// equilibrium without a reserve beyond the threshold that flags a posture as beyond muscle
// capacity (recruitment.hpp); the moments of the same test with the pelvis held, as trunk
// dynamometers hold it; and the published women's strength it is compared with
// (data/capacity/trunk_strength.yaml).
#pragma once
#include <array>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace spineload {

inline constexpr std::array<const char*, 6> kStrengthDirections = {
    "extension", "flexion", "right_lateral_bending", "left_lateral_bending", "right_axial_rotation", "left_axial_rotation"};

struct LevelStrength {
  int joint = -1;
  std::array<double, 6> max_moment_Nm{};  // in kStrengthDirections order
  // The moment at this level when the test holds the pelvis instead (as every trunk
  // dynamometer does, so every lumbar level must hold the pad load): the figure published
  // strength measures. Only for the levels the lumbar pad loads (lower thorax and below).
  bool pelvis_held = false;
  std::array<double, 6> pelvis_held_moment_Nm{};
};

std::vector<LevelStrength> trunk_strength(const Model& model);

// A published range of women's maximal voluntary moment at a level and in a direction.
struct StrengthReference {
  std::string level, direction;
  double min_Nm = 0, max_Nm = 0;
  std::string evidence;  // V, D or U, as in the data files
  std::string source;
};
std::vector<StrengthReference> trunk_strength_references();

// The Biering-Sorensen test (prone over a bench edge, the trunk held horizontal unsupported,
// arms folded on the chest): the share of maximal lumbar extension it asks (the target load
// of tasks/task_runner.hpp) and how long the three-compartment trunk parameters
// (capacity/fatigue.hpp) let her hold it, beside women's published holding times.
struct SorensenResult {
  double demand = 0;        // fraction of maximal extension at the most loaded lumbar level
  double endurance_s = 0;
  double published_min_s = 0, published_max_s = 0;
  std::string source;
};
SorensenResult sorensen_test(const Model& model);

// The model's strength beside the references, as a table for the terminal.
std::string format_strength(const Model& model, const std::vector<LevelStrength>& strength,
                            const std::vector<StrengthReference>& references, const SorensenResult& sorensen);

}  // namespace spineload
