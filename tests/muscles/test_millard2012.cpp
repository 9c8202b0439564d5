// Millard 2012 curves as OpenSim builds them, and OpenSim's static-optimisation force of a
// Millard2012EquilibriumMuscle: the curves pass through the points and slopes OpenSim's
// factory puts them through, are smooth across their corners, and the force at full
// activation follows OpenSim's rules for rigid and elastic tendons.
#include "muscles/millard2012.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <stdexcept>

#include "model/model.hpp"

namespace spineload::millard2012 {
namespace {

double fd(const SegmentedCurve& c, double x) {
  const double h = 1e-7;
  return (c.value(x + h) - c.value(x - h)) / (2 * h);
}

// gait10dof18musc's curves: OpenSim's defaults with the active curve's floor at 0.
CurveParameters gait_curves() {
  CurveParameters p;
  p.minimum_value = 0;
  return p;
}

TEST(Millard2012, CurvesPassThroughTheirDefiningPointsAndSlopes) {
  const Curves c = build(gait_curves(), 0, /*rigid_tendon=*/false, /*damped=*/true);
  // Active force-length: 1 with zero slope at the optimum, 0 at both ends of the active range.
  EXPECT_NEAR(c.active.value(1.0), 1.0, 1e-12);
  EXPECT_NEAR(c.active.slope(1.0), 0.0, 1e-9);
  EXPECT_NEAR(c.active.value(0.4441), 0.0, 1e-12);
  EXPECT_NEAR(c.active.value(1.8123), 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(c.active.value(0.3), 0.0);  // the floor beyond the ends
  EXPECT_DOUBLE_EQ(c.active.value(2.5), 0.0);
  // Force-velocity: 0 at the maximum shortening speed, 1 with the isometric slope when
  // still, the eccentric maximum at the maximum lengthening speed; the "near" points at
  // +-0.9 where OpenSim places them (the trapezoid between the end and near slopes).
  EXPECT_NEAR(c.velocity.value(-1), 0.0, 1e-12);
  EXPECT_NEAR(c.velocity.value(0), 1.0, 1e-12);
  EXPECT_NEAR(c.velocity.slope(0), 5.0, 1e-6);
  EXPECT_NEAR(c.velocity.value(1), 1.4, 1e-12);
  EXPECT_NEAR(c.velocity.value(-0.9), 0.5 * 0.25 * 0.1, 1e-12);
  EXPECT_NEAR(c.velocity.slope(-0.9), 0.25, 1e-6);
  EXPECT_NEAR(c.velocity.value(0.9), 1.4 - 0.5 * 0.15 * 0.1, 1e-12);
  // Passive fibre: zero at its slack length, 1 at 70 % strain with slope 2 / 0.7, straight on.
  EXPECT_NEAR(c.passive.value(1.0), 0.0, 1e-12);
  EXPECT_NEAR(c.passive.value(1.7), 1.0, 1e-12);
  EXPECT_NEAR(c.passive.slope(1.7), 2 / 0.7, 1e-9);
  EXPECT_NEAR(c.passive.value(1.8), 1.0 + 0.1 * 2 / 0.7, 1e-12);
  // Tendon: 1 at 4.9 % strain with stiffness 1.375 / 0.049 (OpenSim's fitted tendon), the
  // toe ending at two thirds of the maximum isometric force.
  EXPECT_NEAR(c.tendon.value(1.049), 1.0, 1e-12);
  EXPECT_NEAR(c.tendon.slope(1.049), 1.375 / 0.049, 1e-9);
  EXPECT_NEAR(c.tendon.value(1.049 - (1.0 / 3.0) / (1.375 / 0.049)), 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(c.tendon.value(0.99), 0.0);
}

TEST(Millard2012, CurvesAreSmoothAndMonotoneWhereTheyShouldBe) {
  const Curves c = build(gait_curves(), 0, false, true);
  for (const SegmentedCurve* curve : {&c.active, &c.velocity, &c.passive, &c.tendon}) {
    for (int k = 1; k < 400; ++k) {
      const double x = curve->x_begin() + (curve->x_end() - curve->x_begin()) * k / 400.0 + 1e-4;
      EXPECT_NEAR(curve->slope(x), fd(*curve, x), 1e-5 * std::max(1.0, std::abs(curve->slope(x)))) << x;
    }
  }
  // Rising through the ascending limb, the velocity range and the passive and tendon curves.
  double prev_fal = -1, prev_fv = -1, prev_fse = -1;
  for (int k = 0; k <= 200; ++k) {
    const double u = k / 200.0;
    const double fal = c.active.value(0.4441 + u * (1 - 0.4441)), fv = c.velocity.value(-1 + 2 * u);
    const double fse = c.tendon.value(1 + 0.06 * u);
    EXPECT_GE(fal, prev_fal);
    EXPECT_GE(fv, prev_fv);
    EXPECT_GE(fse, prev_fse);
    prev_fal = fal, prev_fv = fv, prev_fse = fse;
  }
  // Continuous value and slope where one corner meets the next (the active curve's joints).
  for (double x : {0.4441 + 0.5 * (0.73 - 0.4441), 0.73 + 0.5 * (0.95 - 0.73), 1.0}) {
    EXPECT_NEAR(c.active.value(x - 1e-9), c.active.value(x + 1e-9), 1e-8);
    EXPECT_NEAR(c.active.slope(x - 1e-9), c.active.slope(x + 1e-9), 1e-5);
  }
}

TEST(Millard2012, AnUndampedElasticTendonKeepsTheCurvesAwayFromSingularities) {
  // OpenSim's buildMuscle: without damping the active curve's floor is at least 0.1 and the
  // force-velocity slopes at the maximum speeds at least 0.1; otherwise 0.
  const Curves undamped = build(gait_curves(), 0, false, false);
  EXPECT_NEAR(undamped.active.value(0.3), 0.1, 1e-12);
  EXPECT_NEAR(undamped.velocity.slope(-1.5), 0.1, 1e-12);
  EXPECT_NEAR(undamped.velocity.slope(1.5), 0.1, 1e-12);
  const Curves rigid = build(gait_curves(), 0, true, false);
  EXPECT_DOUBLE_EQ(rigid.active.value(0.3), 0.0);
  EXPECT_DOUBLE_EQ(rigid.velocity.slope(-1.5), 0.0);
}

TEST(Millard2012, ParametersOpenSimRefusesAreRefusedNamingTheCurve) {
  CurveParameters p;
  p.transition_norm_fiber_length = 0.3;  // below the shortest active length
  EXPECT_THROW(build(p, 0, true, false), std::invalid_argument);
  p = CurveParameters{};
  p.isometric_slope = 0.5;
  try {
    build(p, 0, true, false);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ForceVelocityCurve"), std::string::npos);
  }
  p = CurveParameters{};
  p.passive_curviness = 0.5;  // one optional property without the other two
  EXPECT_THROW(build(p, 0, true, false), std::invalid_argument);
}

MuscleTendon muscle(bool rigid, double pennation_rad = 0) {
  MuscleTendon mt;
  mt.type = "Millard2012EquilibriumMuscle";
  mt.optimal_fiber_length_m = 0.12;
  mt.tendon_slack_length_m = 0.30;
  mt.pennation_at_optimal_rad = pennation_rad;
  mt.ignore_tendon_compliance = rigid;
  mt.millard = std::make_shared<const Curves>(build(gait_curves(), pennation_rad, rigid, mt.fiber_damping > 0));
  return mt;
}

TEST(Millard2012, RigidTendonStrengthIsActiveForceLengthTimesForceVelocityTimesCosine) {
  const double phi = 0.3;
  const MuscleTendon mt = muscle(true, phi);
  const Curves& c = *mt.millard;
  const double lopt = mt.optimal_fiber_length_m, tsl = mt.tendon_slack_length_m;
  // The fibre at its optimal length (its height kept, so along the tendon lopt cos phi).
  const double at_optimum = tsl + lopt * std::cos(phi);
  EXPECT_NEAR(opensim_static_optimization_scale(mt, at_optimum, 0), std::cos(phi), 1e-12);
  // Shortening at half the maximum fibre speed: the path shortens by that over cos phi.
  const double vmax = mt.max_contraction_velocity * lopt;
  EXPECT_NEAR(opensim_static_optimization_scale(mt, at_optimum, -0.5 * vmax / std::cos(phi)),
              c.velocity.value(-0.5) * std::cos(phi), 1e-12);
  // Longer: the fibre's length and pennation follow the path.
  const double lce = 1.3 * lopt, pen = std::asin(lopt * std::sin(phi) / lce);
  EXPECT_NEAR(opensim_static_optimization_scale(mt, tsl + lce * std::cos(pen), 0),
              c.active.value(1.3) * std::cos(pen), 1e-12);
  // A path shorter than the tendon buckles it: the fibre is held still (fv = 1) whatever
  // the path's speed (its length from the parallelogram, as OpenSim's pennation model).
  const double h = lopt * std::sin(phi), slack = 0.2 - tsl;
  const double lce_b = std::sqrt(h * h + slack * slack), cos_b = std::cos(std::asin(h / lce_b));
  EXPECT_NEAR(opensim_static_optimization_scale(mt, 0.2, -1.0), c.active.value(lce_b / lopt) * cos_b, 1e-12);
}

TEST(Millard2012, ElasticTendonStrengthIsTakenAtTheMusclesDefaultState) {
  MuscleTendon mt = muscle(false);
  const Curves& c = *mt.millard;
  const double lopt = mt.optimal_fiber_length_m, tsl = mt.tendon_slack_length_m;
  mt.default_fiber_length_m = lopt;  // at the optimum: fal 1, no passive force
  mt.default_activation = 0.05;
  // Path length where the tendon holds exactly what the still fibre pulls at the default
  // activation: the balance needs no fibre speed, so fv = 1 and the strength is fal = 1.
  double lo = 1.0, hi = 1.049;
  for (int k = 0; k < 100; ++k) ((c.tendon.value(0.5 * (lo + hi)) < 0.05) ? lo : hi) = 0.5 * (lo + hi);
  const double balanced = tsl * 0.5 * (lo + hi) + lopt;
  EXPECT_NEAR(opensim_static_optimization_scale(mt, balanced, 0), 1.0, 1e-9);
  // OpenSim's state ignores the path's speed: the same at any speed.
  EXPECT_DOUBLE_EQ(opensim_static_optimization_scale(mt, balanced, 0.3),
                   opensim_static_optimization_scale(mt, balanced, 0));
  // A longer path stretches the tendon beyond what the fibre pulls: the balance asks the
  // fibre to lengthen, and the damped fibre's force-velocity multiplier rises above 1
  // (the speed that balances fiso (a fal fv(v) + fpe + beta v) = fse fiso).
  const double longer = balanced + 0.0005;
  const double fv = opensim_static_optimization_scale(mt, longer, 0);
  EXPECT_GT(fv, 1.0);
  EXPECT_LE(fv, 1.4);
  double vlo = 0, vhi = 1;
  for (int k = 0; k < 100; ++k)
    ((c.velocity.value(0.5 * (vlo + vhi)) < fv) ? vlo : vhi) = 0.5 * (vlo + vhi);
  const double v = 0.5 * (vlo + vhi);
  EXPECT_NEAR(0.05 * fv + mt.fiber_damping * v, c.tendon.value((longer - lopt) / tsl), 1e-8);
  // OpenSim's default_fiber_length of 0.1 m (when the file leaves it out) puts this fibre
  // at 0.83 optimal lengths: the strength is taken there, whatever the path.
  mt.default_fiber_length_m = 0.1;
  EXPECT_NEAR(opensim_static_optimization_scale(mt, 0.1 + tsl * 0.5 * (lo + hi), 0) / c.active.value(0.1 / lopt), 1.0,
              0.1);
}

TEST(Millard2012, StaticEquilibriumBalancesFibreAndTendon) {
  const MuscleTendon mt = muscle(false, 0.2);
  const double fiso = 800, ml = 0.43;
  for (double a : {0.0, 0.3, 1.0}) {
    const FibreState s = equilibrium(mt, fiso, a, ml, 0);
    const double fibre_along = (s.active_fibre_force_N + s.passive_fibre_force_N) * std::cos(s.pennation_rad);
    EXPECT_NEAR(fibre_along, s.tendon_force_N, 1e-9 * fiso) << a;
    EXPECT_NEAR(s.tendon_length_m + s.fibre_length_m * std::cos(s.pennation_rad), ml, 1e-12);
    EXPECT_NEAR(s.fibre_length_m * std::sin(s.pennation_rad), mt.optimal_fiber_length_m * std::sin(0.2), 1e-12);
  }
  // More activation shortens the fibre and stretches the tendon.
  EXPECT_LT(equilibrium(mt, fiso, 1.0, ml, 0).fibre_length_m, equilibrium(mt, fiso, 0.3, ml, 0).fibre_length_m);
}

}  // namespace
}  // namespace spineload::millard2012
