#include "analysis/filter.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace spineload {

namespace {

// Third-order Butterworth low-pass by the bilinear transform with pre-warping, one pass,
// started from the first sample held constant.
std::vector<double> butterworth3(const std::vector<double>& x, double dt, double fc) {
  const double w = std::tan(std::numbers::pi * fc * dt);
  const double w2 = w * w, w3 = w2 * w;
  const double d = 1 + 2 * w + 2 * w2 + w3;
  const double b0 = w3 / d, b1 = 3 * w3 / d, b2 = 3 * w3 / d, b3 = w3 / d;
  const double a1 = (-3 - 2 * w + 2 * w2 + 3 * w3) / d;
  const double a2 = (3 - 2 * w - 2 * w2 + 3 * w3) / d;
  const double a3 = (-1 + 2 * w - 2 * w2 + w3) / d;
  std::vector<double> y(x.size());
  auto xi = [&](long i) { return x[i < 0 ? 0 : static_cast<std::size_t>(i)]; };
  auto yi = [&](long i) { return i < 0 ? x[0] : y[static_cast<std::size_t>(i)]; };
  for (long i = 0; i < static_cast<long>(x.size()); ++i)
    y[i] = b0 * xi(i) + b1 * xi(i - 1) + b2 * xi(i - 2) + b3 * xi(i - 3) - a1 * yi(i - 1) - a2 * yi(i - 2) - a3 * yi(i - 3);
  return y;
}

}  // namespace

std::vector<double> lowpass_padded(const std::vector<double>& y, double dt_s, double cutoff_hz, std::size_t& pad) {
  if (y.size() < 4) throw std::invalid_argument("filtering needs at least four samples");
  if (!(cutoff_hz > 0 && cutoff_hz < 0.5 / dt_s)) throw std::invalid_argument("cut-off must lie below half the sampling rate");
  const std::size_t n = y.size();
  pad = n / 2;
  std::vector<double> p(n + 2 * pad);
  for (std::size_t i = 0; i < n; ++i) p[pad + i] = y[i];
  for (std::size_t k = 1; k <= pad; ++k) {
    p[pad - k] = 2 * y[0] - y[std::min(k, n - 1)];
    p[pad + n - 1 + k] = 2 * y[n - 1] - y[n - 1 - std::min(k, n - 1)];
  }
  std::vector<double> f = butterworth3(p, dt_s, cutoff_hz);
  std::vector<double> r(f.rbegin(), f.rend());
  r = butterworth3(r, dt_s, cutoff_hz);
  return std::vector<double>(r.rbegin(), r.rend());
}

std::vector<double> lowpass(const std::vector<double>& y, double dt_s, double cutoff_hz) {
  std::size_t pad = 0;
  const std::vector<double> p = lowpass_padded(y, dt_s, cutoff_hz, pad);
  return std::vector<double>(p.begin() + static_cast<long>(pad), p.begin() + static_cast<long>(pad + y.size()));
}

}  // namespace spineload
