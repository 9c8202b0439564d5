// IPOPT adapter: the one place the engine touches IPOPT's API.
#include <IpIpoptApplication.hpp>
#include <IpSolveStatistics.hpp>
#include <IpTNLP.hpp>
#include <cmath>
#include <vector>

#include "recruitment/problem.hpp"

namespace spineload {

namespace {

class RecruitmentNlp : public Ipopt::TNLP {
 public:
  explicit RecruitmentNlp(const SeparableProblem& p) : p_(p) {
    for (int c = 0; c < p.A.cols(); ++c)
      for (int r = 0; r < p.A.rows(); ++r)
        if (p.A(r, c) != 0) nonzeros_.push_back({r, c});
    x_ = Eigen::VectorXd::Zero(p.num_variables());
    lambda_ = Eigen::VectorXd::Zero(p.num_constraints());
  }

  bool get_nlp_info(Ipopt::Index& n, Ipopt::Index& m, Ipopt::Index& nnz_jac, Ipopt::Index& nnz_h,
                    IndexStyleEnum& style) override {
    n = p_.num_variables();
    m = p_.num_constraints();
    nnz_jac = static_cast<Ipopt::Index>(nonzeros_.size());
    nnz_h = n;
    style = C_STYLE;
    return true;
  }
  bool get_bounds_info(Ipopt::Index n, Ipopt::Number* xl, Ipopt::Number* xu, Ipopt::Index m,
                       Ipopt::Number* gl, Ipopt::Number* gu) override {
    for (int i = 0; i < n; ++i) {
      xl[i] = std::isfinite(p_.lower[i]) ? p_.lower[i] : -2e19;
      xu[i] = std::isfinite(p_.upper[i]) ? p_.upper[i] : 2e19;
    }
    for (int j = 0; j < m; ++j) gl[j] = gu[j] = p_.b[j];
    return true;
  }
  bool get_starting_point(Ipopt::Index n, bool, Ipopt::Number* x, bool, Ipopt::Number*,
                          Ipopt::Number*, Ipopt::Index, bool, Ipopt::Number*) override {
    for (int i = 0; i < n; ++i)
      x[i] = std::isfinite(p_.upper[i]) ? 0.5 * (p_.lower[i] + p_.upper[i]) : 0.0;
    return true;
  }
  bool eval_f(Ipopt::Index n, const Ipopt::Number* x, bool, Ipopt::Number& f) override {
    f = p_.objective(Eigen::Map<const Eigen::VectorXd>(x, n));
    return true;
  }
  bool eval_grad_f(Ipopt::Index n, const Ipopt::Number* x, bool, Ipopt::Number* g) override {
    for (int i = 0; i < n; ++i) {
      const double a = std::abs(x[i]);
      g[i] = p_.power[i] == 2 ? 2 * p_.weight[i] * x[i]
                              : 3 * p_.weight[i] * a * x[i];
    }
    return true;
  }
  bool eval_g(Ipopt::Index n, const Ipopt::Number* x, bool, Ipopt::Index, Ipopt::Number* g) override {
    Eigen::Map<Eigen::VectorXd>(g, p_.num_constraints()) = p_.A * Eigen::Map<const Eigen::VectorXd>(x, n);
    return true;
  }
  bool eval_jac_g(Ipopt::Index, const Ipopt::Number*, bool, Ipopt::Index, Ipopt::Index,
                  Ipopt::Index* rows, Ipopt::Index* cols, Ipopt::Number* values) override {
    for (std::size_t k = 0; k < nonzeros_.size(); ++k) {
      if (values) {
        values[k] = p_.A(nonzeros_[k].first, nonzeros_[k].second);
      } else {
        rows[k] = nonzeros_[k].first;
        cols[k] = nonzeros_[k].second;
      }
    }
    return true;
  }
  bool eval_h(Ipopt::Index n, const Ipopt::Number* x, bool, Ipopt::Number obj_factor, Ipopt::Index,
              const Ipopt::Number*, bool, Ipopt::Index, Ipopt::Index* rows, Ipopt::Index* cols,
              Ipopt::Number* values) override {
    for (int i = 0; i < n; ++i) {
      if (values) {
        values[i] = obj_factor * (p_.power[i] == 2 ? 2 * p_.weight[i] : 6 * p_.weight[i] * std::abs(x[i]));
      } else {
        rows[i] = cols[i] = i;
      }
    }
    return true;
  }
  void finalize_solution(Ipopt::SolverReturn status, Ipopt::Index n, const Ipopt::Number* x,
                         const Ipopt::Number*, const Ipopt::Number*, Ipopt::Index m,
                         const Ipopt::Number*, const Ipopt::Number* lambda, Ipopt::Number,
                         const Ipopt::IpoptData*, Ipopt::IpoptCalculatedQuantities*) override {
    x_ = Eigen::Map<const Eigen::VectorXd>(x, n);
    // IPOPT's multipliers belong to L = f + lambda^T g; the fast solver's to f - lambda^T (Ax - b).
    lambda_ = -Eigen::Map<const Eigen::VectorXd>(lambda, m);
    success_ = status == Ipopt::SUCCESS || status == Ipopt::STOP_AT_ACCEPTABLE_POINT;
  }

  const Eigen::VectorXd& x() const { return x_; }
  const Eigen::VectorXd& lambda() const { return lambda_; }
  bool success() const { return success_; }

 private:
  const SeparableProblem& p_;
  std::vector<std::pair<int, int>> nonzeros_;
  Eigen::VectorXd x_, lambda_;
  bool success_ = false;
};

}  // namespace

}  // namespace spineload

// The module's one entry point (C linkage: found by name with dlsym; recruitment/ipopt_loader.cpp).
extern "C" void spineload_solve_ipopt(const spineload::SeparableProblem& problem, spineload::SolveResult& out) {
  using namespace spineload;
  Ipopt::SmartPtr<RecruitmentNlp> nlp = new RecruitmentNlp(problem);
  Ipopt::SmartPtr<Ipopt::IpoptApplication> app = IpoptApplicationFactory();
  app->Options()->SetIntegerValue("print_level", 0);
  app->Options()->SetStringValue("sb", "yes");
  app->Options()->SetNumericValue("tol", 1e-12);
  app->Options()->SetNumericValue("constr_viol_tol", 1e-10);
  app->Options()->SetNumericValue("bound_relax_factor", 0.0);
  app->Options()->SetIntegerValue("max_iter", 500);
  app->Options()->SetStringValue("mu_strategy", "adaptive");
  if ((problem.power.array() == 2).all()) app->Options()->SetStringValue("hessian_constant", "yes");
  SolveResult& result = out;
  result = SolveResult{};
  if (app->Initialize() != Ipopt::Solve_Succeeded) return;
  const Ipopt::ApplicationReturnStatus status = app->OptimizeTNLP(nlp);
  result.x = nlp->x();
  result.lambda = nlp->lambda();
  result.converged = nlp->success() &&
                     (status == Ipopt::Solve_Succeeded || status == Ipopt::Solved_To_Acceptable_Level);
  Ipopt::SmartPtr<Ipopt::SolveStatistics> stats = app->Statistics();
  result.iterations = IsValid(stats) ? stats->IterationCount() : 0;
  result.objective = problem.objective(result.x);
}
