// Stage 6, loads: takes body loads (applied, inertial) and muscle forces; gives the
// reaction at every intervertebral joint in its disc's mid-plane frame: compression,
// antero-posterior and lateral shear, the load moments the spine above carries, and the
// part of them the joint itself transmits (the rest is the muscles').
#pragma once
#include <Eigen/Geometry>

#include "model/data.hpp"

namespace spineload {

void disc_loads(const Model& model, Data& data);

// Rotation of the disc mid-plane frame in ground: x anterior, y along the disc normal
// (superior), z to her right. Halfway (slerp) between the frames fixed on the vertebra
// below and the one above, which coincide in relaxed standing.
Eigen::Matrix3d disc_frame(const Model& model, const Data& data, int joint);

// Sum of applied, inertial and contact (backrest) loads on the bodies above a joint:
// force and moment about the joint centre, in ground. Contact forces are those of the last
// recruitment (zero before it).
void subtree_load(const Model& model, const Data& data, int joint, Eigen::Vector3d& force_N,
                  Eigen::Vector3d& moment_Nm);

// NIOSH action limit for L5/S1 compression (Waters et al. 1993), newtons.
inline constexpr double kNioshActionLimit_N = 3400.0;

}  // namespace spineload
