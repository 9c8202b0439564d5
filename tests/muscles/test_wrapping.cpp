#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "muscles/wrapping.hpp"

namespace spineload {
namespace {

WrapObject cylinder(double r) {
  WrapObject w;
  w.shape = WrapObject::Shape::cylinder;
  w.dimensions_m = {r, 1, 0};
  return w;
}

TEST(Wrapping, CylinderPathIsTangentsAndAnArc) {
  // P and S level with the axis, 2r either side: the straight line runs through the axis.
  const double r = 0.01;
  const WrapResult w = wrap_segment(cylinder(r), {-2 * r, 0.0, 0}, {2 * r, 0.0, 0});
  ASSERT_TRUE(w.wrapped);
  // Tangent from 2r: length r sqrt(3), touching at 60 deg from the line to the point; the
  // arc between the touch points is 180 - 2 x 60 = 60 deg.
  const double tangents = 2 * r * std::sqrt(3.0);
  EXPECT_NEAR(w.arc_length_m, r * std::numbers::pi / 3, 1e-12);
  EXPECT_NEAR((w.t1 - Eigen::Vector3d(-2 * r, 0, 0)).norm() + w.arc_length_m + (w.t2 - Eigen::Vector3d(2 * r, 0, 0)).norm(),
              tangents + r * std::numbers::pi / 3, 1e-12);
  EXPECT_NEAR(w.t1.head<2>().norm(), r, 1e-12);
  // A line that passes clear of the cylinder does not wrap.
  EXPECT_FALSE(wrap_segment(cylinder(r), {-2 * r, 2 * r, 0}, {2 * r, 2 * r, 0}).wrapped);
  // An end inside the cylinder: no wrap.
  EXPECT_FALSE(wrap_segment(cylinder(r), {0.5 * r, 0, 0}, {2 * r, 0, 0}).wrapped);
}

TEST(Wrapping, CylinderHelixKeepsTheUnrolledPathStraight) {
  const double r = 0.01;
  const Eigen::Vector3d p(-2 * r, 0, -0.02), s(2 * r, 0, 0.03);
  const WrapResult w = wrap_segment(cylinder(r), p, s);
  ASSERT_TRUE(w.wrapped);
  const double planar = 2 * r * std::sqrt(3.0) + r * std::numbers::pi / 3;
  const double total = (w.t1 - p).norm() + w.arc_length_m + (s - w.t2).norm();
  EXPECT_NEAR(total, std::hypot(planar, 0.05), 1e-12);
}

TEST(Wrapping, QuadrantSendsThePathRoundOneSide) {
  // Constrained to +y: a line passing below the axis (through -y) is sent round the top.
  WrapObject w = cylinder(0.01);
  w.quadrant_axis = 1;
  w.quadrant_sign = 1;
  const WrapResult up = wrap_segment(w, {-0.02, -0.003, 0}, {0.02, -0.003, 0});
  ASSERT_TRUE(up.wrapped);
  EXPECT_GT(up.t1.y() + up.t2.y(), 0);
  w.quadrant_sign = -1;
  const WrapResult down = wrap_segment(w, {-0.02, -0.003, 0}, {0.02, -0.003, 0});
  ASSERT_TRUE(down.wrapped);
  EXPECT_LT(down.t1.y() + down.t2.y(), 0);
  EXPECT_LT(down.arc_length_m, up.arc_length_m);  // the natural side is the shorter one
}

TEST(Wrapping, SphereAndEllipsoid) {
  WrapObject s;
  s.shape = WrapObject::Shape::sphere;
  s.dimensions_m = Eigen::Vector3d::Constant(0.01);
  const WrapResult ws = wrap_segment(s, {-0.02, 0, 0.001}, {0.02, 0, 0.001});
  ASSERT_TRUE(ws.wrapped);
  EXPECT_NEAR(ws.t1.norm(), 0.01, 1e-12);
  // An ellipsoid with equal radii is that sphere.
  WrapObject e = s;
  e.shape = WrapObject::Shape::ellipsoid;
  const WrapResult we = wrap_segment(e, {-0.02, 0, 0.001}, {0.02, 0, 0.001});
  ASSERT_TRUE(we.wrapped);
  EXPECT_NEAR(we.arc_length_m, ws.arc_length_m, 1e-5);  // sampled arc against the exact one
  // On a flattened ellipsoid the tangent points lie on its surface.
  e.dimensions_m = {0.02, 0.01, 0.015};
  const WrapResult wf = wrap_segment(e, {-0.05, 0.002, 0}, {0.05, 0.002, 0});
  ASSERT_TRUE(wf.wrapped);
  EXPECT_NEAR(wf.t1.cwiseQuotient(e.dimensions_m).norm(), 1.0, 1e-12);
  // Tangency: the line from P to t1 is perpendicular to the surface normal at t1.
  const Eigen::Vector3d n = wf.t1.cwiseQuotient(e.dimensions_m.cwiseAbs2());
  EXPECT_NEAR(n.normalized().dot((wf.t1 - Eigen::Vector3d(-0.05, 0.002, 0)).normalized()), 0.0, 1e-9);
}

TEST(Wrapping, TorusPathRunsThroughTheRingOverTheInsideOfTheTube) {
  // Ring radius 5 cm, tube radius 1 cm, in the XY plane.
  WrapObject t;
  t.shape = WrapObject::Shape::torus;
  t.dimensions_m = {0.01, 0.05, 0};
  // Through the hole, clear of the tube: no wrap.
  EXPECT_FALSE(wrap_segment(t, {0.02, 0, 0.1}, {0.02, 0, -0.1}).wrapped);
  // Through the tube at x = 4.5 cm: over the tube's inner side (x = 4 cm), symmetric.
  const Eigen::Vector3d p(0.045, 0, 0.1), s(0.045, 0, -0.1);
  const WrapResult w = wrap_segment(t, p, s);
  ASSERT_TRUE(w.wrapped);
  const double r = 0.01, d = std::hypot(0.005, 0.1);
  const double half_angle = std::atan2(0.1, 0.005) - std::acos(r / d);
  EXPECT_NEAR(w.arc_length_m, r * 2 * half_angle, 1e-12);
  EXPECT_NEAR((w.t1 - p).norm(), std::sqrt(d * d - r * r), 1e-12);
  EXPECT_NEAR((w.t2 - s).norm(), std::sqrt(d * d - r * r), 1e-12);
  EXPECT_NEAR(w.t1.x(), 0.05 - r * std::cos(half_angle), 1e-12);
  EXPECT_NEAR(w.t1.z(), r * std::sin(half_angle), 1e-12);
  EXPECT_NEAR(w.t2.z(), -r * std::sin(half_angle), 1e-12);
  EXPECT_NEAR(w.t1.y(), 0.0, 1e-12);
  // The same on the far side of the ring, at x = -4.5 cm: the nearest ring point follows.
  const WrapResult m = wrap_segment(t, {-0.045, 0, 0.1}, {-0.045, 0, -0.1});
  ASSERT_TRUE(m.wrapped);
  EXPECT_NEAR(m.t1.x(), -w.t1.x(), 1e-12);
  EXPECT_NEAR(m.arc_length_m, w.arc_length_m, 1e-12);
  // A quadrant constraint (+x) keeps only ring points on that side: the -x line is left straight.
  t.quadrant_axis = 0;
  t.quadrant_sign = 1;
  EXPECT_FALSE(wrap_segment(t, {-0.045, 0, 0.1}, {-0.045, 0, -0.1}).wrapped);
  EXPECT_TRUE(wrap_segment(t, p, s).wrapped);
}

}  // namespace
}  // namespace spineload
