// The dedicated recruitment solver: semismooth Newton on the dual (see problem.hpp). Every
// buffer lives in a DualNewtonWorkspace, so a frame solved with Data's workspace allocates
// nothing once the problem's sizes are known (tests/allocation).
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

inline Primal primal(const SeparableProblem& p, const DualNewtonWorkspace& ws, int power, int i, double g) {
  const double w = p.weight[i], lo = p.lower[i], hi = p.upper[i];
  if (power == 2) {
    const double x = g * ws.half_inverse_weight[i];
    if (x < lo) return {lo, 0};
    if (x > hi) return {hi, 0};
    return {x, ws.half_inverse_weight[i]};
  }
  // power 3: w |x|^3 - g x is least at x = sign(g) sqrt(|g| / 3w), then held within the
  // bounds (a torque of either sign: the arms' negative joint torques run from -1 to 0)
  const double x = std::copysign(std::sqrt(std::abs(g) / (3 * w)), g);
  if (x <= lo) return {lo, 0};
  if (x >= hi) return {hi, 0};
  // dx/dg = 1 / (6 w |x|) grows without bound as x -> 0; capping it only shapes the Newton
  // direction (the dual gradient stays exact), and keeps steps from collapsing near zero.
  return {x, 1 / (6 * w * std::max(std::abs(x), 1e-3))};
}

constexpr int kMaxIterations = 100;

// Products over a column's run (a handful to 27 entries), as plain loops: with the
// residual taken in the dual's pass, the passes over the columns took 12 % fewer
// instructions than Eigen's segment expressions with a separate residual, 24 % fewer than
// the row-indexed loops before (callgrind, cohort benchmark). Two partial sums let the
// compiler pair the multiplications.
inline double dot(const double* a, const double* b, int n) {
  double s0 = 0, s1 = 0;
  int k = 0;
  for (; k + 1 < n; k += 2) {
    s0 += a[k] * b[k];
    s1 += a[k + 1] * b[k + 1];
  }
  if (k < n) s0 += a[k] * b[k];
  return s0 + s1;
}
// y -= s a
inline void subtract_scaled(double s, const double* a, double* y, int n) {
  for (int k = 0; k < n; ++k) y[k] -= s * a[k];
}

// The dual Hessian's Cholesky factor, written by hand, right-looking over contiguous
// columns: each pivot's column scales, then updates the columns to its right by axpys that
// have no dependency between their terms and vectorise. The up-looking form this replaced
// (Cholesky-Crout by packed rows, every entry an inner product with a division) counted 1 %
// more instructions but ran 3x slower by the clock on the 35 x 35 Hessian (6.6 against
// 2.1 us a factorisation, a stand-alone loop): each entry waited for the one before it.
// Eigen's LLT spends most of its time in per-column calls and copies at this size. L holds
// the factor column-major in its lower triangle; columns whose multiplier is zero (the
// Hessian couples the arms' rows with the spine's only through a few muscles) are skipped.
// A pivot that rounding makes non-positive is floored (the reserves keep the Hessian
// positive definite in exact arithmetic), so the solve never produces a NaN.
void factor_columns(const Eigen::MatrixXd& G, double shift, std::vector<double>& L) {
  const int m = static_cast<int>(G.rows());
  const double* g = G.data();
  double* a = L.data();
  for (int j = 0; j < m; ++j) std::copy(g + j * m + j, g + (j + 1) * m, a + j * m + j);
  for (int k = 0; k < m; ++k) {
    double* ck = a + k * m;
    const double pivot = std::sqrt(std::max(ck[k] + shift, 1e-300));
    ck[k] = pivot;
    const double inv = 1 / pivot;
    for (int i = k + 1; i < m; ++i) ck[i] *= inv;
    for (int j = k + 1; j < m; ++j) {
      const double s = ck[j];
      if (s != 0) subtract_scaled(s, ck + j, a + j * m + j, m - j);
    }
  }
}
// x <- L^-T L^-1 x
void solve_columns(const std::vector<double>& L, Eigen::VectorXd& x) {
  const int m = static_cast<int>(x.size());
  const double* a = L.data();
  for (int k = 0; k < m; ++k) {
    x[k] /= a[k * m + k];
    subtract_scaled(x[k], a + k * m + k + 1, x.data() + k + 1, m - k - 1);
  }
  for (int k = m - 1; k >= 0; --k) x[k] = (x[k] - dot(a + k * m + k + 1, x.data() + k + 1, m - k - 1)) / a[k * m + k];
}

