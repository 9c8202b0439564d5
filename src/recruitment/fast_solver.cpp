// The dedicated recruitment solver: semismooth Newton on the dual (see problem.hpp).
#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <vector>

#include "recruitment/problem.hpp"

namespace spineload {

namespace {

inline double term(double w, int power, double x) {
  return power == 2 ? w * x * x : w * x * x * std::abs(x);  // std::pow costs ~10x more here
}

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

constexpr int kMaxIterations = 100;

// The problem's columns in compressed form: a muscle loads only the levels it crosses, so
// products with A and the Hessian updates touch a fraction of the dense matrix.
class DualNewton {
 public:
  explicit DualNewton(const SeparableProblem& p) : p_(p), n_(p.num_variables()), m_(p.num_constraints()) {
    start_.reserve(n_ + 1);
    rows_.reserve(static_cast<std::size_t>(p.A.size()));
    values_.reserve(static_cast<std::size_t>(p.A.size()));
    for (int i = 0; i < n_; ++i) {
      start_.push_back(static_cast<int>(rows_.size()));
      const double* col = p.A.col(i).data();
      for (int r = 0; r < m_; ++r)
        if (col[r] != 0) {
          rows_.push_back(r);
          values_.push_back(col[r]);
        }
    }
    start_.push_back(static_cast<int>(rows_.size()));
  }

  SolveResult solve(Eigen::VectorXd lambda) const;

 private:
  double dual_value(const Eigen::VectorXd& lambda, Eigen::VectorXd& x, Eigen::VectorXd& d) const {
    double value = lambda.dot(p_.b);
    for (int i = 0; i < n_; ++i) {
      double g = 0;
      for (int k = start_[i]; k < start_[i + 1]; ++k) g += values_[k] * lambda[rows_[k]];
      const Primal pr = primal(p_, i, g);
      x[i] = pr.x;
      d[i] = pr.dx_dg;
      value += term(p_.weight[i], p_.power[i], pr.x) - g * pr.x;
    }
    return value;
  }
  void residual(const Eigen::VectorXd& x, Eigen::VectorXd& r) const {
    r = p_.b;
    for (int i = 0; i < n_; ++i)
      if (x[i] != 0)
        for (int k = start_[i]; k < start_[i + 1]; ++k) r[rows_[k]] -= values_[k] * x[i];
  }
  // For all-quadratic problems the dual along a direction is a concave piecewise quadratic
  // in t: its maximiser is found exactly by walking the breakpoints where variables meet
  // their bounds, instead of backtracking (which cost ~6 dual evaluations per step).
  double exact_step(const Eigen::VectorXd& lambda, const Eigen::VectorXd& step) const {
    struct Break {
      double t, slope_change;
    };
    std::vector<Break> breaks;
    breaks.reserve(2 * n_);
    double dphi = step.dot(p_.b);  // phi'(0) = step . (b - A x(0))
    double curvature = 0;          // d phi'/dt on the current segment (<= 0)
    for (int i = 0; i < n_; ++i) {
      double g = 0, sd = 0;
      for (int k = start_[i]; k < start_[i + 1]; ++k) {
        g += values_[k] * lambda[rows_[k]];
        sd += values_[k] * step[rows_[k]];
      }
      const double inv = 1 / (2 * p_.weight[i]), lo = p_.lower[i], hi = p_.upper[i];
      const double x0 = g * inv;
      dphi -= sd * std::clamp(x0, lo, hi);
      if (sd == 0) continue;
      const double c = -sd * sd * inv;  // contribution to phi'' while free
      const bool free0 = x0 > lo && x0 < hi;
      if (free0) curvature += c;
      // times at which x(t) = (g + t sd) inv crosses lo and hi
      const double t_lo = (lo / inv - g) / sd, t_hi = (hi / inv - g) / sd;
      const double t_enter = sd > 0 ? t_lo : t_hi, t_leave = sd > 0 ? t_hi : t_lo;
      if (std::isfinite(t_enter) && t_enter > 0 && !free0 && (sd > 0 ? x0 <= lo : x0 >= hi)) breaks.push_back({t_enter, c});
      if (std::isfinite(t_leave) && t_leave > 0) breaks.push_back({t_leave, -c});
    }
    std::sort(breaks.begin(), breaks.end(), [](const Break& a, const Break& b) { return a.t < b.t; });
    double t = 0;
    for (const Break& br : breaks) {
      const double next = dphi + curvature * (br.t - t);
      if (next <= 0) break;
      dphi = next;
      t = br.t;
      curvature += br.slope_change;
    }
    return curvature < 0 ? t - dphi / curvature : t;
  }

  void add_column(Eigen::MatrixXd& G, int i, double di) const {
    for (int a = start_[i]; a < start_[i + 1]; ++a) {
      const double da = di * values_[a];
      for (int b = start_[i]; b <= a; ++b) G(rows_[a], rows_[b]) += da * values_[b];
    }
  }

