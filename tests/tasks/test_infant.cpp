#include <gtest/gtest.h>

#include "common/errors.hpp"
#include "tasks/infant.hpp"

namespace spineload {
namespace {

TEST(Infant, WhoMediansAtTabulatedAges) {
  EXPECT_NEAR(infant_mass_kg(0, InfantSex::boy), 3.35, 1e-9);
  EXPECT_NEAR(infant_mass_kg(6, InfantSex::girl), 7.30, 1e-9);
  EXPECT_NEAR(infant_mass_kg(12, InfantSex::girl), 8.95, 1e-9);  // WHO median 8.9481 [V]
  EXPECT_NEAR(infant_mass_kg(4.5, InfantSex::girl), (6.42 + 6.90) / 2, 1e-9);
}

TEST(Infant, PercentilesBetweenColumnsInterpolateInZ) {
  EXPECT_NEAR(infant_mass_kg(6, InfantSex::girl, 97), 9.20, 2e-3);
  EXPECT_NEAR(infant_mass_kg(6, InfantSex::girl, 3), 5.81, 2e-3);
  const double p25 = infant_mass_kg(6, InfantSex::girl, 25);  // z = -0.674
  EXPECT_NEAR(p25, 6.43 + (7.30 - 6.43) * (1.036 - 0.674) / 1.036, 5e-3);
}

TEST(Infant, OutsideTheTableIsAnError) {
  EXPECT_THROW(infant_mass_kg(14, InfantSex::girl), InputError);
  EXPECT_THROW(infant_mass_kg(6, InfantSex::boy, 99.5), InputError);
}

}  // namespace
}  // namespace spineload
