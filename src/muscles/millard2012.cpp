#include "muscles/millard2012.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "common/bisect.hpp"
#include "model/model.hpp"

namespace spineload::millard2012 {
namespace {

constexpr double kSignificant = 1e-15;  // Simbody's SignificantReal for doubles, as OpenSim compares
const double kRootEps = std::sqrt(std::numeric_limits<double>::epsilon());
const double kMaxPennationRad = std::acos(0.1);  // OpenSim's limit for Millard's pennation model

// Quintic Bezier in Bernstein form, and its derivative in u.
double bezier(const std::array<double, 6>& p, double u) {
  const double t = 1 - u;
  const double u2 = u * u, t2 = t * t;
  return p[0] * t2 * t2 * t + 5 * p[1] * u * t2 * t2 + 10 * p[2] * u2 * t2 * t + 10 * p[3] * u2 * u * t2 +
         5 * p[4] * u2 * u2 * t + p[5] * u2 * u2 * u;
}
double bezier_du(const std::array<double, 6>& p, double u) {
  const double t = 1 - u;
  const double u2 = u * u, t2 = t * t;
  return 5 * ((p[1] - p[0]) * t2 * t2 + 4 * (p[2] - p[1]) * u * t2 * t + 6 * (p[3] - p[2]) * u2 * t2 +
              4 * (p[4] - p[3]) * u2 * u * t + (p[5] - p[4]) * u2 * u2);
}

double scale_curviness(double c) { return 0.1 + 0.8 * c; }

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

SegmentedCurve active_curve(double x0, double x1, double x2, double x3, double ylow, double dydx, double curviness) {
  require(x0 >= 0 && x1 > x0 + kRootEps && x2 > x1 + kRootEps && x3 > x2 + kRootEps,
          "ActiveForceLengthCurve: min_norm_active_fiber_length < transition_norm_fiber_length < 1 < "
          "max_norm_active_fiber_length must hold");
  require(ylow >= 0, "ActiveForceLengthCurve: minimum_value must not be negative");
  require(dydx >= 0 && dydx < (1 - ylow) / (x2 - x1),
          "ActiveForceLengthCurve: shallow_ascending_slope must be in [0, (1 - minimum_value) / (1 - "
          "transition_norm_fiber_length))");
  const double c = scale_curviness(curviness);
  // Five corners: ascending limb, shallow plateau, peak, descending limb (OpenSim's layout;
  // the shoulder 5 % of the optimal length wide).
  const double dx = 0.05 * x2, xs = x2 - dx;
  const double y0 = 0, y1 = 1 - dydx * (xs - x1);
  const double dydx01 = 1.25 * (y1 - y0) / (x1 - x0);
  const double x01 = x0 + 0.5 * (x1 - x0), y01 = y0 + 0.5 * (y1 - y0);
  const double x1s = x1 + 0.5 * (xs - x1), y1s = y1 + 0.5 * (1 - y1);
  const double x23 = (x2 + dx) + 0.5 * (x3 - (x2 + dx)), y23 = 0.5;
  const double dydx23 = (0 - 1) / ((x3 - dx) - (x2 + dx));
  return SegmentedCurve({corner(x0, ylow, 0, x01, y01, dydx01, c), corner(x01, y01, dydx01, x1s, y1s, dydx, c),
                         corner(x1s, y1s, dydx, x2, 1, 0, c), corner(x2, 1, 0, x23, y23, dydx23, c),
                         corner(x23, y23, dydx23, x3, ylow, 0, c)},
                        x0, x3, ylow, ylow, 0, 0);
}

SegmentedCurve velocity_curve(double fmax, double dydxC, double dydxNearC, double dydxIso, double dydxE,
                              double dydxNearE, double concentric_curviness, double eccentric_curviness) {
  require(fmax > 1, "ForceVelocityCurve: max_eccentric_velocity_force_multiplier must exceed 1");
  require(dydxC >= 0 && dydxC < 1, "ForceVelocityCurve: concentric_slope_at_vmax must be in [0, 1)");
  require(dydxNearC > dydxC && dydxNearC <= 1,
          "ForceVelocityCurve: concentric_slope_near_vmax must exceed concentric_slope_at_vmax and be at most 1");
  require(dydxIso > 1, "ForceVelocityCurve: isometric_slope must exceed 1");
  require(dydxE >= 0 && dydxE < fmax - 1,
          "ForceVelocityCurve: eccentric_slope_at_vmax must be in [0, max_eccentric_velocity_force_multiplier - 1)");
  require(dydxNearE >= dydxE && dydxNearE < fmax - 1,
          "ForceVelocityCurve: eccentric_slope_near_vmax must be at least eccentric_slope_at_vmax and below "
          "max_eccentric_velocity_force_multiplier - 1");
  require(concentric_curviness >= 0 && concentric_curviness <= 1 && eccentric_curviness >= 0 &&
              eccentric_curviness <= 1,
          "ForceVelocityCurve: curviness must be in [0, 1]");
  const double cC = scale_curviness(concentric_curviness), cE = scale_curviness(eccentric_curviness);
  const double xNearC = -0.9, yNearC = 0.5 * (dydxNearC + dydxC) * (xNearC + 1);
  const double xNearE = 0.9, yNearE = fmax + 0.5 * (dydxNearE + dydxE) * (xNearE - 1);
  return SegmentedCurve({corner(-1, 0, dydxC, xNearC, yNearC, dydxNearC, cC),
                         corner(xNearC, yNearC, dydxNearC, 0, 1, dydxIso, cC),
                         corner(0, 1, dydxIso, xNearE, yNearE, dydxNearE, cE),
                         corner(xNearE, yNearE, dydxNearE, 1, fmax, dydxE, cE)},
                        -1, 1, 0, fmax, dydxC, dydxE);
}

SegmentedCurve passive_curve(double e0, double e1, double kLow, double kIso, double curviness) {
  require(e1 > e0, "FiberForceLengthCurve: strain_at_one_norm_force must exceed strain_at_zero_force");
  require(kIso > 1 / (e1 - e0), "FiberForceLengthCurve: stiffness_at_one_norm_force must exceed 1 / (strain range)");
  require(kLow > 0 && kLow < 1 / (e1 - e0),
          "FiberForceLengthCurve: stiffness_at_low_force must be positive and below 1 / (strain range)");
  require(curviness >= 0 && curviness <= 1, "FiberForceLengthCurve: curviness must be in [0, 1]");
  const double c = scale_curviness(curviness);
  const double xZero = 1 + e0, xIso = 1 + e1;
  const double dx = std::min(0.1 / kIso, 0.1 * (xIso - xZero));
  const double xLow = xZero + dx, xFoot = xZero + 0.5 * (xLow - xZero);
  const double yLow = kLow * (xLow - xFoot);
  return SegmentedCurve({corner(xZero, 0, 0, xLow, yLow, kLow, c), corner(xLow, yLow, kLow, xIso, 1, kIso, c)},
                        xZero, xIso, 0, 1, 0, kIso);
}

SegmentedCurve tendon_curve(double eIso, double kIso, double fToe, double curviness) {
  require(eIso > 0, "TendonForceLengthCurve: strain_at_one_norm_force must be positive");
  require(fToe > 0 && fToe < 1, "TendonForceLengthCurve: norm_force_at_toe_end must be in (0, 1)");
  require(kIso > 1 / eIso, "TendonForceLengthCurve: stiffness_at_one_norm_force must exceed 1 / strain");
  require(curviness >= 0 && curviness <= 1, "TendonForceLengthCurve: curviness must be in [0, 1]");
  const double c = scale_curviness(curviness);
  const double xIso = 1 + eIso;
  const double yToe = fToe, xToe = (yToe - 1) / kIso + xIso;
  const double xFoot = 1 + (xToe - 1) / 10;
  const double yToeMid = 0.5 * yToe, xToeMid = (yToeMid - 1) / kIso + xIso;
  const double dydxToeMid = yToeMid / (xToeMid - xFoot);
  const double xToeCtrl = xFoot + 0.5 * (xToeMid - xFoot), yToeCtrl = dydxToeMid * (xToeCtrl - xFoot);
  return SegmentedCurve({corner(1, 0, 0, xToeCtrl, yToeCtrl, dydxToeMid, c),
                         corner(xToeCtrl, yToeCtrl, dydxToeMid, xToe, yToe, kIso, c)},
                        1, xToe, 0, yToe, 0, kIso);
}

// MuscleFixedWidthPennationModel: the fibre keeps its height h = lopt sin(phi_opt).
struct Pennation {
  double height_m, max_rad, min_fibre_m;
  double angle(double lce) const {
    if (!(height_m > 0)) return 0;
    if (lce <= min_fibre_m) return max_rad;
    const double s = height_m / lce;
    return s < std::sin(max_rad) ? std::asin(s) : max_rad;
  }
};
Pennation pennation(const MuscleTendon& mt) {
  Pennation p;
  p.max_rad = kMaxPennationRad;
  p.height_m = mt.optimal_fiber_length_m * std::sin(mt.pennation_at_optimal_rad);
  p.min_fibre_m = p.height_m / std::sin(p.max_rad);
  return p;
}

// A curve's optional properties (NaN when empty): true when all are given, false when none
// is (OpenSim then fits its own), refused when some are.
bool all_or_none(double a, double b, double c, const char* refusal) {
  const int given = !std::isnan(a) + !std::isnan(b) + !std::isnan(c);
  require(given == 0 || given == 3, refusal);
  return given == 3;
}

// The normalised fibre speed in [lo, hi] at which the force-velocity curve gives fv.
double speed_for(const Curves& cv, double fv, double lo, double hi, int halvings, double width = 0) {
  return bisect([&](double v) { return cv.velocity.value(v) < fv; }, lo, hi, halvings, width);
}

// The fibre of a rigid tendon follows the path: its length (held at the shortest), the
// cosine of its pennation and its normalised speed (none when the tendon buckles or the
// fibre is held at its shortest, as OpenSim's calcFiberVelocityInfo clamps it).
struct RigidFibre {
  double length_m, cos_pennation, speed_norm;
};
RigidFibre rigid_fibre(const MuscleTendon& mt, const Pennation& pen, double ml, double dml) {
  const double lopt = mt.optimal_fiber_length_m, tsl = mt.tendon_slack_length_m;
  const double min_fibre = mt.millard->min_fibre_length_norm * lopt;
  const double along = ml - tsl;
  const double lce = std::max(std::sqrt(pen.height_m * pen.height_m + along * along), min_fibre);
  const double cosphi = std::cos(pen.angle(lce));
  const double tl = ml - lce * cosphi;
  double v = tl < tsl - kSignificant ? 0.0 : dml * cosphi / (mt.max_contraction_velocity * lopt);
  if ((lce <= min_fibre && v <= 0) || lce < min_fibre) v = 0;
  return {lce, cosphi, v};
}

// Fibre speed (normalised) at which damped fibres balance the tendon: Newton's method on
// fiso (a fal fv(v) + fpe + beta v) cos - fse fiso, as OpenSim's calcDampedNormFiberVelocity.
double damped_speed(const Curves& cv, double a, double fal, double fpe, double fse, double beta, double cosphi,
                    bool* converged) {
  // Start where the undamped balance puts it (OpenSim starts there too, through its inverse
  // force-velocity curve), clamped to the maximum speeds.
  const double fv0 = (fse / std::max(cosphi, 0.01) - fpe) / (std::max(a, 0.01) * std::max(fal, 0.01));
  double v = speed_for(cv, fv0, -1, 1, 60), err = 1e10;
  const double tol = 1e-10;  // in normalised force (OpenSim: 1e-10 x fiso newtons)
  for (int iter = 0; iter < 20 && std::abs(err) > tol; ++iter) {
    err = (a * fal * cv.velocity.value(v) + fpe + beta * v) * cosphi - fse;
    const double derr = (a * fal * cv.velocity.slope(v) + beta) * cosphi;
    if (std::abs(err) > tol && std::abs(derr) > kSignificant) v -= err / derr;
  }
  *converged = std::abs(err) <= tol;
  return v;
}

}  // namespace

bool damped(const MuscleTendon& mt) { return mt.fiber_damping >= 0.001; }

const std::array<CurveProperty, 22> kCurveProperties = {{
    {"ActiveForceLengthCurve", "min_norm_active_fiber_length", &CurveParameters::min_norm_active_fiber_length},
    {"ActiveForceLengthCurve", "transition_norm_fiber_length", &CurveParameters::transition_norm_fiber_length},
    {"ActiveForceLengthCurve", "max_norm_active_fiber_length", &CurveParameters::max_norm_active_fiber_length},
    {"ActiveForceLengthCurve", "shallow_ascending_slope", &CurveParameters::shallow_ascending_slope},
    {"ActiveForceLengthCurve", "minimum_value", &CurveParameters::minimum_value},
    {"ForceVelocityCurve", "concentric_slope_at_vmax", &CurveParameters::concentric_slope_at_vmax},
    {"ForceVelocityCurve", "concentric_slope_near_vmax", &CurveParameters::concentric_slope_near_vmax},
    {"ForceVelocityCurve", "isometric_slope", &CurveParameters::isometric_slope},
    {"ForceVelocityCurve", "eccentric_slope_at_vmax", &CurveParameters::eccentric_slope_at_vmax},
    {"ForceVelocityCurve", "eccentric_slope_near_vmax", &CurveParameters::eccentric_slope_near_vmax},
    {"ForceVelocityCurve", "max_eccentric_velocity_force_multiplier",
     &CurveParameters::max_eccentric_velocity_force_multiplier},
    {"ForceVelocityCurve", "concentric_curviness", &CurveParameters::concentric_curviness},
    {"ForceVelocityCurve", "eccentric_curviness", &CurveParameters::eccentric_curviness},
    {"FiberForceLengthCurve", "strain_at_zero_force", &CurveParameters::passive_strain_at_zero_force},
    {"FiberForceLengthCurve", "strain_at_one_norm_force", &CurveParameters::passive_strain_at_one_norm_force},
    {"FiberForceLengthCurve", "stiffness_at_low_force", &CurveParameters::passive_stiffness_at_low_force},
    {"FiberForceLengthCurve", "stiffness_at_one_norm_force", &CurveParameters::passive_stiffness_at_one_norm_force},
    {"FiberForceLengthCurve", "curviness", &CurveParameters::passive_curviness},
    {"TendonForceLengthCurve", "strain_at_one_norm_force", &CurveParameters::tendon_strain_at_one_norm_force},
    {"TendonForceLengthCurve", "stiffness_at_one_norm_force", &CurveParameters::tendon_stiffness_at_one_norm_force},
    {"TendonForceLengthCurve", "norm_force_at_toe_end", &CurveParameters::tendon_norm_force_at_toe_end},
    {"TendonForceLengthCurve", "curviness", &CurveParameters::tendon_curviness},
}};

SegmentedCurve::SegmentedCurve(std::vector<Segment> segments, double x0, double x1, double y0, double y1,
                               double slope0, double slope1)
    : segments_(std::move(segments)), x0_(x0), x1_(x1), y0_(y0), y1_(y1), slope0_(slope0), slope1_(slope1) {}

SegmentedCurve::Segment corner(double x0, double y0, double dydx0, double x1, double y1, double dydx1, double c) {
  require(c >= 0 && c <= 1, "curviness must be in [0, 1]");
  // Where the two lines cross; the corner's inner control points lie c of the way there.
  const double xc = std::abs(dydx0 - dydx1) > kRootEps ? (y1 - y0 - x1 * dydx1 + x0 * dydx0) / (dydx0 - dydx1)
                                                       : 0.5 * (x0 + x1);
  const double yc = (xc - x1) * dydx1 + y1;
  const double a = (xc - x0) * (xc - x0) + (yc - y0) * (yc - y0);
  const double b = (xc - x1) * (xc - x1) + (yc - y1) * (yc - y1);
  const double d = (x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0);
  require(d > a && d > b, "the two end points and slopes do not make a C-shaped corner");
  const double x0m = x0 + c * (xc - x0), y0m = y0 + c * (yc - y0);
  const double x1m = x1 + c * (xc - x1), y1m = y1 + c * (yc - y1);
  return {{x0, x0m, x0m, x1m, x1m, x1}, {y0, y0m, y0m, y1m, y1m, y1}};
}

std::pair<const SegmentedCurve::Segment*, double> SegmentedCurve::locate(double x) const {
  const Segment* s = &segments_.back();
  for (const Segment& seg : segments_)
    if (x < seg.x[5]) {
      s = &seg;
      break;
    }
  // x(u) rises monotonically in u on every corner: Newton's method, kept inside a shrinking
  // bracket so that it cannot leave [0, 1].
  double lo = 0, hi = 1;
  double u = (x - s->x[0]) / (s->x[5] - s->x[0]);
  for (int k = 0; k < 100; ++k) {
    const double f = bezier(s->x, u) - x;
    if (std::abs(f) < 1e-14 * std::max(1.0, std::abs(x))) break;
    (f < 0 ? lo : hi) = u;
    const double d = bezier_du(s->x, u);
    double next = d > 0 ? u - f / d : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (hi - lo < 1e-16) break;
    u = next;
  }
  return {s, u};
}

double SegmentedCurve::value(double x) const {
  if (x <= x0_) return y0_ + slope0_ * (x - x0_);
  if (x >= x1_) return y1_ + slope1_ * (x - x1_);
  const auto [s, u] = locate(x);
  return bezier(s->y, u);
}

double SegmentedCurve::slope(double x) const {
  if (x <= x0_) return slope0_;
  if (x >= x1_) return slope1_;
  const auto [s, u] = locate(x);
  const double dx = bezier_du(s->x, u);
  return dx > 0 ? bezier_du(s->y, u) / dx : 0.0;
}

Curves build(const CurveParameters& p, double pennation_at_optimal_rad, bool rigid_tendon, bool damped_fibres) {
  Curves cv;
  cv.parameters = p;
  const bool singularity_free = rigid_tendon || damped_fibres;
  double ymin = p.minimum_value, dC = p.concentric_slope_at_vmax, dE = p.eccentric_slope_at_vmax;
  if (singularity_free) {
    ymin = 0;
    dC = dE = 0;
  } else {
    ymin = std::max(ymin, 0.1);
    if (dC < 0.1 || dE < 0.1) dC = dE = 0.1;
  }
  cv.active = active_curve(p.min_norm_active_fiber_length, p.transition_norm_fiber_length, 1.0,
                           p.max_norm_active_fiber_length, ymin, p.shallow_ascending_slope, 1.0);
  cv.velocity = velocity_curve(p.max_eccentric_velocity_force_multiplier, dC, p.concentric_slope_near_vmax,
                               p.isometric_slope, dE, p.eccentric_slope_near_vmax, p.concentric_curviness,
                               p.eccentric_curviness);
  const bool passive_given = all_or_none(p.passive_stiffness_at_low_force, p.passive_stiffness_at_one_norm_force,
                                         p.passive_curviness,
                                         "FiberForceLengthCurve: stiffness_at_low_force, stiffness_at_one_norm_force "
                                         "and curviness must all be set or all be empty");
  const double e0 = p.passive_strain_at_zero_force, e1 = p.passive_strain_at_one_norm_force;
  cv.passive = passive_given ? passive_curve(e0, e1, p.passive_stiffness_at_low_force,
                                             p.passive_stiffness_at_one_norm_force, p.passive_curviness)
                             : passive_curve(e0, e1, 0.2, 2.0 / (e1 - e0), 0.75);  // OpenSim's fitted curve
  const bool tendon_given = all_or_none(p.tendon_stiffness_at_one_norm_force, p.tendon_norm_force_at_toe_end,
                                        p.tendon_curviness,
                                        "TendonForceLengthCurve: stiffness_at_one_norm_force, norm_force_at_toe_end "
                                        "and curviness must all be set or all be empty");
  const double et = p.tendon_strain_at_one_norm_force;
  cv.tendon = tendon_given ? tendon_curve(et, p.tendon_stiffness_at_one_norm_force, p.tendon_norm_force_at_toe_end,
                                          p.tendon_curviness)
                           : tendon_curve(et, 1.375 / et, 2.0 / 3.0, 0.5);  // OpenSim's fitted curve
  const double height = std::sin(pennation_at_optimal_rad);
  cv.min_fibre_length_norm = std::max(p.min_norm_active_fiber_length, height / std::sin(kMaxPennationRad));
  return cv;
}

double opensim_static_optimization_scale(const MuscleTendon& mt, double ml, double dml) {
  const Curves& cv = *mt.millard;
  const Pennation pen = pennation(mt);
  const double lopt = mt.optimal_fiber_length_m, tsl = mt.tendon_slack_length_m;
  const double min_fibre = cv.min_fibre_length_norm * lopt;
  if (mt.ignore_tendon_compliance) {
    const RigidFibre f = rigid_fibre(mt, pen, ml, dml);
    return cv.active.value(f.length_m / lopt) * cv.velocity.value(f.speed_norm) * f.cos_pennation;
  }
  // Elastic tendon: OpenSim resets the state to the muscle's defaults every frame.
  const double lce = std::max(mt.default_fiber_length_m, min_fibre);
  const double a = std::clamp(mt.default_activation, mt.minimum_activation, 1.0);
  const double phi = pen.angle(lce), cosphi = std::cos(phi);
  const double tl = ml - lce * cosphi;
  const double lceN = lce / lopt;
  const double fal = cv.active.value(lceN), fpe = cv.passive.value(lceN), fse = cv.tendon.value(tl / tsl);
  double fv = 1, dlceN = 0;
  if (damped(mt)) {
    bool ok = false;
    dlceN = damped_speed(cv, a, fal, fpe, fse, mt.fiber_damping, cosphi, &ok);
    if (!ok)
      throw std::runtime_error("the fibre-velocity solve of the damped Millard muscle did not converge at its "
                               "default state (OpenSim's static optimisation stops here too)");
    fv = cv.velocity.value(dlceN);
  } else {
    if (!(cosphi > kSignificant) || !(a > kSignificant) || !(fal > kSignificant))
      throw std::runtime_error("the undamped Millard muscle's default state is singular (pennation 90 degrees, "
                               "activation 0 or fibre outside its active range)");
    fv = (fse / cosphi - fpe) / (a * fal);
    dlceN = speed_for(cv, fv, -1e3, 1e3, 200, 1e-14);  // only needed for its sign (the clamp below)
  }
  if ((lce <= min_fibre && dlceN <= 0) || lce < min_fibre) fv = 1;
  return fal * fv * cosphi;
}

FibreState equilibrium(const MuscleTendon& mt, double fiso, double activation, double ml, double dml) {
  const Curves& cv = *mt.millard;
  const Pennation pen = pennation(mt);
  const double lopt = mt.optimal_fiber_length_m, tsl = mt.tendon_slack_length_m;
  const double min_fibre = cv.min_fibre_length_norm * lopt;
  const double a = std::clamp(activation, 0.0, 1.0);
  // The fibre at a length and normalised speed, its forces from the curves.
  auto at = [&](double lce, double v) {
    FibreState s;
    s.fibre_length_m = lce;
    s.pennation_rad = pen.angle(lce);
    s.tendon_length_m = ml - lce * std::cos(s.pennation_rad);
    s.active_fibre_force_N = fiso * a * cv.active.value(lce / lopt) * cv.velocity.value(v);
    s.passive_fibre_force_N = fiso * (cv.passive.value(lce / lopt) + mt.fiber_damping * v);
    return s;
  };
  if (mt.ignore_tendon_compliance) {
    const RigidFibre f = rigid_fibre(mt, pen, ml, dml);
    FibreState s = at(f.length_m, f.speed_norm);
    // The fibre never pushes: damping saturates (Millard's rigid-tendon rule).
    const double fibre = s.active_fibre_force_N + s.passive_fibre_force_N;
    if (fibre < 0) s.passive_fibre_force_N = -s.active_fibre_force_N;
    s.tendon_force_N = std::max(fibre, 0.0) * f.cos_pennation;
    return s;
  }
  // Elastic tendon, fibre still: fiso (a fal + fpe) cos(phi) = fiso fse on the fibre length.
  // The residual changes sign between the shortest fibre (the tendon stretched) and the
  // whole path (the tendon slack), so bisection brackets the root.
  auto residual = [&](double lce) {
    const double cosphi = std::cos(pen.angle(lce));
    const double lceN = lce / lopt;
    return (a * cv.active.value(lceN) + cv.passive.value(lceN)) * cosphi - cv.tendon.value((ml - lce * cosphi) / tsl);
  };
  const double lo = min_fibre, hi = std::max(ml, min_fibre);
  // Even the shortest fibre out-pulling the tendon leaves it at its lower bound.
  FibreState s = at(residual(lo) >= 0 ? lo : bisect([&](double l) { return residual(l) < 0; }, lo, hi, 200, 1e-13 * lopt), 0);
  s.tendon_force_N = fiso * cv.tendon.value(s.tendon_length_m / tsl);
  return s;
}

}  // namespace spineload::millard2012
