// Natural cubic spline through samples, for coordinate rates and accelerations of a time
// series. Hand-written: Eigen's unsupported Splines module fits B-splines without the
// natural end conditions wanted here, and the tridiagonal solve is a dozen lines.
#pragma once
#include <vector>

namespace spineload {

class CubicSpline {
 public:
  CubicSpline(const std::vector<double>& t, const std::vector<double>& y);
  double value(double t) const;
  double first_derivative(double t) const;
  double second_derivative(double t) const;

 private:
  std::size_t segment(double t) const;
  std::vector<double> t_, y_, m_;  // m_: second derivatives at the knots
};

}  // namespace spineload
