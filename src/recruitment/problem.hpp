// The muscle-recruitment optimisation both solvers take: minimise
//   sum_i weight_i * |x_i|^power_i   subject to  A x = b,  lower <= x <= upper,
// a separable convex problem (power 2 or 3). Variables are muscle activations followed
// by reserve torques; rows are the equilibrium equations of the spinal coordinates.
#pragma once
#include <Eigen/Core>

namespace spineload {

struct SeparableProblem {
  Eigen::MatrixXd A;
  Eigen::VectorXd b;
  Eigen::VectorXd weight, lower, upper;
  Eigen::VectorXi power;

  double objective(const Eigen::VectorXd& x) const;
  int num_variables() const { return static_cast<int>(weight.size()); }
  int num_constraints() const { return static_cast<int>(b.size()); }
};

struct SolveResult {
  Eigen::VectorXd x;
  Eigen::VectorXd lambda;  // equality multipliers
  bool converged = false;
  int iterations = 0;
  double objective = 0;
};

// Dedicated solver, written by hand because no packaged library solves this structure
// fast enough (bench/bench_recruitment.cpp measures it against IPOPT): the dual of a
// separable problem is smooth and concave in the m multipliers, so a semismooth Newton
// method on the dual converges in a few steps of an m x m Cholesky (m = 27 here)
// instead of an interior-point method over all n variables. Warm-started along a series.
SolveResult solve_fast(const SeparableProblem& problem, const Eigen::VectorXd* warm_lambda);

// Reference solver: IPOPT (COIN-OR) interior point, tight tolerances.
SolveResult solve_ipopt(const SeparableProblem& problem);

}  // namespace spineload
