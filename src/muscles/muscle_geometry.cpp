#include "muscles/muscle_geometry.hpp"

#include "dynamics/dynamics.hpp"

namespace spineload {

void muscle_geometry(const Model& model, Data& data) {
  const int nc = static_cast<int>(model.coordinates.size());
  const int nq = model.multibody->num_q();
  Eigen::VectorXd g(nq);
  for (std::size_t m = 0; m < model.muscles.size(); ++m) {
    const Muscle& muscle = model.muscles[m];
    auto& path = data.path_m[m];
    path.resize(muscle.path.size());
    for (std::size_t k = 0; k < muscle.path.size(); ++k)
      path[k] = world_point(data, muscle.path[k].body, muscle.path[k].location_m);
    double length = 0;
    g.setZero();
    // Each segment pulls its two end points towards each other; a point's force maps to
    // generalised forces through its body's Jacobian rows: J_w^T (r x F) + J_v^T F.
    for (std::size_t k = 0; k + 1 < path.size(); ++k) {
      const Eigen::Vector3d d = path[k + 1] - path[k];
      const double len = d.norm();
      length += len;
      const int b0 = muscle.path[k].body, b1 = muscle.path[k + 1].body;
      if (b0 == b1 || len <= 0) continue;
      const Eigen::Vector3d e = d / len;
      for (const auto& [b, p, f] : {std::tuple{b0, path[k], Eigen::Vector3d(e)},
                                    std::tuple{b1, path[k + 1], Eigen::Vector3d(-e)}}) {
        const Eigen::Vector3d r = p - data.pose[b].translation();
        g.noalias() += data.jacobian.middleRows(6 * b, 3).transpose() * r.cross(f) +
                       data.jacobian.middleRows(6 * b + 3, 3).transpose() * f;
      }
    }
    data.length_m[m] = length;
    for (int c = 0; c < nc; ++c) data.moment_arm_m(c, m) = g[model.coordinates[c].mb_index];
  }
}

void crossing_force(const Model& model, const Data& data, int muscle, int joint,
                    Eigen::Vector3d& force_N, Eigen::Vector3d& moment_Nm) {
  force_N.setZero();
  moment_Nm.setZero();
  const Joint& j = model.joints[joint];
  const Eigen::Vector3d centre = data.pose[j.child_body].translation();
  const auto& points = model.muscles[muscle].path;
  const auto& path = data.path_m[muscle];
  for (std::size_t k = 0; k + 1 < points.size(); ++k) {
    const bool a = j.in_subtree[points[k].body], b = j.in_subtree[points[k + 1].body];
    if (a == b) continue;
    const Eigen::Vector3d e = (path[k + 1] - path[k]).normalized();
    // The end on the upper side is pulled towards the other end.
    const Eigen::Vector3d f = a ? e : Eigen::Vector3d(-e);
    const Eigen::Vector3d& p = a ? path[k] : path[k + 1];
    force_N += f;
    moment_Nm += (p - centre).cross(f);
  }
}

}  // namespace spineload
