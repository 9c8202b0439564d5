// Stage capacity, fatigue: the three-compartment muscle fatigue model (Xia & Frey-Law 2008)
// with rest recovery (3CC-r, Looft et al. 2018). Takes a target load (fraction of maximum
// voluntary contraction) over time; gives the active, resting and fatigued fractions of the
// motor-unit pool, the capacity left (active + resting) and task failure.
#pragma once
#include <string>
#include <vector>

#include "analysis/analyze.hpp"

namespace spineload {

// The back extensors' share of their maximal moment, the target load of the model below: over
// the lumbar levels (T12/L1 to L5/S1) and frames, the largest muscle extension moment over
// the level's extensor capacity.
double back_extensor_demand(const Model& model, const PostureResult& result);
// The same for one frame (a walking stride reports it over the cycle).
double back_extensor_demand(const Model& model, const FrameResult& frame);

struct FatigueParameters {
  double F_per_s = 0;      // fatigue rate
  double R_per_s = 0;      // recovery rate
  double LD_per_s = 10;    // controller gain, developing force
  double LR_per_s = 10;    // controller gain, relaxing
  double rest_recovery_multiplier = 1;  // r: recovery x r while the target load is zero
};

struct FatigueState {
  double active = 0;    // MA
  double resting = 1;   // MR
  double fatigued = 0;  // MF
  double capacity() const { return active + resting; }  // the largest load reachable now
};

// Trunk parameters from data/capacity/fatigue.yaml (built in).
FatigueParameters trunk_fatigue_parameters();

// Advances the state by dt_s holding `target_load` (0..1), integrating with fixed substeps
// (classical Runge-Kutta, 0.01 s: the controller gains of 10/s need steps well below 0.2 s).
void step_fatigue(const FatigueParameters& p, FatigueState& state, double target_load, double dt_s);

// True when the pool can no longer meet the target: MA + MR < TL.
inline bool task_failed(const FatigueState& s, double target_load) { return s.capacity() < target_load - 1e-9; }

// Closed-form endurance time at a constant target load (infinite below R / (F + R)).
double endurance_time_s(const FatigueParameters& p, double target_load);

// The published reference figures of the data file, for tests and docs.
struct FatigueReference {
  std::vector<double> target_loads, endurance_3cc_s;
  double power_b0 = 0, power_b1 = 0;
};
FatigueReference trunk_fatigue_reference();

}  // namespace spineload
