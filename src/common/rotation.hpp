// Turning a frame about one of its axes, as the joint chain does for every coordinate.
#pragma once
#include <Eigen/Geometry>
#include <cmath>

namespace spineload {

// R = R * rotation(axis, angle). Every coordinate of the built-in models turns about a
// frame's x, y or z axis or its opposite: then two columns mix by the angle's cosine and
// sine (12 multiplications) instead of building the axis-angle matrix and a 3 x 3 product.
// The same rotation to rounding (the general formula's diagonal entry on the axis is
// (1 - cos) + cos rather than exactly 1). Any other axis takes the general formula.
inline void rotate_about(Eigen::Matrix3d& R, const Eigen::Vector3d& axis, double angle_rad) {
  int k = -1;
  for (int a = 0; a < 3; ++a)
    if (std::abs(axis[a]) == 1 && axis[(a + 1) % 3] == 0 && axis[(a + 2) % 3] == 0) k = a;
  if (k < 0) {
    R = R * Eigen::AngleAxisd(angle_rad, axis).toRotationMatrix();
    return;
  }
  const double angle = axis[k] * angle_rad;  // about -e_k by t is about e_k by -t
  const double c = std::cos(angle), s = std::sin(angle);
  const int i = (k + 1) % 3, j = (k + 2) % 3;  // about x: y and z mix; about y: z and x; about z: x and y
  const Eigen::Vector3d ci = R.col(i), cj = R.col(j);
  R.col(i) = c * ci + s * cj;
  R.col(j) = c * cj - s * ci;
}

}  // namespace spineload
