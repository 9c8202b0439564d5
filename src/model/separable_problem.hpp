// The muscle-recruitment optimisation both solvers take (recruitment/problem.hpp declares
// them): minimise
//   sum_i weight_i * |x_i|^power_i   subject to  A x = b,  lower <= x <= upper,
// a separable convex problem (power 2 or 3). Variables are muscle activations followed by
// contact forces, actuator controls, constraint forces and reserve torques; rows are the
// equilibrium equations of the spinal coordinates. Defined here, below recruitment, because
// Data keeps one per thread with the solver's buffers: a frame then allocates nothing.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <vector>

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

// The fast solver's buffers (recruitment/fast_solver.cpp), sized by the first problem and
// reused while the sizes stay.
struct DualNewtonWorkspace {
  std::vector<int> start, first;          // the problem's columns, compressed: column i is
                                          // values[start[i], start[i+1]) from row first[i]
  std::vector<double> values;
  Eigen::VectorXd half_inverse_weight, lower_g, upper_g;  // per variable: 1 / 2w, 2w lower, 2w upper
  Eigen::VectorXd x, d, x_try, d_try, r, r_try, d_in_G, step;
  Eigen::VectorXd g, g_try, s;            // the columns' products A^T lambda, at a trial, A^T step
  Eigen::MatrixXd G;                      // the dual's Hessian, lower triangle
  std::vector<double> L;                  // its Cholesky factor, column-major, lower triangle
  struct Break {
    double t, slope_change;
  };
  std::vector<Break> breaks;              // the exact line search's breakpoints
  Eigen::VectorXi power;                      // the problem's exponents, while solving it as quadratic first
};

// Everything recruitment needs per frame besides its results.
struct RecruitmentWorkspace {
  SeparableProblem problem;
  SolveResult result;
  DualNewtonWorkspace newton;
  Eigen::MatrixXd contact_g, actuator_g, constraint_g;  // generalised forces per unit push, control, pull
  Eigen::VectorXd g, column;
  std::vector<double> coupler_x;
  double pressure_shift = 0;  // the abdominal pressure's variable is solved as activation + this
};

}  // namespace spineload
