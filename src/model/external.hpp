// What acts on her from outside the body, as the model stage holds it for every stage
// above: a force at a point fixed on a body (a held mass, a hand on a rail) and a support
// that can only push (a backrest, an arm rest). Posture files set them (posture stage); the
// dynamics, recruitment and loads stages apply them.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <string>

namespace spineload {

// A force applied at a point fixed on a body (a held mass is one such force per hand).
struct ExternalLoad {
  std::string label;
  int body = -1;
  Eigen::Vector3d point_m = Eigen::Vector3d::Zero();  // body frame
  Eigen::Vector3d force_N = Eigen::Vector3d::Zero();  // ground frame
};

// A support that can only push, along a fixed direction, at a point fixed on a body (a
// backrest on her back). Its force is found with the muscle forces (recruitment stage).
// With friction a contact is given as the two edges of its friction cone in the sagittal
// plane (n +- mu t, each pushing only): exact for planar loads, a polyhedral cone otherwise.
struct Contact {
  std::string label;
  int body = -1;
  Eigen::Vector3d point_m = Eigen::Vector3d::Zero();   // body frame
  Eigen::Vector3d normal = Eigen::Vector3d::UnitX();   // ground frame, unit, direction of push
  // A flat support (backrest) touches only the points of her back within `cushion_m` of the
  // rearmost one along `plane_normal`; the others are dropped frame by frame (analysis stage).
  Eigen::Vector3d plane_normal = Eigen::Vector3d::Zero();  // zero: always in contact
  double cushion_m = 0;
  double max_force_N = INFINITY;  // the most it can push (an arm rest: the arm's weight)
  // Her own body that bears the push (an arm lying on her flank): it pushes `body` along
  // `normal` and takes the opposite push at the same point. -1: the world (floor, bed, seat).
  int reacting_body = -1;
};

}  // namespace spineload
