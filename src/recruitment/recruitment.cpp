#include "recruitment/recruitment.hpp"

#include <cmath>
#include <limits>

namespace spineload {

SeparableProblem recruitment_problem(const Model& model, const Data& data,
                                     const RecruitmentOptions& options) {
  const int nm = static_cast<int>(model.muscles.size());
  const int ne = static_cast<int>(model.equilibrium_coordinates.size());
  SeparableProblem p;
  p.A = Eigen::MatrixXd::Zero(ne, nm + ne);
  p.b.resize(ne);
  for (int r = 0; r < ne; ++r) {
    const int c = model.equilibrium_coordinates[r];
    for (int m = 0; m < nm; ++m)
      p.A(r, m) = data.moment_arm_m(c, m) * model.muscles[m].max_force_N();
    p.A(r, nm + r) = 1.0;
    // muscles + passive + reserve = required generalised force
    p.b[r] = data.tau_Nm[c] - data.passive_Nm[c];
  }
  const double inf = std::numeric_limits<double>::infinity();
  p.weight.resize(nm + ne);
  p.lower.resize(nm + ne);
  p.upper.resize(nm + ne);
  p.power.resize(nm + ne);
  for (int m = 0; m < nm; ++m) {
    p.lower[m] = 0;
    p.upper[m] = 1;
    if (options.objective == Objective::activation_squared) {
      p.power[m] = 2;
      p.weight[m] = 1;
    } else {
      // stress = activation * max stress; normalised by 1 MPa to keep the cost near 1
      p.power[m] = 3;
      p.weight[m] = std::pow(model.muscles[m].max_stress_Pa / 1e6, 3);
    }
  }
  for (int r = 0; r < ne; ++r) {
    p.lower[nm + r] = -inf;
    p.upper[nm + r] = inf;
    p.power[nm + r] = 2;
    p.weight[nm + r] = options.reserve_weight;
  }
  return p;
}

void recruit_muscles(const Model& model, Data& data, const RecruitmentOptions& options) {
  const SeparableProblem p = recruitment_problem(model, data, options);
  const SolveResult r = options.solver == SolverKind::fast
                            ? solve_fast(p, data.dual_warm_start.size() ? &data.dual_warm_start : nullptr)
                            : solve_ipopt(p);
  const int nm = static_cast<int>(model.muscles.size());
  data.solver_iterations = r.iterations;
  data.objective = r.objective;
  if (!r.converged || !r.x.allFinite()) {
    data.status = RecruitmentStatus::solver_failed;
    data.activation.setZero();
    data.force_N.setZero();
    data.reserve_Nm.setZero();
    data.dual_warm_start.resize(0);
    return;
  }
  data.dual_warm_start = r.lambda;
  data.activation = r.x.head(nm);
  for (int m = 0; m < nm; ++m) data.force_N[m] = data.activation[m] * model.muscles[m].max_force_N();
  data.reserve_Nm = r.x.tail(p.num_constraints());
  data.status = data.reserve_Nm.lpNorm<Eigen::Infinity>() > options.reserve_threshold_Nm
                    ? RecruitmentStatus::beyond_muscle_capacity
                    : RecruitmentStatus::ok;
}

}  // namespace spineload
