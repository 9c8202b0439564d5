// De Groote-Fregly 2016 curves with OpenSim's constants, and OpenSim's static-optimisation
// force of a DeGrooteFregly2016Muscle.
#include "muscles/degroote2016.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "model/model.hpp"

namespace spineload::degroote2016 {
namespace {

MuscleTendon muscle(double pennation_rad = 0) {
  MuscleTendon mt;
  mt.type = "DeGrooteFregly2016Muscle";
  mt.optimal_fiber_length_m = 0.1;
  mt.tendon_slack_length_m = 0.25;
  mt.pennation_at_optimal_rad = pennation_rad;
  return mt;
}

TEST(DeGroote2016, CurvesPassThroughThePointsOpenSimRefittedThemTo) {
  const MuscleTendon mt = muscle();
  // OpenSim refitted b11, d1 and d4 so that these hold (the paper's rounded constants miss them).
  EXPECT_NEAR(active_force_length(mt, 1.0), 1.0, 1e-12);
  EXPECT_NEAR(force_velocity(0.0), 1.0, 1e-12);
  EXPECT_NEAR(force_velocity(-1.0), 0.0, 1e-12);
  EXPECT_GT(force_velocity(0.5), 1.0);
  // Tendon: zero at its slack length (c2 = c3 in OpenSim), 1 at 4.9 % strain; inverse exact.
  EXPECT_NEAR(tendon_force(mt, 1.0), 0.0, 1e-15);
  EXPECT_NEAR(tendon_force(mt, 1.049), 1.0, 1e-12);
  EXPECT_NEAR(tendon_length_for_force(mt, tendon_force(mt, 1.03)), 1.03, 1e-12);
  // Passive: zero at 0.2 optimal lengths (OpenSim's offset), 1 at 60 % strain.
  EXPECT_NEAR(passive_force_length(mt, 0.2), 0.0, 1e-15);
  EXPECT_NEAR(passive_force_length(mt, 1.6), 1.0, 1e-12);
  MuscleTendon wide = mt;
  wide.active_force_width_scale = 2;  // widened about the optimum: the same value twice as far away
  EXPECT_NEAR(active_force_length(wide, 1.4), active_force_length(mt, 1.2), 1e-15);
  wide.ignore_passive_fiber_force = true;
  EXPECT_DOUBLE_EQ(passive_force_length(wide, 1.6), 0.0);
}

TEST(DeGroote2016, StaticOptimisationStrengthIsTheRigidTendonActiveFibreForce) {
  const double phi = 0.25;
  const MuscleTendon mt = muscle(phi);
  const double lopt = mt.optimal_fiber_length_m, tsl = mt.tendon_slack_length_m;
  // Fibre at its optimal length: along the tendon lopt cos(phi). OpenSim's class returns
  // the active fibre force along the fibre (no cosine), whatever the tendon setting.
  const double ml = tsl + lopt * std::cos(phi);
  EXPECT_NEAR(opensim_static_optimization_scale(mt, ml, 0), 1.0, 1e-12);
  // Lengthening path: the fibre lengthens at the path's speed times cos(phi).
  const double vmax = mt.max_contraction_velocity * lopt;
  EXPECT_NEAR(opensim_static_optimization_scale(mt, ml, 0.2 * vmax), force_velocity(0.2 * std::cos(phi)), 1e-12);
  const RigidFibre f = rigid_fibre(mt, tsl + 0.13, 0);
  EXPECT_NEAR(f.fibre_length_m * f.fibre_length_m, 0.13 * 0.13 + std::pow(lopt * std::sin(phi), 2), 1e-15);
  EXPECT_NEAR(opensim_static_optimization_scale(mt, tsl + 0.13, 0), active_force_length(mt, f.fibre_length_norm),
              1e-15);
}

}  // namespace
}  // namespace spineload::degroote2016
