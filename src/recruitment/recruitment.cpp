#include "recruitment/recruitment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "dynamics/dynamics.hpp"

namespace spineload {

void build_recruitment_problem(const Model& model, const Data& data, const RecruitmentOptions& options,
                               RecruitmentWorkspace& ws) {
  const int nm = static_cast<int>(model.muscles.size());
  const int nk = static_cast<int>(data.contacts.size());
  const int ne = static_cast<int>(model.equilibrium_coordinates.size());
  const int na = static_cast<int>(model.actuators.size());
  const int nc = 3 * static_cast<int>(model.point_constraints.size());
  // variables: activations, contact forces, actuator controls, constraint forces, reserves
  const int n = nm + nk + na + nc + ne;
  const int reserve0 = nm + nk + na + nc;
  SeparableProblem& p = ws.problem;
  // Every buffer is resized to what it already is after the first frame: no allocation.
  // Each frame writes every entry of A but the reserve columns' off-diagonal zeros, so A is
  // cleared only when its shape changes (zeroing its 27 x 176 every frame was 3 % of a
  // posture's instructions).
  if (p.A.rows() != ne || p.A.cols() != n) p.A.setZero(ne, n);
  p.b.resize(ne);
  // Generalised force of one newton at each contact: J_w^T (r x n) + J_v^T n.
  Eigen::MatrixXd& contact_g = ws.contact_g;
  contact_g.resize(model.num_q, nk);
  for (int k = 0; k < nk; ++k) {
    const Contact& ct = data.contacts[k];
    const Eigen::Vector3d r = data.pose[ct.body].linear() * ct.point_m;
    contact_g.col(k) = data.jacobian.middleRows(6 * ct.body, 3).transpose() * r.cross(ct.normal) +
                       data.jacobian.middleRows(6 * ct.body + 3, 3).transpose() * ct.normal;
    if (ct.reacting_body >= 0) {
      // Her own body takes the opposite push at the same point.
      const int o = ct.reacting_body;
      const Eigen::Vector3d ro = data.pose[ct.body] * ct.point_m - data.pose[o].translation();
      ws.column.setZero(model.num_q);
      add_body_force(data, o, ro.cross(-ct.normal), -ct.normal, ws.column);
      contact_g.col(k) += ws.column;
    }
  }
  // Generalised force of each actuator at a control of 1 (a coordinate actuator's on its
  // coordinate; a torque or point actuator's through the Jacobian).
  Eigen::MatrixXd& actuator_g = ws.actuator_g;
  actuator_g.resize(model.num_q, na);
  Eigen::VectorXd& g = ws.g;
  for (int a = 0; a < na; ++a) {
    actuator_generalized_force(model, data, a, g);
    actuator_g.col(a) = g;
  }
  // Generalised force of one newton (ground x, y, z) of each point constraint, pulling
  // body1's point and pushing body2's: J1^T f - J2^T f.
  Eigen::MatrixXd& constraint_g = ws.constraint_g;
  constraint_g.setZero(model.num_q, nc);
  Eigen::VectorXd& column = ws.column;
  for (int c = 0; c < nc / 3; ++c) {
    const PointConstraint& pc = model.point_constraints[c];
    for (int a = 0; a < 3; ++a) {
      column.setZero(model.num_q);
      for (const auto& [body, point, sign] : {std::tuple{pc.body1, pc.point1_m, 1.0}, std::tuple{pc.body2, pc.point2_m, -1.0}}) {
        if (body < 0) continue;
        const Eigen::Vector3d f = sign * Eigen::Vector3d::Unit(a);
        add_body_force(data, body, (data.pose[body].linear() * point).cross(f), f, column);
      }
      constraint_g.col(3 * c + a) = column;
    }
  }
  // Muscle columns column by column (A and the moment arms are column-major).
  for (int m = 0; m < nm; ++m) {
    const double f = model.muscles[m].max_force_N() * (options.force_scale ? (*options.force_scale)[m] : 1.0);
    const double* arm = data.moment_arm_m.col(m).data();
    double* col = p.A.col(m).data();
    for (int r = 0; r < ne; ++r) col[r] = arm[model.equilibrium_coordinates[r]] * f;
  }
  for (int r = 0; r < ne; ++r) {
    const int c = model.equilibrium_coordinates[r];
    for (int k = 0; k < nk; ++k) p.A(r, nm + k) = contact_g(model.coordinates[c].mb_index, k);
    for (int a = 0; a < na; ++a) p.A(r, nm + nk + a) = actuator_g(model.coordinates[c].mb_index, a);
    for (int k = 0; k < nc; ++k) p.A(r, nm + nk + na + k) = constraint_g(model.coordinates[c].mb_index, k);
    p.A(r, reserve0 + r) = 1.0;
    // muscles + contacts + passive + reserve = required generalised force
    p.b[r] = data.tau_Nm[c] - data.passive_Nm[c];
    // A coordinate coupled to this one moves with it at rate f'(q): its forces count here
    // in that proportion (virtual work), as OpenSim's static optimisation balances it.
    for (const CoordinateCoupler& cp : model.couplers) {
      const auto at = std::find(cp.independents.begin(), cp.independents.end(), c);
      if (at == cp.independents.end() || at - cp.independents.begin() >= cp.function->num_arguments()) continue;
      std::vector<double>& x = ws.coupler_x;
      x.clear();
      for (int a : cp.independents) x.push_back(data.q[model.coordinates[a].mb_index]);
      const double slope = cp.function->derivative({static_cast<int>(at - cp.independents.begin())}, x.data());
      const int d = cp.dependent;
      for (int m = 0; m < nm; ++m)
        p.A(r, m) += slope * data.moment_arm_m(d, m) * model.muscles[m].max_force_N() *
                     (options.force_scale ? (*options.force_scale)[m] : 1.0);
      for (int k = 0; k < nk; ++k) p.A(r, nm + k) += slope * contact_g(model.coordinates[d].mb_index, k);
      for (int a = 0; a < na; ++a) p.A(r, nm + nk + a) += slope * actuator_g(model.coordinates[d].mb_index, a);
      for (int k = 0; k < nc; ++k) p.A(r, nm + nk + na + k) += slope * constraint_g(model.coordinates[d].mb_index, k);
      p.b[r] += slope * (data.tau_Nm[d] - data.passive_Nm[d]);
    }
  }
  const double inf = std::numeric_limits<double>::infinity();
  p.weight.resize(n);
  p.lower.resize(n);
  p.upper.resize(n);
  p.power.resize(n);
  for (int k = 0; k < nk; ++k) {
    // A contact pushes only; its tiny cost keeps the problem strictly convex without
    // making her hold herself up when a backrest can (500 N costs 2.5e-3).
    p.lower[nm + k] = 0;
    p.upper[nm + k] = data.contacts[k].max_force_N;
    p.power[nm + k] = 2;
    p.weight[nm + k] = 1e-8;
  }
  for (int m = 0; m < nm; ++m) {
    p.lower[m] = model.muscles[m].min_activation;
    p.upper[m] = model.muscles[m].max_activation;
    if (options.objective == Objective::activation_squared) {
      p.power[m] = 2;
      p.weight[m] = model.muscles[m].cost_weight;
    } else if (options.objective == Objective::activation_cubed) {
      p.power[m] = 3;
      p.weight[m] = model.muscles[m].cost_weight;
    } else {
      // stress = activation * max stress; normalised by 1 MPa to keep the cost near 1
      p.power[m] = 3;
      p.weight[m] = model.muscles[m].cost_weight * std::pow(model.muscles[m].max_stress_Pa / 1e6, 3);
    }
  }
  // The abdominal contents' column H (Data::abdominal_column_kPa): the pelvic floor holds the
  // recruited pressure P = a Pmax plus H, and each transversus side the mean over the wall's
  // height, P + H / 2. Under the sum of squared activations that adds c a to the pressure's
  // w a^2, c = 2 H / Pmax (both sides) + 2 Pmax H / Pf^2 (the floor). Completing the square,
  // the problem is posed in y = a + c / (2 w): its bounds and right-hand side shift and both
  // solvers keep their form (recruit_muscles shifts back). The cubic criteria keep the
  // pressure's cost without the column.
  ws.pressure_shift = 0;
  const int iap = model.abdominal_pressure_muscle;
  if (options.abdominal_column && iap >= 0 && data.abdominal_column_kPa > 0 &&
      options.objective == Objective::activation_squared) {
    const double H = data.abdominal_column_kPa, pf = model.abdominal_pelvic_floor_max_kPa;
    // The most the transversus makes (Laplace), this subject and frame.
    const double pmax =
        model.abdominal_pressure_kPa(model.muscles[iap].max_force_N() * (options.force_scale ? (*options.force_scale)[iap] : 1.0));
    if (pmax > 0 && pf > 0) {
      const double c = 2 * H / pmax + 2 * pmax * H / (pf * pf);
      const double s = c / (2 * p.weight[iap]);
      p.lower[iap] += s;
      p.upper[iap] += s;
      p.b += s * p.A.col(iap);
      ws.pressure_shift = s;
    }
  }
  for (int a = 0; a < na; ++a) {
    // A coordinate actuator's control is costed like an activation (OpenSim's criterion).
    p.lower[nm + nk + a] = model.actuators[a].min_control;
    p.upper[nm + nk + a] = model.actuators[a].max_control;
    p.power[nm + nk + a] = model.actuators[a].cost_power > 0                         ? model.actuators[a].cost_power
                           : options.objective == Objective::activation_squared ? 2
                                                                                : 3;
    p.weight[nm + nk + a] = model.actuators[a].cost_weight;
  }
  for (int k = 0; k < nc; ++k) {
    // The constraint holds whatever it must, at a contact's tiny cost (strict convexity).
    p.lower[nm + nk + na + k] = -inf;
    p.upper[nm + nk + na + k] = inf;
    p.power[nm + nk + na + k] = 2;
    p.weight[nm + nk + na + k] = 1e-8;
  }
  for (int r = 0; r < ne; ++r) {
    p.lower[reserve0 + r] = -inf;
    p.upper[reserve0 + r] = inf;
    p.power[reserve0 + r] = 2;
    p.weight[reserve0 + r] = options.reserve_weight;
  }
}

SeparableProblem recruitment_problem(const Model& model, const Data& data, const RecruitmentOptions& options) {
  RecruitmentWorkspace ws;
  build_recruitment_problem(model, data, options, ws);
  return ws.problem;
}

void recruit_muscles(const Model& model, Data& data, const RecruitmentOptions& options) {
  RecruitmentWorkspace& ws = data.recruitment;
  build_recruitment_problem(model, data, options, ws);
  const SeparableProblem& p = ws.problem;
  SolveResult& r = ws.result;
  if (options.solver == SolverKind::fast) {
    // Along a series, the solve starts from the best point on the line through the last two
    // frames' multipliers (solve_fast's `trend`).
    const bool trend = data.warm_start_valid && !data.warm_start_foreign && data.previous_valid &&
                       data.dual_previous.size() == data.dual_warm_start.size();
    if (trend) data.dual_trend = data.dual_warm_start - data.dual_previous;
    solve_fast(p, data.warm_start_valid ? &data.dual_warm_start : nullptr, ws.newton, r, data.warm_start_foreign,
               trend ? &data.dual_trend : nullptr);
    data.previous_valid = data.warm_start_valid && !data.warm_start_foreign;
    if (data.previous_valid) data.dual_previous = data.dual_warm_start;
  } else {
    r = solve_ipopt(p);
    data.previous_valid = false;  // a later fast frame has no fast-solved frame before it
  }
  data.warm_start_foreign = false;  // later frames start from this one's
  const int nm = static_cast<int>(model.muscles.size());
  const int nk = static_cast<int>(data.contacts.size());
  data.solver_iterations = r.iterations;
  data.objective = r.objective;
  if (!r.converged || !r.x.allFinite()) {
    data.status = RecruitmentStatus::solver_failed;
    data.activation.setZero();
    data.force_N.setZero();
    data.reserve_Nm.setZero();
    data.contact_force_N.setZero(nk);
    data.actuator_control.setZero();
    data.warm_start_valid = false;
    return;
  }
  data.contact_force_N = r.x.segment(nm, nk);
  data.actuator_control = r.x.segment(nm + nk, static_cast<int>(model.actuators.size()));
  data.dual_warm_start = r.lambda;
  data.warm_start_valid = true;
  data.activation = r.x.head(nm);
  if (ws.pressure_shift != 0) {
    // Back from the shifted variable; the criterion's value then counts the column's linear
    // term c a but not its constant.
    const int iap = model.abdominal_pressure_muscle;
    data.activation[iap] -= ws.pressure_shift;
    data.objective -= p.weight[iap] * ws.pressure_shift * ws.pressure_shift;
  }
  for (int m = 0; m < nm; ++m)
    data.force_N[m] = data.activation[m] * model.muscles[m].max_force_N() * (options.force_scale ? (*options.force_scale)[m] : 1.0);
  data.reserve_Nm = r.x.tail(p.num_constraints());
  data.status = RecruitmentStatus::ok;
  for (int k = 0; k < data.reserve_Nm.size(); ++k) {
    const double net_Nm = std::abs(data.tau_Nm[model.equilibrium_coordinates[k]]);
    if (std::abs(data.reserve_Nm[k]) > std::max(options.reserve_threshold_Nm, options.reserve_threshold_fraction * net_Nm))
      data.status = RecruitmentStatus::beyond_muscle_capacity;
  }
}

}  // namespace spineload