// The problem's columns in compressed form: a muscle loads only the levels it crosses, a
// run of consecutive equilibrium rows, so each column is kept as that run (its first row
// and the values from there to its last non-zero; a zero inside it costs a multiplication,
// not a result). Products with A and the Hessian's updates are then contiguous slices, with
// no row index to load per entry.
void compress_columns(const SeparableProblem& p, DualNewtonWorkspace& ws) {
  const int n = p.num_variables(), m = p.num_constraints();
  ws.start.resize(static_cast<std::size_t>(n) + 1);
  ws.first.resize(static_cast<std::size_t>(n));
  ws.values.resize(static_cast<std::size_t>(n) * m);
  int nnz = 0;
  for (int i = 0; i < n; ++i) {
    ws.start[i] = nnz;
    const double* col = p.A.col(i).data();
    int lo = 0, hi = m;
    while (lo < m && col[lo] == 0) ++lo;
    while (hi > lo && col[hi - 1] == 0) --hi;
    ws.first[i] = lo;
    std::copy(col + lo, col + hi, ws.values.data() + nnz);
    nnz += hi - lo;
  }
  ws.start[n] = nnz;
  // Per variable, 1 / 2w and the bounds as products g = 2 w x: the dual's evaluations and the
  // line search's breakpoints then multiply where they divided (five divisions a column per
  // search, one per evaluation).
  ws.half_inverse_weight.resize(n);
  ws.lower_g.resize(n);
  ws.upper_g.resize(n);
  for (int i = 0; i < n; ++i) {
    ws.half_inverse_weight[i] = 1 / (2 * p.weight[i]);
    ws.lower_g[i] = 2 * p.weight[i] * p.lower[i];
    ws.upper_g[i] = 2 * p.weight[i] * p.upper[i];
  }
}

// Semismooth Newton on the dual, over the compressed columns. `power` stands for the
// problem's exponents (all 2 when a cubic problem is first solved as quadratic for its
// start).
class DualNewton {
 public:
  DualNewton(const SeparableProblem& p, const Eigen::VectorXi& power, DualNewtonWorkspace& ws)
      : p_(p), power_(power), ws_(ws), n_(p.num_variables()), m_(p.num_constraints()) {}

  // Solves from the multipliers already in result.lambda (size m); `have_products`: the
  // workspace's g already holds their column products.
  void solve(SolveResult& result, bool have_products = false) const;
  // For all-quadratic problems, by the exact line search: the t >= 0 that maximises the
  // dual at lambda + t d, leaving A^T lambda in the workspace's g and A^T d in its s ...
  double best_step(const Eigen::VectorXd& lambda, const Eigen::VectorXd& d) const {
    ws_.g.resize(n_);
    ws_.s.resize(n_);
    column_products(lambda, ws_.g);
    column_products(d, ws_.s);
    return exact_step(ws_.g, ws_.s, d);
  }
  // ... and the t >= 0 that maximises it at t lambda (from zero along lambda), leaving
  // A^T lambda in s.
  double best_multiple(const Eigen::VectorXd& lambda) const {
    ws_.g.setZero(n_);
    ws_.s.resize(n_);
    column_products(lambda, ws_.s);
    return exact_step(ws_.g, ws_.s, lambda);
  }

 private:
  // Column i's run: its values, from row first[i].
  const double* column_data(int i) const { return ws_.values.data() + ws_.start[i]; }
  int column_size(int i) const { return ws_.start[i + 1] - ws_.start[i]; }

  // The products of the columns with the multipliers, g = A^T lambda: once from a start;
  // along a Newton direction they are g + t s with s = A^T step (column_products(step)), so
  // the line search's trials need no product of their own.
  void column_products(const Eigen::VectorXd& v, Eigen::VectorXd& out) const {
    for (int i = 0; i < n_; ++i) out[i] = dot(column_data(i), v.data() + ws_.first[i], column_size(i));
  }

