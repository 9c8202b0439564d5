#include "model/data.hpp"

namespace spineload {

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
  reserve_Nm = Eigen::VectorXd::Zero(static_cast<int>(model.equilibrium_coordinates.size()));
  pose.assign(model.bodies.size(), Eigen::Isometry3d::Identity());
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
