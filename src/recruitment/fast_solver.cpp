#include <Eigen/Cholesky>
#include <cmath>
#include <vector>

#include "recruitment/problem.hpp"

namespace spineload {

namespace {
inline double term(double w, int power, double x) {
  return power == 2 ? w * x * x : w * x * x * std::abs(x);  // std::pow costs ~10x more here
}
}  // namespace

double SeparableProblem::objective(const Eigen::VectorXd& x) const {
  double f = 0;
  for (int i = 0; i < x.size(); ++i) f += term(weight[i], power[i], x[i]);
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
  // dx/dg = 1 / (6 w x) grows without bound as x -> 0; capping it only shapes the Newton
  // direction (the dual gradient stays exact), and keeps steps from collapsing near zero.
  return {x, 1 / (6 * w * std::max(x, 1e-3))};
}

double dual_value(const SeparableProblem& p, const Eigen::VectorXd& lambda, Eigen::VectorXd& x,
                  Eigen::VectorXd& d) {
  const Eigen::VectorXd g = p.A.transpose() * lambda;
  double value = lambda.dot(p.b);
  for (int i = 0; i < g.size(); ++i) {
    const Primal pr = primal(p, i, g[i]);
    x[i] = pr.x;
    d[i] = pr.dx_dg;
    value += term(p.weight[i], p.power[i], pr.x) - g[i] * pr.x;
  }
  return value;
}

constexpr int kMaxIterations = 100;

SolveResult newton(const SeparableProblem& p, Eigen::VectorXd lambda) {
  const int n = p.num_variables(), m = p.num_constraints();
  Eigen::VectorXd x(n), d(n), x_try(n), d_try(n);
  const double tol = 1e-10 * (1 + p.b.lpNorm<Eigen::Infinity>());
  Eigen::MatrixXd H(m, m), G = Eigen::MatrixXd::Zero(m, m);
  Eigen::VectorXd d_in_G = Eigen::VectorXd::Zero(n);
  const bool incremental = (p.power.array() == 2).all();
  std::vector<std::vector<int>> nonzero_rows(n);
  for (int i = 0; i < n; ++i)
    for (int r = 0; r < m; ++r)
      if (p.A(r, i) != 0) nonzero_rows[i].push_back(r);
  Eigen::LLT<Eigen::MatrixXd> ldlt(m);
  SolveResult result;
  double value = dual_value(p, lambda, x, d);
  bool stalled = false;
  // Scale of the Levenberg term: the Hessian with every variable free.
  double mu = 0, mu_floor = 0;
  for (int i = 0; i < n; ++i) {
    const double d_free = p.power[i] == 2 ? 1 / (2 * p.weight[i]) : 1 / (6 * p.weight[i] * 0.5);
    mu_floor += d_free * p.A.col(i).squaredNorm();
  }
  mu_floor *= 1e-6 / m;
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
    // Generalised Hessian of the dual: sum over free variables of d_i a_i a_i^T, plus a
    // Levenberg term mu I that grows when the active set keeps switching (short steps) and
    // shrinks when full Newton steps are taken, as in a trust-region method.
    // Built from each column's nonzero rows only (a muscle loads the few levels it
    // crosses). With quadratic terms d_i is constant, so after the first iteration only
    // the columns whose bound status changed are added or removed (bench/: the update
    // is most of an iteration's cost otherwise).
    auto add_column = [&](int i, double di) {
      const auto& rows = nonzero_rows[i];
      for (std::size_t ra = 0; ra < rows.size(); ++ra) {
        const double da = di * p.A(rows[ra], i);
        for (std::size_t rb = 0; rb <= ra; ++rb) G(rows[ra], rows[rb]) += da * p.A(rows[rb], i);
      }
    };
    if (!incremental || it % 20 == 0) {
      G.setZero();
      for (int i = 0; i < n; ++i)
        if (d[i] > 0) add_column(i, d[i]);
    } else {
      for (int i = 0; i < n; ++i)
        if ((d[i] > 0) != (d_in_G[i] > 0)) add_column(i, d[i] > 0 ? d[i] : -d_in_G[i]);
    }
    d_in_G = d;
    H = G;
    H.diagonal().array() += mu + 1e-14 * (1 + H.diagonal().maxCoeff());
    ldlt.compute(H.selfadjointView<Eigen::Lower>());
    const Eigen::VectorXd step = ldlt.solve(residual);
    const double slope = residual.dot(step);
    double t = 1;
    double trial = 0;
    for (; t > 1e-12; t *= 0.5) {
      trial = dual_value(p, lambda + t * step, x_try, d_try);
      if (trial >= value + 1e-4 * t * slope) break;
      // Near the optimum the dual's increase falls below its rounding (large multipliers
      // when reserves are large): accept a step that still shrinks the residual.
      if (std::abs(trial - value) <= 1e-13 * std::abs(value) &&
          (p.b - p.A * x_try).lpNorm<Eigen::Infinity>() < 0.5 * res)
        break;
    }
    stalled = t <= 1e-12 || trial <= value;
    if (t < 0.25) mu = std::max(4 * mu, mu_floor);
    else if (t == 1) mu *= 0.25;
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
