// Stage 5, recruitment: takes the required generalised forces, passive moments and muscle
// moment arms; gives muscle activations and forces by static optimisation, with reserve
// torques (and a flag) where the muscles cannot hold the load.
#pragma once
#include "model/data.hpp"
#include "recruitment/problem.hpp"

namespace spineload {

enum class Objective {
  activation_squared,  // sum of squared activations (OpenSim's default criterion)
  stress_cubed,        // sum of cubed muscle stresses (Crowninshield & Brand 1981)
};
enum class SolverKind { fast, ipopt };

struct RecruitmentOptions {
  SolverKind solver = SolverKind::fast;
  Objective objective = Objective::activation_squared;
  // Cost of a reserve torque, per (N m)^2: large, so reserves carry only what muscles
  // cannot (about 1e-8 N m when they can).
  double reserve_weight = 1e6;
  // A reserve above this marks the posture as beyond muscle capacity. Smaller reserves are
  // still reported (JSON, CSV); they are under about 1 % of the net moment wherever they
  // appear on the default model, the order OpenSim's guidance on reserve actuators accepts.
  double reserve_threshold_Nm = 1.0;
};

// The optimisation problem for the current Data (exposed for solver tests and benchmarks).
SeparableProblem recruitment_problem(const Model& model, const Data& data,
                                     const RecruitmentOptions& options);

void recruit_muscles(const Model& model, Data& data, const RecruitmentOptions& options);

}  // namespace spineload
