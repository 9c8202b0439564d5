// Stage interop, export: writes any Model the engine holds (the built-in female model for a
// given subject, or an imported one) as an OpenSim 4.x .osim file: bodies with mass
// properties, joints as CustomJoints with offset frames, coordinates with ranges, muscles
// and markers. spineload's own muscles are force generators without force-length data, so
// they are written as PathActuators (optimal force = maximum force), which OpenSim's static
// optimisation treats as spineload does. What OpenSim cannot hold (spinal rhythms, passive
// joint stiffness, supports, vertebral strength) is named in a comment at the top.
#pragma once
#include <string>

#include "model/model.hpp"

namespace spineload {

std::string export_osim(const Model& model, const std::string& description);

}  // namespace spineload
