// Stage 4, muscles: takes body poses and the Jacobian (dynamics stage); gives each
// muscle's path in ground, its length, and its moment arm about every coordinate
// (the generalised force one newton of tension produces, equal to -dL/dq).
#pragma once
#include "model/data.hpp"

namespace spineload {

void muscle_geometry(const Model& model, Data& data);

// Force that one newton of tension in `muscle` applies to the bodies above `joint`
// (zero unless the path crosses it), and its moment about the joint centre, in ground.
void crossing_force(const Model& model, const Data& data, int muscle, int joint,
                    Eigen::Vector3d& force_N, Eigen::Vector3d& moment_Nm);

}  // namespace spineload
