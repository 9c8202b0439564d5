#include <Eigen/Cholesky>
#include <cmath>

#include "recruitment/problem.hpp"

namespace spineload {

double SeparableProblem::objective(const Eigen::VectorXd& x) const {
  double f = 0;
  for (int i = 0; i < x.size(); ++i) f += weight[i] * std::pow(std::abs(x[i]), power[i]);
  return f;
}

namespace {

// The minimiser over [lower, upper] of weight |x|^p - g x, and its derivative in g
// (zero where a bound is active).
struct Primal {
  double x, dx_dg;
};

inline Primal primal(const SeparableProblem& p, int i, double g) {
  const double w = p.weight[i], lo = p.lower[i], hi = p.upper[i];
  if (p.power[i] == 2) {
    const double x = g / (2 * w);
    if (x < lo) return {lo, 0};
    if (x > hi) return {hi, 0};
    return {x, 1 / (2 * w)};
  }
  // power 3 on a non-negative variable
  if (g <= 0) return {std::max(lo, 0.0), 0};
  const double x = std::sqrt(g / (3 * w));
  if (x <= lo) return {lo, 0};
  if (x >= hi) return {hi, 0};
  return {x, 1 / (6 * w * x)};
}

double dual_value(const SeparableProblem& p, const Eigen::VectorXd& lambda, Eigen::VectorXd& x,
                  Eigen::VectorXd& d) {
  const Eigen::VectorXd g = p.A.transpose() * lambda;
  double value = lambda.dot(p.b);
  for (int i = 0; i < g.size(); ++i) {
    const Primal pr = primal(p, i, g[i]);
    x[i] = pr.x;
    d[i] = pr.dx_dg;
    value += p.weight[i] * std::pow(std::abs(pr.x), p.power[i]) - g[i] * pr.x;
  }
  return value;
}

constexpr int kMaxIterations = 100;

SolveResult newton(const SeparableProblem& p, Eigen::VectorXd lambda) {
  const int n = p.num_variables(), m = p.num_constraints();
  Eigen::VectorXd x(n), d(n), x_try(n), d_try(n);
  const double tol = 1e-10 * (1 + p.b.lpNorm<Eigen::Infinity>());
  Eigen::MatrixXd H(m, m);
  Eigen::LDLT<Eigen::MatrixXd> ldlt(m);
  SolveResult result;
  double value = dual_value(p, lambda, x, d);
  bool stalled = false;
  for (int it = 0; it < kMaxIterations; ++it) {
    const Eigen::VectorXd residual = p.b - p.A * x;
    result.iterations = it;
    const double res = residual.lpNorm<Eigen::Infinity>();
    // Rounding limits the residual to about eps * |A| |x|; when reserves are large the
    // multipliers are too (~ 2 x reserve weight), so a stalled line search with a small
    // residual is convergence as well.
    if (res <= tol || (stalled && res <= 1e3 * tol)) {
      result.converged = true;
      break;
    }
    // Generalised Hessian of the dual: sum over free variables of d_i a_i a_i^T.
    H.setZero();
    for (int i = 0; i < n; ++i)
      if (d[i] > 0) H.selfadjointView<Eigen::Lower>().rankUpdate(p.A.col(i), d[i]);
    H.diagonal().array() += 1e-14 * (1 + H.diagonal().maxCoeff());
    ldlt.compute(H.selfadjointView<Eigen::Lower>());
    const Eigen::VectorXd step = ldlt.solve(residual);
    const double slope = residual.dot(step);
    double t = 1;
    double trial = 0;
    for (; t > 1e-12; t *= 0.5) {
      trial = dual_value(p, lambda + t * step, x_try, d_try);
      if (trial >= value + 1e-4 * t * slope) break;
    }
    stalled = t <= 1e-12 || trial <= value;
    lambda += t * step;
    value = trial;
    x.swap(x_try);
    d.swap(d_try);
  }
  result.x = x;
  result.lambda = lambda;
  result.objective = p.objective(x);
  return result;
}

}  // namespace

SolveResult solve_fast(const SeparableProblem& problem, const Eigen::VectorXd* warm_lambda) {
  const int m = problem.num_constraints();
  if (warm_lambda && warm_lambda->size() == m) return newton(problem, *warm_lambda);
  if ((problem.power.array() == 2).all()) return newton(problem, Eigen::VectorXd::Zero(m));
  // Cubic terms have an infinite curvature at zero: start from the quadratic problem's
  // multipliers, which put the free set near the right one.
  SeparableProblem quadratic = problem;
  quadratic.power.setConstant(2);
  return newton(problem, newton(quadratic, Eigen::VectorXd::Zero(m)).lambda);
}

}  // namespace spineload
