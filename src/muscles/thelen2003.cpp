#include "muscles/thelen2003.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace spineload::thelen2003 {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kToeShape = 3.0;   // Thelen 2003: exponential shape of the tendon toe
constexpr double kToeForce = 0.33;  // normalised force where the toe ends

// Strain where the toe region ends and the slope of the linear region, exact for the
// curve to be continuous with a continuous slope (the paper rounds them off).
double toe_strain(const MuscleTendon& mt) {
  const double e3 = std::exp(kToeShape);
  return 99.0 * mt.fmax_tendon_strain * e3 / (166.0 * e3 - 67.0);
}
double linear_stiffness(const MuscleTendon& mt) { return 0.67 / (mt.fmax_tendon_strain - toe_strain(mt)); }

// Thelen's equations 6 and 7: the speed's numerator factor and denominator b at a force.
struct SpeedTerms {
  double b, db;
};
SpeedTerms speed_terms(const MuscleTendon& mt, double afl, double force) {
  if (force <= afl) return {afl + force / mt.af, 1 / mt.af};  // shortening
  const double k = (2 + 2 / mt.af) / (mt.flen - 1);              // lengthening
  return {k * (afl * mt.flen - force), -k};
}

double speed_slope_for_force(const MuscleTendon& mt, double activation, double fal, double force) {
  const double afl = activation * fal;
  const double gain = 0.25 + 0.75 * activation;
  const double eccentric_limit = afl * mt.flen * mt.fv_extrapolation_threshold;
  const double f = force <= 0 ? 0.0 : (force >= eccentric_limit ? eccentric_limit : force);
  const SpeedTerms t = speed_terms(mt, afl, f);
  return gain / t.b - gain * (f - afl) / (t.b * t.b) * t.db;
}

}  // namespace

double active_force_length(const MuscleTendon& mt, double l) {
  return std::exp(-(l - 1) * (l - 1) / mt.kshape_active);
}
double active_force_length_slope(const MuscleTendon& mt, double l) {
  return -2 * (l - 1) / mt.kshape_active * active_force_length(mt, l);
}
double passive_force_length(const MuscleTendon& mt, double l) {
  if (l <= 1) return 0;
  return (std::exp(mt.kshape_passive * (l - 1) / mt.fmax_muscle_strain) - 1) / (std::exp(mt.kshape_passive) - 1);
}
double passive_force_length_slope(const MuscleTendon& mt, double l) {
  if (l <= 1) return 0;
  return mt.kshape_passive / mt.fmax_muscle_strain * std::exp(mt.kshape_passive * (l - 1) / mt.fmax_muscle_strain) /
         (std::exp(mt.kshape_passive) - 1);
}

double tendon_force(const MuscleTendon& mt, double tendon_length_norm) {
  const double x = tendon_length_norm - 1, toe = toe_strain(mt);
  if (x > toe) return linear_stiffness(mt) * (x - toe) + kToeForce;
  if (x > 0) return kToeForce / (std::exp(kToeShape) - 1) * (std::exp(kToeShape * x / toe) - 1);
  return 0;
}
double tendon_force_slope(const MuscleTendon& mt, double tendon_length_norm) {
  const double x = tendon_length_norm - 1, toe = toe_strain(mt);
  if (x > toe) return linear_stiffness(mt);
  if (x > 0) return kToeForce / (std::exp(kToeShape) - 1) * (kToeShape / toe) * std::exp(kToeShape * x / toe);
  return 0;
}

double fibre_speed_for_force(const MuscleTendon& mt, double activation, double fal, double force) {
  const double afl = activation * fal;
  const double gain = 0.25 + 0.75 * activation;
  const double eccentric_limit = afl * mt.flen * mt.fv_extrapolation_threshold;
  if (force > 0 && force < eccentric_limit) {
    const SpeedTerms t = speed_terms(mt, afl, force);
    return gain * (force - afl) / t.b;
  }
  // Beyond the curve's valid range: continue along its tangent at the last valid force.
  const double f0 = force <= 0 ? 0.0 : eccentric_limit;
  const SpeedTerms t = speed_terms(mt, afl, f0);
  const double v0 = gain * (f0 - afl) / t.b;
  return v0 + speed_slope_for_force(mt, activation, fal, f0) * (force - f0);
}

double force_velocity(const MuscleTendon& mt, double activation, double fal, double fibre_speed_norm) {
  // Newton's method on the force, from the isometric force; the relation is monotone and
  // piecewise smooth, so it converges in a few steps.
  const double afl = activation * fal;
  double force = afl;
  for (int it = 0; it < 100; ++it) {
    const double err = fibre_speed_for_force(mt, activation, fal, force) - fibre_speed_norm;
    if (std::abs(err) < 1e-12) break;
    const double slope = speed_slope_for_force(mt, activation, fal, force);
    if (!(std::abs(slope) > kEps)) break;
    force -= err / slope;
  }
  return force / afl;
}