  // The dual's value at the multipliers whose products are g and whose dot product with b
  // is lambda_b, the primal minimiser x, its derivative d, and the residual r = b - A x
  // (the dual's gradient) in one pass over the columns.
  double dual_value(double lambda_b, const Eigen::VectorXd& g, Eigen::VectorXd& x, Eigen::VectorXd& d,
                    Eigen::VectorXd& r) const {
    double value = lambda_b;
    r = p_.b;
    for (int i = 0; i < n_; ++i) {
      const Primal pr = primal(p_, ws_, power_[i], i, g[i]);
      x[i] = pr.x;
      d[i] = pr.dx_dg;
      value += term(p_.weight[i], power_[i], pr.x) - g[i] * pr.x;
      if (pr.x != 0) subtract_scaled(pr.x, column_data(i), r.data() + ws_.first[i], column_size(i));
    }
    return value;
  }
  // For all-quadratic problems the dual along a direction is a concave piecewise quadratic
  // in t: its maximiser is found exactly by walking the breakpoints where variables meet
  // their bounds, instead of backtracking (which cost ~6 dual evaluations per step). g and s
  // are the columns' products with the multipliers and with the step.
  double exact_step(const Eigen::VectorXd& g_all, const Eigen::VectorXd& s_all, const Eigen::VectorXd& step) const {
    auto& breaks = ws_.breaks;
    breaks.clear();
    double dphi = step.dot(p_.b);  // phi'(0) = step . (b - A x(0))
    double curvature = 0;          // d phi'/dt on the current segment (<= 0)
    for (int i = 0; i < n_; ++i) {
      const double g = g_all[i], sd = s_all[i];
      const double inv = ws_.half_inverse_weight[i], lo = p_.lower[i], hi = p_.upper[i];
      const double x0 = g * inv;
      dphi -= sd * std::clamp(x0, lo, hi);
      if (sd == 0) continue;
      const double c = -sd * sd * inv;  // contribution to phi'' while free
      // Free at t = 0, or on a bound and leaving it inwards at once (a joint torque at zero,
      // its bound, when the multipliers start at zero: it enters at t = 0, not later).
      const bool free0 = (x0 > lo && x0 < hi) || (x0 == lo && sd > 0) || (x0 == hi && sd < 0);
      if (free0) curvature += c;
      // times at which x(t) = (g + t sd) inv crosses lo and hi
      const double to_t = 1 / sd, t_lo = (ws_.lower_g[i] - g) * to_t, t_hi = (ws_.upper_g[i] - g) * to_t;
      const double t_enter = sd > 0 ? t_lo : t_hi, t_leave = sd > 0 ? t_hi : t_lo;
      if (std::isfinite(t_enter) && t_enter > 0 && !free0 && (sd > 0 ? x0 <= lo : x0 >= hi)) breaks.push_back({t_enter, c});
      if (std::isfinite(t_leave) && t_leave > 0) breaks.push_back({t_leave, -c});
    }
    // Walked in order of t from a heap: the walk usually stops after a few of the 100-300
    // breakpoints, and sorting them all was a fifth of a walking frame's time (perf).
    const auto later = [](const auto& a, const auto& b) { return a.t > b.t; };
    std::make_heap(breaks.begin(), breaks.end(), later);
    double t = 0;
    for (auto end = breaks.end(); end != breaks.begin(); --end) {
      const auto& br = breaks.front();
      const double next = dphi + curvature * (br.t - t);
      if (next <= 0) break;
      dphi = next;
      t = br.t;
      curvature += br.slope_change;
      std::pop_heap(breaks.begin(), end, later);
    }
    return curvature < 0 ? t - dphi / curvature : t;
  }

  // G += di a_i a_i^T on the lower triangle of the run's block, column by column.
  void add_column(Eigen::MatrixXd& G, int i, double di) const {
    const double* a = column_data(i);
    const int f = ws_.first[i], len = column_size(i);
    for (int b = 0; b < len; ++b) subtract_scaled(-di * a[b], a + b, &G(f + b, f + b), len - b);
  }

  const SeparableProblem& p_;
  const Eigen::VectorXi& power_;
  DualNewtonWorkspace& ws_;
  int n_, m_;
};

