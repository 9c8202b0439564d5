// Stage 4, muscles, wrapping: a path segment from P to S over a smooth obstacle (cylinder,
// sphere, ellipsoid), as OpenSim's wrap objects do: the straight line is replaced by a
// tangent line, an arc on the surface and a tangent line when the line would pass through
// the obstacle, or when a quadrant constraint sends the path round one side. Cylinder and
// sphere paths are the exact shortest ones (a helix on the unrolled cylinder, a great
// circle); an ellipsoid path is the image of the sphere path under the ellipsoid's
// scaling, a planar arc through its centre, tangent at both ends (not a geodesic). Over a
// torus, as OpenSim does: the path passes through the ring and wraps over the inside of the
// tube, taken as the cylinder tangent to the ring at the ring point nearest the line.
// Hand-written: no packaged library computes muscle wrapping.
#pragma once
#include <Eigen/Core>

#include "model/model.hpp"

namespace spineload {

struct WrapResult {
  bool wrapped = false;
  Eigen::Vector3d t1 = Eigen::Vector3d::Zero(), t2 = Eigen::Vector3d::Zero();  // object frame
  double arc_length_m = 0;  // along the surface from t1 to t2
};

// P and S in the object's frame.
WrapResult wrap_segment(const WrapObject& object, const Eigen::Vector3d& p, const Eigen::Vector3d& s);

}  // namespace spineload
