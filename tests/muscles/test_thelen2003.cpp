// Thelen 2003 curves and OpenSim's static-optimisation force of a Thelen2003Muscle.
#include "muscles/thelen2003.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace spineload::thelen2003 {
namespace {

MuscleTendon biceps_like() {
  MuscleTendon m;
  m.type = "Thelen2003Muscle";
  m.optimal_fiber_length_m = 0.13;
  m.tendon_slack_length_m = 0.19;
  m.pennation_at_optimal_rad = 0;
  return m;  // OpenSim's defaults otherwise (Af 0.25, Flen 1.8, tendon strain 0.033 at Fmax)
}

TEST(Thelen2003, CurvesPassThroughTheirDefiningPoints) {
  const MuscleTendon m = biceps_like();
  EXPECT_DOUBLE_EQ(active_force_length(m, 1.0), 1.0);
  EXPECT_NEAR(active_force_length(m, 1.5), std::exp(-0.25 / 0.45), 1e-15);
  // Passive force reaches the maximum isometric force at 60 % fibre strain.
  EXPECT_NEAR(passive_force_length(m, 1.6), 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(passive_force_length(m, 0.9), 0.0);
  // Tendon: 1 at 3.3 % strain, continuous where the toe meets the linear part.
  EXPECT_NEAR(tendon_force(m, 1.033), 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(tendon_force(m, 0.99), 0.0);
  const double e3 = std::exp(3.0), toe = 99 * 0.033 * e3 / (166 * e3 - 67);
  EXPECT_NEAR(tendon_force(m, 1 + toe - 1e-12), 0.33, 1e-9);
  EXPECT_NEAR(tendon_force(m, 1 + toe + 1e-12), 0.33, 1e-9);
  // Slopes agree with finite differences.
  const double h = 1e-7;
  EXPECT_NEAR(tendon_force_slope(m, 1.02), (tendon_force(m, 1.02 + h) - tendon_force(m, 1.02 - h)) / (2 * h), 1e-5);
  EXPECT_NEAR(passive_force_length_slope(m, 1.3),
              (passive_force_length(m, 1.3 + h) - passive_force_length(m, 1.3 - h)) / (2 * h), 1e-5);
  EXPECT_NEAR(active_force_length_slope(m, 0.8),
              (active_force_length(m, 0.8 + h) - active_force_length(m, 0.8 - h)) / (2 * h), 1e-6);
}

TEST(Thelen2003, ForceVelocityInvertsThelensSpeedRelation) {
  const MuscleTendon m = biceps_like();
  EXPECT_NEAR(force_velocity(m, 1, 1, 0), 1.0, 1e-12);
  // Full activation, shortening at half the maximum speed: (1 + v) / (1 - v / Af).
  EXPECT_NEAR(force_velocity(m, 1, 1, -0.5), 0.5 / 3.0, 1e-10);
  // Lengthening: back through the eccentric branch, and past the extrapolation threshold.
  for (double v : {0.05, 0.3, 2.0}) {
    const double fv = force_velocity(m, 0.7, 0.9, v);
    EXPECT_NEAR(fibre_speed_for_force(m, 0.7, 0.9, 0.7 * 0.9 * fv), v, 1e-10) << v;
    EXPECT_GT(fv, 1.0);
  }
  EXPECT_LT(force_velocity(m, 1, 1, 0.3), 1.8);
  // OpenSim's generic curve: 0.9 at 0.04 and almost 1 when still.
  EXPECT_NEAR(generic_force_velocity(0.04), 0.9, 1e-15);
  EXPECT_NEAR(generic_force_velocity(0.0), 1.8 - 1.8 / (1 + std::exp(0.04 / 0.18)), 1e-15);
  EXPECT_NEAR(generic_force_velocity(0.0), 0.9996, 1e-4);
}

TEST(Thelen2003, EquilibriumBalancesFibreAndTendon) {
  const MuscleTendon m = biceps_like();
  // Fibre at its optimal length with the tendon at 3.3 % strain: exactly the maximum force.
  const double ml = 0.19 * 1.033 + 0.13;
  EXPECT_NEAR(equilibrium_tendon_force_N(m, 500, 1.0, ml, 0), 500, 1e-5);
  // Longer path: the fibre goes onto the descending limb and passive force joins in; the
  // tendon force still equals the fibre force along it.
  MuscleTendon p = m;
  p.pennation_at_optimal_rad = 0.2;
  const double ml2 = 0.19 + 0.16;
  const double F = equilibrium_tendon_force_N(p, 500, 1.0, ml2, 0);
  EXPECT_GT(F, 0);
  // Recover the tendon length from the force (monotone) and check the fibre side.
  double lo = 1.0, hi = 1.1;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (tendon_force(p, mid) * 500 < F ? lo : hi) = mid;
  }
  const double along = ml2 - 0.19 * lo, h = 0.13 * std::sin(0.2);
  const double lce = std::hypot(along, h), cosphi = along / lce;
  const double fibre = (active_force_length(p, lce / 0.13) + passive_force_length(p, lce / 0.13)) * 500 * cosphi;
  EXPECT_NEAR(fibre, F, 1e-3);
  // Shortening lowers it; lengthening raises it.
  EXPECT_LT(equilibrium_tendon_force_N(p, 500, 1.0, ml2, -0.1), F);
  EXPECT_GT(equilibrium_tendon_force_N(p, 500, 1.0, ml2, 0.1), F);
  // The static-optimisation share: the equilibrium force times the generic curve.
  EXPECT_NEAR(opensim_static_optimization_scale(p, 500, ml2, 0), F / 500 * generic_force_velocity(0), 1e-12);
  // No fibre left: no force.
  EXPECT_DOUBLE_EQ(equilibrium_tendon_force_N(m, 500, 1.0, 0.18, 0), 0.0);
}

}  // namespace
}  // namespace spineload::thelen2003
