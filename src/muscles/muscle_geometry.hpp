// Stage 4, muscles: takes body poses and the Jacobian (dynamics stage); gives each
// muscle's path in ground, its length, and its moment arm about every coordinate
// (the generalised force one newton of tension produces, equal to -dL/dq), and the
// unit direction of each path segment (used by the loads stage).
#pragma once
#include "model/data.hpp"

namespace spineload {

void muscle_geometry(const Model& model, Data& data);

// Every joint's centre in ground for the current poses, into data.joint_centre_m: paths that
// cross a joint take their moment about it (once per frame rather than once per crossing).
void joint_centres(const Model& model, Data& data);

// A path of points fixed on bodies (no wraps): its points in ground, the unit direction of
// each segment, and the generalised force of a unit tension along it added to `g`
// (multibody q order). Returns the path length. Muscles and passive tissues share it. With
// `crossed` (per q: the path crosses that coordinate's joint), only those entries of g are
// computed: the others are zero. With `crossings` of rotational joints only, each crossed
// coordinate takes its axis . (the pull's moment about the joint centre) directly; the
// centres are this frame's data.joint_centre_m (joint_centres).
double straight_path(const Model& model, const Data& data, const std::vector<PathPoint>& path,
                     std::vector<Eigen::Vector3d>& points, std::vector<Eigen::Vector3d>& dirs, Eigen::VectorXd& g,
                     const std::vector<char>* crossed = nullptr, const std::vector<PathCrossing>* crossings = nullptr);

// The length of a muscle's path of any kind (conditional and moving points, wraps), with the
// generalised force of a unit tension along it added to `g` (multibody q order): the path
// forces of imported models (OpenSim's Ligament and PathSpring) share muscles' geometry.
double path_length(const Model& model, const Data& data, const Muscle& path, Eigen::VectorXd& g);

// A tension along a path as the multibody system feels it, for joint reactions (where it
// matters which body a pull acts on, not only its generalised force): each segment's pull
// added to `applied` as spatial forces on the bodies at its ends (moments about the body
// origins, in ground; a wrap surface's tangent points pull its body), and a moving point's
// slide on its body to `mobility` (multibody u order). Its generalised force equals
// tension x the path's moment arms.
void add_path_pull(const Model& model, const Data& data, const Muscle& path, double tension_N,
                   std::vector<mb::SpatialForce>& applied, Eigen::VectorXd& mobility);

}  // namespace spineload
