// Stage capacity, fatigue failure: cumulative damage of the lumbar motion segments from
// repeated compression (an S-N curve and Miner's rule; data/capacity/fatigue.yaml). Takes
// peak compression as a fraction of the vertebral strength (the factor of risk) and a number
// of loading cycles; gives the fraction of the fatigue life they use.
#pragma once

namespace spineload {

struct FatigueFailureCurve {
  double a_cycles = 0;       // cycles to failure at zero load (the curve's intercept)
  double b_per_percent = 0;  // fall in log cycles per percent of ultimate strength
};

// The lumbar curve of the data file (built in).
FatigueFailureCurve lumbar_fatigue_failure_curve();

// Cycles to failure when each cycle peaks at `fraction_of_strength` (0..) of the ultimate
// compressive strength.
double cycles_to_failure(const FatigueFailureCurve& curve, double fraction_of_strength);

// Miner's damage of one such cycle: 1 / cycles_to_failure.
double damage_per_cycle(const FatigueFailureCurve& curve, double fraction_of_strength);

}  // namespace spineload
