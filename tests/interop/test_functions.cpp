#include <gtest/gtest.h>

#include <cmath>

#include "interop/functions.hpp"

namespace spineload {
namespace {

double f(const mb::JointFunction& fn, double x) { return fn.value(&x); }
double d(const mb::JointFunction& fn, double x, int order) {
  return fn.derivative(std::vector<int>(static_cast<std::size_t>(order), 0), &x);
}

TEST(Functions, LinesPolynomialsAndConstants) {
  EXPECT_DOUBLE_EQ(f(*linear_function(2, -1), 3), 5);
  EXPECT_DOUBLE_EQ(d(*linear_function(2, -1), 3, 1), 2);
  EXPECT_DOUBLE_EQ(d(*linear_function(2, -1), 3, 2), 0);
  const auto p = polynomial_function({1, -2, 0, 4});  // x^3 - 2x^2 + 4
  EXPECT_DOUBLE_EQ(f(*p, 2), 4);
  EXPECT_DOUBLE_EQ(d(*p, 2, 1), 3 * 4 - 4 * 2);
  EXPECT_DOUBLE_EQ(d(*p, 2, 2), 6 * 2 - 4);
  EXPECT_EQ(constant_function(1.5)->num_arguments(), 0);
  EXPECT_DOUBLE_EQ(constant_function(1.5)->value(nullptr), 1.5);
  EXPECT_DOUBLE_EQ(f(*multiplier_function(linear_function(2, 1), 3), 1), 9);
}

TEST(Functions, SimmSplineReproducesACubicExactly) {
  // Its end conditions match the third derivative of the cubic through the end points, so
  // cubic data come back exactly, between and beyond the knots' interior.
  auto cubic = [](double x) { return 0.5 * x * x * x - x * x + 2 * x - 1; };
  std::vector<double> x{-1, -0.3, 0.2, 0.9, 1.5, 2.2}, y;
  for (double v : x) y.push_back(cubic(v));
  const auto s = cubic_spline(x, y, SplineKind::simm);
  for (double v = -1; v <= 2.2; v += 0.05) {
    EXPECT_NEAR(f(*s, v), cubic(v), 1e-12) << v;
    EXPECT_NEAR(d(*s, v, 1), 1.5 * v * v - 2 * v + 2, 1e-10) << v;
    EXPECT_NEAR(d(*s, v, 2), 3 * v - 2, 1e-9) << v;
  }
}

TEST(Functions, NaturalSplineInterpolatesWithStraightEnds) {
  const std::vector<double> x{0, 1, 2, 3}, y{0, 1, 0, 1};
  const auto s = cubic_spline(x, y, SplineKind::natural);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(f(*s, x[i]), y[i], 1e-14);
  EXPECT_NEAR(d(*s, 0, 2), 0, 1e-12);
  EXPECT_NEAR(d(*s, 3, 2), 0, 1e-12);
  // Beyond the ends: the end slope carries on.
  EXPECT_NEAR(f(*s, 4), f(*s, 3) + d(*s, 3, 1), 1e-12);
}

TEST(Functions, PiecewiseLinearAndBadPoints) {
  const auto p = piecewise_linear({0, 1, 3}, {0, 2, 3});
  EXPECT_DOUBLE_EQ(f(*p, 0.5), 1);
  EXPECT_DOUBLE_EQ(f(*p, 2), 2.5);
  EXPECT_DOUBLE_EQ(d(*p, 2, 1), 0.5);
  EXPECT_THROW(cubic_spline({0, 0}, {1, 2}, SplineKind::natural), std::invalid_argument);
  EXPECT_THROW(cubic_spline({0}, {1}, SplineKind::simm), std::invalid_argument);
}

}  // namespace
}  // namespace spineload