void DualNewton::solve(SolveResult& result, bool have_products) const {
  DualNewtonWorkspace& w = ws_;
  Eigen::VectorXd& lambda = result.lambda;
  // Sizing: a no-op once the workspace has solved a problem of these sizes.
  for (Eigen::VectorXd* v : {&w.x, &w.d, &w.x_try, &w.d_try, &w.d_in_G, &w.g, &w.g_try, &w.s}) v->resize(n_);
  for (Eigen::VectorXd* v : {&w.r, &w.r_try, &w.step}) v->resize(m_);
  w.L.resize(static_cast<std::size_t>(m_) * m_);
  w.G.setZero(m_, m_);
  w.d_in_G.setZero();
  const double tol = 1e-10 * (1 + p_.b.lpNorm<Eigen::Infinity>());
  const bool incremental = (power_.array() == 2).all();
  // Scale of the Levenberg term below (cubic problems only): the Hessian's size with every
  // variable free.
  double mu = 0, mu_floor = 0;
  if (!incremental)
    for (int i = 0; i < n_; ++i) {
      const double d_free = power_[i] == 2 ? 1 / (2 * p_.weight[i]) : 1 / (3 * p_.weight[i]);
      mu_floor += d_free * dot(column_data(i), column_data(i), column_size(i));
    }
  mu_floor *= 1e-6 / m_;

  result.converged = false;
  result.iterations = 0;
  if (!have_products) column_products(lambda, w.g);
  double lambda_b = lambda.dot(p_.b);
  double value = dual_value(lambda_b, w.g, w.x, w.d, w.r);
  bool stalled = false, full_step = false, fresh_hessian = false;
  for (int it = 0; it < kMaxIterations; ++it) {
    result.iterations = it;
    const double res = w.r.lpNorm<Eigen::Infinity>();
    // Rounding limits the residual to about eps |A| |x|; when reserves are large the
    // multipliers are too (~ 2 x reserve weight), so a stalled line search with a small
    // residual is convergence as well. So is a full step of a quadratic problem after which
    // no variable met or left a bound: it solved the optimum's own equations, and what is
    // left is the rounding of the factorisation (another step would only polish it; along
    // a walking stride 6.08 steps per frame instead of 6.20). Both only while the objective
    // error the residual leaves, lambda . r to first order, is negligible: where reserves
    // carry moments the multipliers reach 1e5-1e6, and a residual of 1.9e-6 N m left the
    // objective 2e-5 below the optimum (a heel strike's cold start); a stalled line search
    // there rebuilds the Hessian (the incremental one drifts) and goes on, and a stall with
    // a freshly built Hessian is the rounding limit again.
    bool same_free_set = incremental && it > 0 && full_step;
    for (int i = 0; i < n_ && same_free_set; ++i) same_free_set = (w.d[i] > 0) == (w.d_in_G[i] > 0);
    const bool error_negligible = std::abs(lambda.dot(w.r)) <= 1e-10 * (1 + std::abs(value));
    if (res <= tol ||
        ((stalled || same_free_set) && res <= 1e3 * tol && (error_negligible || (stalled && fresh_hessian)))) {
      result.converged = true;
      break;
    }
    // Generalised Hessian of the dual: sum over free variables of d_i a_i a_i^T. With
    // quadratic terms d_i is constant, so after the first iteration only the columns whose
    // bound status changed are added or removed (rebuilt every 20, and after a stalled line
    // search, against drift).
    fresh_hessian = !incremental || it % 20 == 0 || stalled;
    if (fresh_hessian) {
      w.G.setZero();
      for (int i = 0; i < n_; ++i)
        if (w.d[i] > 0) add_column(w.G, i, w.d[i]);
    } else {
      for (int i = 0; i < n_; ++i)
        if ((w.d[i] > 0) != (w.d_in_G[i] > 0)) add_column(w.G, i, w.d[i] > 0 ? w.d[i] : -w.d_in_G[i]);
    }
    w.d_in_G = w.d;
    // A Levenberg term mu I grows when the active set keeps switching (short steps) and
    // shrinks when full Newton steps are taken, as in a trust-region method.
    factor_columns(w.G, mu + 1e-14 * (1 + w.G.diagonal().maxCoeff()), w.L);
    w.step = w.r;
    solve_columns(w.L, w.step);
    const double slope = w.r.dot(w.step);
    // Armijo's sufficient increase; near the optimum the dual's increase falls below its
    // rounding (large multipliers when reserves are large), so a step that still halves
    // the residual is accepted too.
    auto acceptable = [&](double tt, double tr) {
      if (tr >= value + 1e-4 * tt * slope) return true;
      if (std::abs(tr - value) > 1e-13 * std::abs(value)) return false;
      return w.r_try.lpNorm<Eigen::Infinity>() < 0.5 * res;
    };
    column_products(w.step, w.s);
    const double step_b = w.step.dot(p_.b);
    double t_tried = 1;  // the step the trial buffers hold
    auto try_step = [&](double tt) {
      t_tried = tt;
      w.g_try = w.g + tt * w.s;
      return dual_value(lambda_b + tt * step_b, w.g_try, w.x_try, w.d_try, w.r_try);
    };
    // The full Newton step first; when it fails, the exact step for quadratic problems,
    // else (or if rounding defeats that) backtracking.
    double t = 1, trial = try_step(1);
    bool accepted = acceptable(t, trial);
    if (!accepted && incremental) {
      t = exact_step(w.g, w.s, w.step);
      trial = try_step(t);
      accepted = trial >= value;
    }
    for (t = accepted ? t : 0.5; !accepted && t > 1e-12; t *= 0.5) {
      trial = try_step(t);
      if (acceptable(t, trial)) break;
    }
    stalled = t <= 1e-12 || trial <= value;
    full_step = t == 1;
    if (!incremental) {
      if (t < 0.25) mu = std::max(4 * mu, mu_floor);
      else if (t == 1) mu *= 0.25;
    }
    // The multipliers move to the point the kept trial was evaluated at (t itself, but for a
    // backtrack that gave up, whose loop halved t once more), so they, their products g, x,
    // the residual and the value describe one point.
    lambda += t_tried * w.step;
    lambda_b += t_tried * step_b;
    w.g.swap(w.g_try);
    value = trial;
    w.x.swap(w.x_try);
    w.d.swap(w.d_try);
    w.r.swap(w.r_try);
  }
  result.x = w.x;
  result.objective = p_.objective(w.x);
}

}  // namespace

