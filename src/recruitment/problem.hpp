// The muscle-recruitment optimisation both solvers take: minimise
//   sum_i weight_i * |x_i|^power_i   subject to  A x = b,  lower <= x <= upper,
// a separable convex problem (power 2 or 3). Variables are muscle activations followed
// by reserve torques; rows are the equilibrium equations of the spinal coordinates.
#pragma once
#include <Eigen/Core>
#include <cmath>

namespace spineload {

struct SeparableProblem {
  Eigen::MatrixXd A;
  Eigen::VectorXd b;
  Eigen::VectorXd weight, lower, upper;
  Eigen::VectorXi power;

  double objective(const Eigen::VectorXd& x) const {
    double f = 0;
    for (int i = 0; i < x.size(); ++i)
      f += weight[i] * x[i] * x[i] * (power[i] == 2 ? 1.0 : std::abs(x[i]));  // std::pow costs ~10x more
    return f;
  }
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

// Reference solver: IPOPT (COIN-OR) interior point, tight tolerances. IPOPT lives in a
// module of its own (libspineload_ipopt.so), loaded on first use with its own symbol scope:
// Debian's IPOPT brings MUMPS's stand-in MPI library, whose MPI_* symbols would otherwise
// clash with Open MPI's in the same process (cohorts under mpirun).
SolveResult solve_ipopt(const SeparableProblem& problem);

}  // namespace spineload
