#include <gtest/gtest.h>

#include <cmath>

#include "capacity/fatigue_failure.hpp"

namespace spineload {
namespace {

TEST(FatigueFailure, CurveHasTheDataFileCoefficients) {
  const FatigueFailureCurve c = lumbar_fatigue_failure_curve();
  EXPECT_DOUBLE_EQ(c.a_cycles, 902416);
  EXPECT_DOUBLE_EQ(c.b_per_percent, 0.162);
}

TEST(FatigueFailure, CyclesToFailureFollowTheExponentialSNCurve) {
  const FatigueFailureCurve c = lumbar_fatigue_failure_curve();
  // N = 902416 exp(-0.162 P), P in percent of ultimate strength.
  EXPECT_NEAR(cycles_to_failure(c, 0.0), 902416, 1e-6);
  EXPECT_NEAR(cycles_to_failure(c, 0.30), 6994.16, 0.01);  // 902416 e^-4.86
  EXPECT_NEAR(cycles_to_failure(c, 0.50), 273.92, 0.01);   // 902416 e^-8.1
  // About one cycle to failure near 84 % of the ultimate strength (a static failure).
  EXPECT_NEAR(cycles_to_failure(c, std::log(902416.0) / 16.2), 1.0, 1e-9);
  // Each 10 % of strength divides the life by e^1.62, about 5.
  EXPECT_NEAR(cycles_to_failure(c, 0.2) / cycles_to_failure(c, 0.3), std::exp(1.62), 1e-9);
}

TEST(FatigueFailure, DamagePerCycleIsTheReciprocalLife) {
  const FatigueFailureCurve c = lumbar_fatigue_failure_curve();
  for (double f : {0.05, 0.2, 0.45, 0.7}) EXPECT_NEAR(damage_per_cycle(c, f) * cycles_to_failure(c, f), 1.0, 1e-12);
}

}  // namespace
}  // namespace spineload