void solve_fast(const SeparableProblem& problem, const Eigen::VectorXd* warm_lambda, DualNewtonWorkspace& workspace,
                SolveResult& result, bool rescale_warm, const Eigen::VectorXd* trend) {
  const int m = problem.num_constraints();
  compress_columns(problem, workspace);
  if (warm_lambda && warm_lambda->size() == m) {
    result.lambda = *warm_lambda;
    // Another woman's multipliers are mostly off by a scale (her moments and strength
    // differ): a cohort's subjects took 3.73 Newton steps on average from the reference's
    // multipliers, 2.74 from their best multiple (the multiple ranged 0.26-1.48). Along a
    // motion the multipliers drift instead: from the previous frame's, the solve starts at the
    // dual's maximiser along the last frame's change (no factor to choose): along a walking
    // stride 6.08 -> 4.96 Newton steps per frame when it came in (a fixed half step gave
    // 5.13, a whole one 6.25; rescaling the previous frame's, 6.37).
    const bool along_trend = trend && trend->size() == m;
    if ((rescale_warm || along_trend) && (problem.power.array() == 2).all()) {
      const DualNewton newton(problem, problem.power, workspace);
      if (rescale_warm) {
        const double t = newton.best_multiple(result.lambda);
        const double k = t > 0 && std::isfinite(t) ? t : 1.0;
        result.lambda *= k;
        workspace.g = k * workspace.s;  // the start's products (the sizes are the solve's)
      } else {
        const double t = newton.best_step(result.lambda, *trend);
        if (t > 0 && std::isfinite(t)) {
          result.lambda += t * *trend;
          workspace.g += t * workspace.s;
        }
      }
      newton.solve(result, true);
      return;
    }
  } else {
    result.lambda.setZero(m);
    if (!(problem.power.array() == 2).all()) {
      // Cubic terms have an infinite curvature at zero: start from the quadratic problem's
      // multipliers, which put the free set near the right one.
      workspace.power.setConstant(problem.num_variables(), 2);
      DualNewton(problem, workspace.power, workspace).solve(result);
    }
  }
  DualNewton(problem, problem.power, workspace).solve(result);
}

SolveResult solve_fast(const SeparableProblem& problem, const Eigen::VectorXd* warm_lambda) {
  DualNewtonWorkspace workspace;
  SolveResult result;
  solve_fast(problem, warm_lambda, workspace, result);
  return result;
}

}  // namespace spineload
