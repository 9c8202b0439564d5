// Stage output, tables: human-readable tables for the terminal: per posture, the loads at
// every level, the muscle forces and a one-line summary; and the model description of
// `model info`.
#pragma once
#include <string>

#include "analysis/analyze.hpp"

namespace spineload {

std::string format_posture_report(const Model& model, const PostureResult& result);

// " L5_S1_flexion -2.1 N m ..." for every reserve above 0.05 N m in a frame.
std::string reserve_list(const Model& model, const FrameResult& frame);
std::string format_model_info(const Model& model);

}  // namespace spineload
