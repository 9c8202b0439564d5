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
  activation_cubed,    // sum of cubed activations (OpenSim's criterion with exponent 3)
};
enum class SolverKind { fast, ipopt };

struct RecruitmentOptions {
  SolverKind solver = SolverKind::fast;
  Objective objective = Objective::activation_squared;
  // Cost of a reserve torque, per (N m)^2: large, so reserves carry only what muscles
  // cannot (about 1e-8 N m when they can).
  double reserve_weight = 1e6;
  // A reserve marks the posture as beyond muscle capacity when it exceeds both of these:
  // an absolute moment, and a share of the net moment at its coordinate. OpenSim's guidance
  // on reserve actuators accepts peak reserves under 10 % of the peak joint moment; we flag
  // above 5 %. Smaller reserves are still reported (summary, JSON, CSV): in deep stoops the
  // model's level-specific extensors at L5/S1 saturate and leave reserves of about 2 % there.
  double reserve_threshold_Nm = 1.0;
  double reserve_threshold_fraction = 0.05;
  // Per muscle, the share of its maximum force it can give at full activation in this
  // frame (muscle physiology: force-length-velocity, pennation); null: all of it.
  const Eigen::VectorXd* force_scale = nullptr;
  // Multipliers the fast solver starts a posture's first frame from (later frames start from
  // the frame before), e.g. the same task solved for the reference woman: a cohort's
  // subjects then need fewer Newton steps (from the best multiple of these, solve_fast),
  // and the start is the same in every thread and process. Null, or of another size: a
  // cold start.
  const Eigen::VectorXd* warm_start = nullptr;
  // The abdominal contents' column in the pressure's cost (abdominal_column_kPa): off only
  // to compare with a model exported to OpenSim, whose criterion has no such term.
  bool abdominal_column = true;
};

// The optimisation problem for the current Data (exposed for solver tests and benchmarks);
// built into `workspace.problem` (Data's own, in recruit_muscles: no allocation per frame).
SeparableProblem recruitment_problem(const Model& model, const Data& data,
                                     const RecruitmentOptions& options);
void build_recruitment_problem(const Model& model, const Data& data, const RecruitmentOptions& options,
                               RecruitmentWorkspace& workspace);

void recruit_muscles(const Model& model, Data& data, const RecruitmentOptions& options);

}  // namespace spineload
