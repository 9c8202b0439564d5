// Stage 4, muscles: takes body poses and the Jacobian (dynamics stage); gives each
// muscle's path in ground, its length, and its moment arm about every coordinate
// (the generalised force one newton of tension produces, equal to -dL/dq), and the
// unit direction of each path segment (used by the loads stage).
#pragma once
#include "model/data.hpp"

namespace spineload {

void muscle_geometry(const Model& model, Data& data);

}  // namespace spineload