  const SeparableProblem& p_;
  int n_, m_;
  std::vector<int> start_, rows_;
  std::vector<double> values_;
};

SolveResult DualNewton::solve(Eigen::VectorXd lambda) const {
  Eigen::VectorXd x(n_), d(n_), x_try(n_), d_try(n_), r(m_), r_try(m_);
  const double tol = 1e-10 * (1 + p_.b.lpNorm<Eigen::Infinity>());
  Eigen::MatrixXd H(m_, m_), G = Eigen::MatrixXd::Zero(m_, m_);
  Eigen::VectorXd d_in_G = Eigen::VectorXd::Zero(n_);
  const bool incremental = (p_.power.array() == 2).all();
  Eigen::LLT<Eigen::MatrixXd> llt(m_);
  // Scale of the Levenberg term below: the Hessian's size with every variable free.
  double mu = 0, mu_floor = 0;
  for (int i = 0; i < n_; ++i) {
    const double d_free = p_.power[i] == 2 ? 1 / (2 * p_.weight[i]) : 1 / (3 * p_.weight[i]);
    for (int k = start_[i]; k < start_[i + 1]; ++k) mu_floor += d_free * values_[k] * values_[k];
  }
  mu_floor *= 1e-6 / m_;

  SolveResult result;
  double value = dual_value(lambda, x, d);
  residual(x, r);
  bool stalled = false;
  for (int it = 0; it < kMaxIterations; ++it) {
    result.iterations = it;
    const double res = r.lpNorm<Eigen::Infinity>();
    // Rounding limits the residual to about eps |A| |x|; when reserves are large the
    // multipliers are too (~ 2 x reserve weight), so a stalled line search with a small
    // residual is convergence as well.
    if (res <= tol || (stalled && res <= 1e3 * tol)) {
      result.converged = true;
      break;
    }
    // Generalised Hessian of the dual: sum over free variables of d_i a_i a_i^T. With
    // quadratic terms d_i is constant, so after the first iteration only the columns whose
    // bound status changed are added or removed (rebuilt every 20 against drift).
    if (!incremental || it % 20 == 0) {
      G.setZero();
      for (int i = 0; i < n_; ++i)
        if (d[i] > 0) add_column(G, i, d[i]);
    } else {
      for (int i = 0; i < n_; ++i)
        if ((d[i] > 0) != (d_in_G[i] > 0)) add_column(G, i, d[i] > 0 ? d[i] : -d_in_G[i]);
    }
    d_in_G = d;
    // A Levenberg term mu I grows when the active set keeps switching (short steps) and
    // shrinks when full Newton steps are taken, as in a trust-region method.
    H = G;
    H.diagonal().array() += mu + 1e-14 * (1 + G.diagonal().maxCoeff());
    llt.compute(H.selfadjointView<Eigen::Lower>());
    const Eigen::VectorXd step = llt.solve(r);
    const double slope = r.dot(step);
    // Armijo's sufficient increase; near the optimum the dual's increase falls below its
    // rounding (large multipliers when reserves are large), so a step that still halves
    // the residual is accepted too.
    auto acceptable = [&](double tt, double tr) {
      if (tr >= value + 1e-4 * tt * slope) return true;
      if (std::abs(tr - value) > 1e-13 * std::abs(value)) return false;
      residual(x_try, r_try);
      return r_try.lpNorm<Eigen::Infinity>() < 0.5 * res;
    };
    // The full Newton step first; when it fails, the exact step for quadratic problems,
    // else (or if rounding defeats that) backtracking.
    double t = 1, trial = dual_value(lambda + step, x_try, d_try);
    bool accepted = acceptable(t, trial);
    if (!accepted && incremental) {
      t = exact_step(lambda, step);
      trial = dual_value(lambda + t * step, x_try, d_try);
      accepted = trial >= value;
    }
    for (t = accepted ? t : 0.5; !accepted && t > 1e-12; t *= 0.5) {
      trial = dual_value(lambda + t * step, x_try, d_try);
      if (acceptable(t, trial)) break;
    }
    stalled = t <= 1e-12 || trial <= value;
    if (!incremental) {
      if (t < 0.25) mu = std::max(4 * mu, mu_floor);
      else if (t == 1) mu *= 0.25;
    }
    lambda += t * step;
    value = trial;
    x.swap(x_try);
    d.swap(d_try);
    residual(x, r);
  }
  result.x = x;
  result.lambda = lambda;
  result.objective = p_.objective(x);
  return result;
}

}  // namespace

SolveResult solve_fast(const SeparableProblem& problem, const Eigen::VectorXd* warm_lambda) {
  const int m = problem.num_constraints();
  const DualNewton newton(problem);
  if (warm_lambda && warm_lambda->size() == m) return newton.solve(*warm_lambda);
  if ((problem.power.array() == 2).all()) return newton.solve(Eigen::VectorXd::Zero(m));
  // Cubic terms have an infinite curvature at zero: start from the quadratic problem's
  // multipliers, which put the free set near the right one.
  SeparableProblem quadratic = problem;
  quadratic.power.setConstant(2);
  return newton.solve(DualNewton(quadratic).solve(Eigen::VectorXd::Zero(m)).lambda);
}

}  // namespace spineload
