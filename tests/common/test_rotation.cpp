#include "common/rotation.hpp"

#include <gtest/gtest.h>

namespace spineload {
namespace {

// The fast path for a frame's own axes, and the general one, against Eigen's axis-angle.
TEST(Rotation, TurnsAsTheAxisAngleMatrixDoes) {
  const Eigen::Matrix3d start = Eigen::AngleAxisd(0.3, Eigen::Vector3d(1, 2, 3).normalized()).toRotationMatrix();
  const std::vector<Eigen::Vector3d> axes = {Eigen::Vector3d::UnitX(),  Eigen::Vector3d::UnitY(),
                                             Eigen::Vector3d::UnitZ(),  -Eigen::Vector3d::UnitX(),
                                             -Eigen::Vector3d::UnitY(), -Eigen::Vector3d::UnitZ(),
                                             Eigen::Vector3d(0.6, 0, 0.8)};
  for (const Eigen::Vector3d& axis : axes)
    for (double angle : {-2.5, -0.4, 0.0, 0.7, 3.0}) {
      Eigen::Matrix3d turned = start;
      rotate_about(turned, axis, angle);
      const Eigen::Matrix3d expected = start * Eigen::AngleAxisd(angle, axis).toRotationMatrix();
      EXPECT_LT((turned - expected).cwiseAbs().maxCoeff(), 1e-15) << axis.transpose() << " by " << angle;
      EXPECT_LT((turned.transpose() * turned - Eigen::Matrix3d::Identity()).cwiseAbs().maxCoeff(), 1e-15);
    }
}

}  // namespace
}  // namespace spineload
