#include "muscles/degroote2016.hpp"

#include <algorithm>
#include <cmath>

#include "common/bisect.hpp"
#include "model/model.hpp"

namespace spineload::degroote2016 {
namespace {

// Active force-length: three Gaussian-like terms (OpenSim's constants; b11 refitted so
// that the curve is 1 at the optimal length).
constexpr double kB[3][4] = {{0.8150671134243542, 1.055033428970575, 0.162384573599574, 0.063303448465465},
                             {0.433004984392647, 0.716775413397760, -0.029947116970696, 0.200356847296188},
                             {0.1, 1.0, 0.353553390593274, 0.0}};
constexpr double kPE = 4.0;  // passive exponential shape
constexpr double kMinFibreNorm = 0.2;
constexpr double kC1 = 0.200, kC2 = 1.0, kC3 = 0.200;  // tendon
constexpr double kD1 = -0.3211346127989808, kD2 = -8.149, kD3 = -0.374, kD4 = 0.8825327733249912;  // velocity

double gaussian_like(double x, const double b[4]) {
  const double w = b[2] + b[3] * x;
  return b[0] * std::exp(-0.5 * (x - b[1]) * (x - b[1]) / (w * w));
}
double tendon_shape(const MuscleTendon& mt) {
  return std::log((1.0 + kC3) / kC1) / (1.0 + mt.tendon_strain_at_one_norm_force - kC2);
}

}  // namespace

double active_force_length(const MuscleTendon& mt, double l) {
  const double x = (l - 1.0) / mt.active_force_width_scale + 1.0;  // widened about the optimum
  return gaussian_like(x, kB[0]) + gaussian_like(x, kB[1]) + gaussian_like(x, kB[2]);
}

double passive_force_length(const MuscleTendon& mt, double l) {
  if (mt.ignore_passive_fiber_force) return 0;
  const double e0 = mt.passive_fiber_strain_at_one_norm_force;
  const double offset = std::exp(kPE * (kMinFibreNorm - 1.0) / e0);
  return (std::exp(kPE * (l - 1.0) / e0) - offset) / (std::exp(kPE) - offset);
}

double force_velocity(double v) {
  const double t = kD2 * v + kD3;
  return kD1 * std::log(t + std::sqrt(t * t + 1.0)) + kD4;
}

double tendon_force(const MuscleTendon& mt, double l) { return kC1 * std::exp(tendon_shape(mt) * (l - kC2)) - kC3; }

double tendon_length_for_force(const MuscleTendon& mt, double f) {
  return std::log((f + kC3) / kC1) / tendon_shape(mt) + kC2;
}

RigidFibre rigid_fibre(const MuscleTendon& mt, double ml, double dml) {
  const double lopt = mt.optimal_fiber_length_m;
  const double width = lopt * std::sin(mt.pennation_at_optimal_rad);
  const double along = ml - mt.tendon_slack_length_m;
  RigidFibre f;
  f.fibre_length_m = std::sqrt(along * along + width * width);
  f.fibre_length_norm = f.fibre_length_m / lopt;
  f.cos_pennation = f.fibre_length_m > 0 ? along / f.fibre_length_m : 1.0;
  f.fibre_speed_norm = dml * f.cos_pennation / (mt.max_contraction_velocity * lopt);
  return f;
}

FibreState equilibrium(const MuscleTendon& mt, double fiso, double a, double ml) {
  const double lopt = mt.optimal_fiber_length_m, tsl = mt.tendon_slack_length_m;
  const double width = lopt * std::sin(mt.pennation_at_optimal_rad);
  // The fibre along whatever the tendon leaves of the path, its width kept.
  auto with_tendon = [&](double tl) {
    const double along = ml - tl, lce = std::sqrt(width * width + along * along);
    const double pen = lce > 0 ? std::asin(std::min(1.0, width / lce)) : 0.0;
    return FibreState{lce, tl, pen, 0, fiso * a * active_force_length(mt, lce / lopt),
                      fiso * passive_force_length(mt, lce / lopt)};
  };
  auto along_tendon = [](const FibreState& s) {
    return (s.active_fibre_force_N + s.passive_fibre_force_N) * std::cos(s.pennation_rad);
  };
  if (mt.ignore_tendon_compliance) {
    FibreState s = with_tendon(tsl);
    s.tendon_force_N = along_tendon(s);
    return s;
  }
  const double f = bisect(
      [&](double g) { return g * fiso < along_tendon(with_tendon(tsl * tendon_length_for_force(mt, g))); }, 0, 5, 100);
  FibreState s = with_tendon(tsl * tendon_length_for_force(mt, f));
  s.tendon_force_N = f * fiso;
  return s;
}

double opensim_static_optimization_scale(const MuscleTendon& mt, double ml, double dml) {
  const RigidFibre f = rigid_fibre(mt, ml, dml);
  return active_force_length(mt, f.fibre_length_norm) * force_velocity(f.fibre_speed_norm);
}

}  // namespace spineload::degroote2016
