// Stage tasks, infant: the infant's mass from the WHO weight-for-age standards (0-12 months).
#pragma once
#include <string>

namespace spineload {

enum class InfantSex { girl, boy };

// Mass in kg at `age_months` (0-12) and `percentile` (3-97); interpolated linearly in age
// and in z between the tabulated percentiles. Throws InputError outside the table.
double infant_mass_kg(double age_months, InfantSex sex, double percentile = 50);

}  // namespace spineload