FibreState equilibrium(const MuscleTendon& mt, double fiso, double a, double ml, double dml) {
  const double tsl = mt.tendon_slack_length_m, ofl = mt.optimal_fiber_length_m;
  const double height = ofl * std::sin(mt.pennation_at_optimal_rad);  // constant-thickness pennation
  const double vmax = mt.max_contraction_velocity * ofl;
  const double tol = std::max(1e-8 * fiso, 1000 * kEps);

  // Start with the tendon 1 % stretched and the fibre taking all the path's speed.
  const double along0 = ml - tsl * 1.01;
  double phi = std::atan(height / along0);
  double cosphi = std::cos(phi);
  double lce = phi > std::sqrt(kEps) ? along0 / cosphi : along0;
  double tl = tsl * 1.01;
  double dlce_norm = dml * cosphi / vmax;
  FibreState s;
  for (int it = 0; it < 200; ++it) {
    if (!(lce > kEps) || !(phi < M_PI / 2 - kEps)) {
      // No fibre left or fully pennate: the tendon slack and nothing pulls.
      const double along = ml - tsl, l = std::sqrt(height * height + along * along);
      const double pen = l > 0 ? std::asin(std::min(1.0, height / l)) : 0.0;
      return {l, tsl, pen, 0, 0, fiso * passive_force_length(mt, l / ofl)};
    }
    const double lce_norm = lce / ofl;
    const double fse = tendon_force(mt, tl / tsl);
    const double fal = active_force_length(mt, lce_norm);
    const double fpe = passive_force_length(mt, lce_norm);
    const double fv = force_velocity(mt, a, fal, dlce_norm);
    const double fm = (a * fal * fv + fpe) * fiso;
    s = {lce, tl, phi, fse * fiso, a * fal * fv * fiso, fpe * fiso};
    const double err = fm * cosphi - fse * fiso;
    if (std::abs(err) <= tol) break;

    // Newton step on the fibre length (its speed held), with the pennation's change.
    const double dfm_dlce = (a * fv * active_force_length_slope(mt, lce_norm) + passive_force_length_slope(mt, lce_norm)) *
                            fiso / ofl;
    const double r = height / lce;
    const double root = std::sqrt(std::max(0.0, 1 - r * r));
    const double dcos_dlce = root > 0 ? height * height / (lce * lce * lce * root) : 0;
    const double dfmat_dlce = dfm_dlce * cosphi + fm * dcos_dlce;
    const double dphi_dlce = root > 0 ? -height / (lce * lce * root) : 0;
    const double dtl_dlce = -cosphi + lce * std::sin(phi) * dphi_dlce;
    const double dft_dtl = tendon_force_slope(mt, tl / tsl) * fiso / tsl;
    const double derr = dfmat_dlce - dft_dtl * dtl_dlce;
    if (!(std::abs(derr) > 0)) break;
    lce -= err / derr;
    if (!(lce > 0)) continue;
    phi = height / lce < 1 ? std::asin(height / lce) : M_PI - kEps;
    cosphi = std::cos(phi);
    tl = ml - lce * cosphi;
    // Share the path's speed between fibre and tendon by their stiffness in series.
    const double k_fibre = dfmat_dlce * cosphi;
    const double k_series = k_fibre * dft_dtl / (k_fibre + dft_dtl);
    dlce_norm = cosphi * (k_series * dml / k_fibre) / vmax;
  }
  return s;
}

double equilibrium_tendon_force_N(const MuscleTendon& mt, double fiso, double a, double ml, double dml) {
  return equilibrium(mt, fiso, a, ml, dml).tendon_force_N;
}

double generic_force_velocity(double v) { return 1.8 - 1.8 / (1.0 + std::exp((0.04 - v) / 0.18)); }

double opensim_static_optimization_scale(const MuscleTendon& mt, double fiso, double ml, double dml) {
  if (!(mt.optimal_fiber_length_m > 0) || !(fiso > 0)) return 1.0;
  // The equilibrium with the fibre still: OpenSim's own results (its arm26 static
  // optimisation reference) are reproduced this way and not with the path's speed shared
  // into the equilibrium (docs/opensim.md gives the numbers).
  const double isometric_N = equilibrium_tendon_force_N(mt, fiso, 1.0, ml, 0.0);
  const double shortening =
      -std::cos(mt.pennation_at_optimal_rad) * dml / (mt.max_contraction_velocity * mt.optimal_fiber_length_m);
  return isometric_N * generic_force_velocity(shortening) / fiso;
}

}  // namespace spineload::thelen2003
