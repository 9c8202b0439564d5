#include <gtest/gtest.h>

#include <cmath>

#include "capacity/fatigue.hpp"

namespace spineload {
namespace {

TEST(Fatigue, ClosedFormEnduranceMatchesThePublishedTrunkFigures) {
  // MyoSuite's validation of the 3CC model with Frey-Law 2012's trunk F and R: 2995, 675,
  // ... 14.8 s from 10 to 90 % MVC.
  const FatigueParameters p = trunk_fatigue_parameters();
  const FatigueReference ref = trunk_fatigue_reference();
  ASSERT_EQ(ref.target_loads.size(), 9u);
  for (std::size_t k = 0; k < ref.target_loads.size(); ++k)
    EXPECT_NEAR(endurance_time_s(p, ref.target_loads[k]), ref.endurance_3cc_s[k], 0.01 * ref.endurance_3cc_s[k])
        << ref.target_loads[k];
}

TEST(Fatigue, IntegratedHoldFailsAtTheClosedFormTime) {
  const FatigueParameters p = trunk_fatigue_parameters();
  for (double tl : {0.3, 0.5, 0.7}) {
    FatigueState s;
    double t = 0;
    while (!task_failed(s, tl) && t < 1e4) {
      step_fatigue(p, s, tl, 0.1);
      t += 0.1;
      EXPECT_NEAR(s.active + s.resting + s.fatigued, 1.0, 1e-9);
    }
    EXPECT_NEAR(t, endurance_time_s(p, tl), 0.02 * endurance_time_s(p, tl)) << tl;
  }
}

TEST(Fatigue, StaysWithinAFactorTwoOfThePowerLawCurve) {
  // Frey-Law & Avin 2010 trunk curve ET = 22.69 TL^-2.27 (the MyoSuite test's tolerance).
  const FatigueParameters p = trunk_fatigue_parameters();
  const FatigueReference ref = trunk_fatigue_reference();
  for (double tl = 0.2; tl <= 0.8 + 1e-9; tl += 0.1) {
    const double curve = ref.power_b0 * std::pow(tl, ref.power_b1);
    const double model = endurance_time_s(p, tl);
    EXPECT_LT(model, 2 * curve) << tl;
    EXPECT_GT(model, 0.5 * curve) << tl;
  }
}

TEST(Fatigue, LoadsBelowTheAsymptoteAreSustained) {
  // Sustainable below R / (F + R) = 0.00075 / 0.0083 = 9.04 % MVC.
  const FatigueParameters p = trunk_fatigue_parameters();
  EXPECT_TRUE(std::isinf(endurance_time_s(p, 0.09)));
  EXPECT_FALSE(std::isinf(endurance_time_s(p, 0.091)));
  FatigueState s;
  for (int i = 0; i < 3600; ++i) step_fatigue(p, s, 0.08, 1.0);
  EXPECT_FALSE(task_failed(s, 0.08));
  // The proportional controller settles where LD (TL - MA) = F MA: MA = LD TL / (LD + F).
  EXPECT_NEAR(s.active, p.LD_per_s * 0.08 / (p.LD_per_s + p.F_per_s), 1e-6);
}

TEST(Fatigue, RestRecoveryIsFasterWithTheMultiplier) {
  // Resting after a hold: MF decays as exp(-r R t) once the active pool has relaxed.
  FatigueParameters p = trunk_fatigue_parameters();
  FatigueState tired;
  step_fatigue(p, tired, 0.5, 100.0);
  FatigueState with_r = tired, without_r = tired;
  step_fatigue(p, with_r, 0.0, 60.0);
  FatigueParameters plain = p;
  plain.rest_recovery_multiplier = 1;
  step_fatigue(plain, without_r, 0.0, 60.0);
  EXPECT_LT(with_r.fatigued, without_r.fatigued);
  EXPECT_NEAR(with_r.fatigued / tired.fatigued, std::exp(-15 * 0.00075 * 60.0), 0.02);
}

}  // namespace
}  // namespace spineload
