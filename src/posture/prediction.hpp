// Stage posture, prediction from hand targets: from where her hands must be (relative to the point
// between her ankles, or her knees when kneeling), the strategy (stoop, semi-squat, squat,
// kneel) and gaze at the hands, finds a whole-body posture within joint ranges, with her
// centre of mass over her base of support,
// by minimising a comfort prior (squared joint deviations from relaxed standing, in ranges
// of comfortable motion) plus penalties for missing the target or the balance limit.
// Deterministic: fixed starts and a derivative-free simplex search.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "posture/posture.hpp"

namespace spineload {

struct PredictionResult {
  Posture posture;
  double hand_error_m = 0;       // distance from the grip to the target
  double balance_margin_m = 0;   // centre of mass inside the feet (positive) or outside
  int evaluations = 0;
  // The search's solution (deg): trunk inclination, knee flexion, lean of the legs, twist of
  // the trunk to her right. Passed back as `warm_start` for a neighbouring stage or value.
  std::array<double, 4> solution_deg{};
  std::vector<std::string> limits;  // constraints at their limit (Posture::prediction_limits)
};

// Fills `base.q_rad[0]` (its loads and support are kept; support must be standing, or
// kneeling for the kneel strategy).
// Throws InputError naming the constraint when the target is out of reach (over 1 cm off)
// or balance cannot be kept.
PredictionResult predict_posture(const Model& model, const Posture& base, const PredictionRequest& request,
                                 const std::array<double, 4>* warm_start = nullptr);

// The posture itself when it has no `predict` block; else the predicted one.
Posture resolve_prediction(const Model& model, const Posture& posture);

}  // namespace spineload
