#include <gtest/gtest.h>

#include <cmath>

#include "tasks/lifting_equation.hpp"

namespace spineload {
namespace {

TEST(LiftingEquation, IdealLiftAllowsTheLoadConstant) {
  // H 25 cm, V 75 cm, D 25 cm, symmetric, occasional, good grip: every multiplier is 1.
  LiftGeometry g;
  g.load_kg = 11.5;
  const LiftingIndex r = niosh_lifting_index(g);
  EXPECT_NEAR(r.rwl_kg, 23.0, 1e-12);
  EXPECT_NEAR(r.lifting_index, 0.5, 1e-12);
}

TEST(LiftingEquation, InfantFromACribByHand) {
  // A 6-month girl at the WHO median (7.3 kg) from a crib: H 40, V 45, D 80 cm, A 0,
  // 2 lifts/min for under an hour, fair grip. HM 25/40 = 0.625, VM 1 - 0.003 x 30 = 0.91,
  // DM 0.82 + 4.5/80 = 0.87625, FM 0.91, CM 0.95: RWL = 23 x 0.43084 = 9.909 kg, LI 0.737.
  LiftGeometry g;
  g.horizontal_cm = 40;
  g.vertical_cm = 45;
  g.distance_cm = 80;
  g.lifts_per_min = 2;
  g.duration_h = 1;
  g.coupling = Coupling::fair;
  g.load_kg = 7.3;
  const LiftingIndex r = niosh_lifting_index(g);
  EXPECT_NEAR(r.HM, 0.625, 1e-12);
  EXPECT_NEAR(r.VM, 0.91, 1e-12);
  EXPECT_NEAR(r.DM, 0.87625, 1e-12);
  EXPECT_NEAR(r.AM, 1.0, 1e-12);
  EXPECT_NEAR(r.FM, 0.91, 1e-12);
  EXPECT_NEAR(r.CM, 0.95, 1e-12);
  EXPECT_NEAR(r.rwl_kg, 9.909, 1e-3);
  EXPECT_NEAR(r.lifting_index, 0.7367, 1e-3);
}

TEST(LiftingEquation, OutOfRangeGeometryGivesZero) {
  LiftGeometry far;
  far.horizontal_cm = 70;
  far.load_kg = 1;
  EXPECT_EQ(niosh_lifting_index(far).HM, 0.0);
  EXPECT_TRUE(std::isinf(niosh_lifting_index(far).lifting_index));
  LiftGeometry frequent;
  frequent.lifts_per_min = 16;
  EXPECT_EQ(niosh_lifting_index(frequent).FM, 0.0);
  LiftGeometry low_long;  // 9 lifts/min for 8 h from below 75 cm is outside Table 5
  low_long.vertical_cm = 50;
  low_long.lifts_per_min = 9;
  low_long.duration_h = 8;
  EXPECT_EQ(niosh_lifting_index(low_long).FM, 0.0);
  low_long.vertical_cm = 80;
  EXPECT_NEAR(niosh_lifting_index(low_long).FM, 0.15, 1e-12);
}

TEST(LiftingEquation, FrequencyBetweenRowsInterpolates) {
  LiftGeometry g;
  g.lifts_per_min = 1.5;  // halfway between 1 (0.94) and 2 (0.91), under an hour
  EXPECT_NEAR(niosh_lifting_index(g).FM, 0.925, 1e-12);
  g.duration_h = 2;  // moderate: 0.88 and 0.84
  EXPECT_NEAR(niosh_lifting_index(g).FM, 0.86, 1e-12);
}

}  // namespace
}  // namespace spineload

namespace spineload {
namespace {

TEST(LiftingEquation, TravelBeyond175CentimetresIsOutsideTheEquation) {
  // Applications Manual: D below 25 cm counts as 25; beyond 175 cm DM = 0, so RWL = 0.
  LiftGeometry g;
  g.load_kg = 5;
  g.distance_cm = 176;
  EXPECT_EQ(niosh_lifting_index(g).DM, 0.0);
  EXPECT_EQ(niosh_lifting_index(g).rwl_kg, 0.0);
  g.distance_cm = 175;
  EXPECT_NEAR(niosh_lifting_index(g).DM, 0.82 + 4.5 / 175, 1e-12);
  g.distance_cm = 10;
  EXPECT_NEAR(niosh_lifting_index(g).DM, 0.82 + 4.5 / 25, 1e-12);
}

}  // namespace
}  // namespace spineload
