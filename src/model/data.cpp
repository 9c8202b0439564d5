#include "model/data.hpp"

namespace spineload {

// The recruitment problem's buffers at its size without contacts (a posture's backrest or
// mattress adds a column per contact point, sized on its first frame), so that a still
// posture or a frame of a motion allocates nothing (tests/allocation).
void Data::size_recruitment_workspace(const Model& model) {
  const int nm = static_cast<int>(model.muscles.size());
  const int na = static_cast<int>(model.actuators.size());
  const int npc = 3 * static_cast<int>(model.point_constraints.size());
  const int m = static_cast<int>(model.equilibrium_coordinates.size());
  const int n = nm + na + npc + m;
  RecruitmentWorkspace& w = recruitment;
  w.problem.A.setZero(m, n);
  w.problem.b.setZero(m);
  w.problem.weight.setZero(n);
  w.problem.lower.setZero(n);
  w.problem.upper.setZero(n);
  w.problem.power.setZero(n);
  w.result.x.setZero(n);
  w.result.lambda.setZero(m);
  DualNewtonWorkspace& d = w.newton;
  for (Eigen::VectorXd* v : {&d.x, &d.d, &d.x_try, &d.d_try, &d.d_in_G, &d.g, &d.g_try, &d.s, &d.half_inverse_weight,
                             &d.lower_g, &d.upper_g})
    v->setZero(n);
  for (Eigen::VectorXd* v : {&d.r, &d.r_try, &d.step}) v->setZero(m);
  d.G.setZero(m, m);
  d.L.resize(static_cast<std::size_t>(m) * m);
  d.power.setZero(n);
  d.start.reserve(static_cast<std::size_t>(n) + 1);
  d.first.reserve(static_cast<std::size_t>(n));
  d.values.reserve(static_cast<std::size_t>(n) * m);
  d.breaks.reserve(2 * static_cast<std::size_t>(n));
  w.contact_g.setZero(model.num_q, 0);
  w.actuator_g.setZero(model.num_q, na);
  w.constraint_g.setZero(model.num_q, npc);
  w.g.setZero(model.num_q);
  w.column.setZero(model.num_q);
  dual_warm_start.setZero(m);
  dual_previous.setZero(m);
  dual_trend.setZero(m);
  std::size_t supports = 0;
  for (Support s : kAllSupports) supports = std::max(supports, model.support_points(s).size());
  support_ground.reserve(supports + 64);  // and up to 64 contact points of a backrest or mattress
  support_hull.reserve(2 * (supports + 64));
}

Data::Data(const Model& model) {
  if (model.multibody) ws.emplace(*model.multibody);
  const int nq = model.num_q;
  const int nc = static_cast<int>(model.coordinates.size());
  const int nm = static_cast<int>(model.muscles.size());
  q = u = udot = Eigen::VectorXd::Zero(nq);
  tau_Nm = passive_Nm = Eigen::VectorXd::Zero(nc);
  path_m.resize(nm);
  segment_dir.resize(nm);
  for (int m = 0; m < nm; ++m) {
    path_m[m].resize(model.muscles[m].path.size());
    segment_dir[m].resize(model.muscles[m].path.size() - 1);
  }
  length_m = activation = force_N = muscle_passive_force_N = Eigen::VectorXd::Zero(nm);
  const auto ne = model.passive_elements.size();
  passive_path_m.resize(ne);
  passive_segment_dir.resize(ne);
  for (std::size_t e = 0; e < ne; ++e) {
    passive_path_m[e].resize(model.passive_elements[e].path.size());
    passive_segment_dir[e].resize(model.passive_elements[e].path.size() - 1);
  }
  passive_length_m = passive_element_force_N = Eigen::VectorXd::Zero(static_cast<int>(ne));
  actuator_control = Eigen::VectorXd::Zero(static_cast<int>(model.actuators.size()));
  path_force_N = Eigen::VectorXd::Zero(static_cast<int>(model.path_forces.size()));
  moment_arm_m = Eigen::MatrixXd::Zero(nc, nm);
  path_g = path_total_g = tau_mb = Eigen::VectorXd::Zero(nq);
  joint_centre_m.assign(model.joints.size(), Eigen::Vector3d::Zero());
  reserve_Nm = Eigen::VectorXd::Zero(static_cast<int>(model.equilibrium_coordinates.size()));
  size_recruitment_workspace(model);
  pose.assign(model.bodies.size(), Eigen::Isometry3d::Identity());
  jacobian = Eigen::MatrixXd::Zero(6 * static_cast<int>(model.bodies.size()), nq);
  body_omega.assign(model.bodies.size(), Eigen::Vector3d::Zero());
  body_alpha = body_a_origin = body_omega;
  applied.resize(model.bodies.size());
  inertial.resize(model.bodies.size());
  disc.resize(model.spinal_joints.size());
  for (const ExpressionCoordinateForce& f : model.expression_forces) expression_forces.emplace_back(f.expression, std::vector<std::string>{"q", "qdot"});
}

bool Data::fits(const Model& model) const {
  if (ws || model.multibody) return false;
  const auto nm = model.muscles.size();
  if (q.size() != model.num_q || tau_Nm.size() != static_cast<int>(model.coordinates.size()) ||
      length_m.size() != static_cast<int>(nm) || path_m.size() != nm ||
      moment_arm_m.rows() != static_cast<int>(model.coordinates.size()) ||
      actuator_control.size() != static_cast<int>(model.actuators.size()) ||
      path_force_N.size() != static_cast<int>(model.path_forces.size()) ||
      reserve_Nm.size() != static_cast<int>(model.equilibrium_coordinates.size()) ||
      pose.size() != model.bodies.size() || disc.size() != model.spinal_joints.size())
    return false;
  for (std::size_t m = 0; m < nm; ++m)
    if (path_m[m].size() != model.muscles[m].path.size()) return false;
  if (passive_path_m.size() != model.passive_elements.size()) return false;
  for (std::size_t e = 0; e < passive_path_m.size(); ++e)
    if (passive_path_m[e].size() != model.passive_elements[e].path.size()) return false;
  return true;
}

}  // namespace spineload
