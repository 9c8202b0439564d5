#include "analysis/spline.hpp"

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <numbers>

namespace spineload {

CubicSpline::CubicSpline(const std::vector<double>& t, const std::vector<double>& y)
    : t_(t), y_(y), m_(t.size(), 0.0) {
  const std::size_t n = t.size();
  if (n < 3) return;
  // Thomas algorithm on the tridiagonal system for interior second derivatives.
  std::vector<double> c(n, 0.0), d(n, 0.0);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double h0 = t[i] - t[i - 1], h1 = t[i + 1] - t[i];
    const double a = h0 / 6, b = (h0 + h1) / 3, cc = h1 / 6;
    const double rhs = (y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0;
    const double denom = b - a * c[i - 1];
    c[i] = cc / denom;
    d[i] = (rhs - a * d[i - 1]) / denom;
  }
  for (std::size_t i = n - 2; i >= 1; --i) {
    m_[i] = d[i] - c[i] * m_[i + 1];
    if (i == 1) break;
  }
}

std::size_t CubicSpline::segment(double t) const {
  const auto it = std::upper_bound(t_.begin(), t_.end(), t);
  const std::size_t i = it == t_.begin() ? 0 : static_cast<std::size_t>(it - t_.begin()) - 1;
  return std::min(i, t_.size() - 2);
}

double CubicSpline::value(double t) const {
  const std::size_t i = segment(t);
  const double h = t_[i + 1] - t_[i], a = (t_[i + 1] - t) / h, b = (t - t_[i]) / h;
  return a * y_[i] + b * y_[i + 1] + ((a * a * a - a) * m_[i] + (b * b * b - b) * m_[i + 1]) * h * h / 6;
}

double CubicSpline::first_derivative(double t) const {
  const std::size_t i = segment(t);
  const double h = t_[i + 1] - t_[i], a = (t_[i + 1] - t) / h, b = (t - t_[i]) / h;
  return (y_[i + 1] - y_[i]) / h + (-(3 * a * a - 1) * m_[i] + (3 * b * b - 1) * m_[i + 1]) * h / 6;
}

double CubicSpline::second_derivative(double t) const {
  const std::size_t i = segment(t);
  const double h = t_[i + 1] - t_[i], a = (t_[i + 1] - t) / h, b = (t - t_[i]) / h;
  return a * m_[i] + b * m_[i + 1];
}

std::vector<double> smoothing_spline_values(const std::vector<double>& t, const std::vector<double>& y,
                                            double lambda) {
  const int n = static_cast<int>(t.size());
  if (n < 3 || lambda <= 0) return y;
  // Green & Silverman (1994) section 2.3: Q is n x (n-2), R is (n-2) x (n-2), both banded;
  // gamma = (R + lambda Q^T Q)^-1 Q^T y and f = y - lambda Q gamma.
  std::vector<Eigen::Triplet<double>> q_entries, r_entries;
  for (int c = 0; c < n - 2; ++c) {
    const double h0 = t[c + 1] - t[c], h1 = t[c + 2] - t[c + 1];
    q_entries.emplace_back(c, c, 1 / h0);
    q_entries.emplace_back(c + 1, c, -1 / h0 - 1 / h1);
    q_entries.emplace_back(c + 2, c, 1 / h1);
    r_entries.emplace_back(c, c, (h0 + h1) / 3);
    if (c + 1 < n - 2) {
      r_entries.emplace_back(c, c + 1, h1 / 6);
      r_entries.emplace_back(c + 1, c, h1 / 6);
    }
  }
  Eigen::SparseMatrix<double> Q(n, n - 2), R(n - 2, n - 2);
  Q.setFromTriplets(q_entries.begin(), q_entries.end());
  R.setFromTriplets(r_entries.begin(), r_entries.end());
  const Eigen::SparseMatrix<double> system = R + lambda * Eigen::SparseMatrix<double>(Q.transpose() * Q);
  const Eigen::Map<const Eigen::VectorXd> yv(y.data(), n);
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt(system);
  const Eigen::VectorXd gamma = ldlt.solve(Q.transpose() * yv);
  const Eigen::VectorXd f = yv - lambda * (Q * gamma);
  return std::vector<double>(f.data(), f.data() + n);
}

double smoothing_lambda(double cutoff_hz, double dt_s) {
  const double omega = 2 * std::numbers::pi * cutoff_hz;
  return 1 / (dt_s * omega * omega * omega * omega);
}

}  // namespace spineload
