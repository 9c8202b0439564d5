// Stage tasks, ergonomic index: the Revised NIOSH Lifting Equation (Waters et al. 1993),
// metric, with every multiplier reported.
#pragma once
#include <string>

namespace spineload {

enum class Coupling { good, fair, poor };

struct LiftGeometry {
  double horizontal_cm = 25;   // H: hands ahead of the midpoint between the ankles
  double vertical_cm = 75;     // V: hands above the floor at the origin
  double distance_cm = 25;     // D: vertical travel
  double asymmetry_deg = 0;    // A
  double lifts_per_min = 0.2;  // F
  double duration_h = 1;       // <= 1: short, <= 2: moderate, <= 8: long
  Coupling coupling = Coupling::good;
  double load_kg = 0;
};

struct LiftingIndex {
  double LC_kg = 0, HM = 0, VM = 0, DM = 0, AM = 0, FM = 0, CM = 0;
  double rwl_kg = 0;           // recommended weight limit
  double lifting_index = 0;    // load / RWL (infinite when RWL is 0)
};

LiftingIndex niosh_lifting_index(const LiftGeometry& lift);

}  // namespace spineload
