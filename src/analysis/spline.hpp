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

// Smoothing spline (Reinsch): the values f minimising
//   sum_i (y_i - f_i)^2 + lambda * integral f''(t)^2 dt,
// whose natural cubic spline is the smoothed curve. Hand-written (a sparse pentadiagonal
// solve with Eigen); no packaged library offers it.
std::vector<double> smoothing_spline_values(const std::vector<double>& t, const std::vector<double>& y,
                                            double lambda);

// The lambda that gives a half-power cut-off at `cutoff_hz` for samples spaced `dt_s`
// apart: the smoother's response is 1 / (1 + lambda dt omega^4).
double smoothing_lambda(double cutoff_hz, double dt_s);

}  // namespace spineload
