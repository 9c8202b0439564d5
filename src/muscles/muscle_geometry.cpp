#include "muscles/muscle_geometry.hpp"

#include "dynamics/dynamics.hpp"

namespace spineload {

void muscle_geometry(const Model& model, Data& data) {
  const int nc = static_cast<int>(model.coordinates.size());
  Eigen::VectorXd g(model.multibody->num_q());
  for (std::size_t m = 0; m < model.muscles.size(); ++m) {
    const Muscle& muscle = model.muscles[m];
    auto& path = data.path_m[m];
    auto& dir = data.segment_dir[m];
    for (std::size_t k = 0; k < muscle.path.size(); ++k)
      path[k] = world_point(data, muscle.path[k].body, muscle.path[k].location_m);
    double length = 0;
    g.setZero();
    // Each segment pulls its two end points towards each other; a point's force maps to
    // generalised forces through its body's Jacobian rows, J_w^T (r x F) + J_v^T F, over
    // the only columns that can be nonzero (the joints between ground and the body).
    auto add_point_force = [&](int b, const Eigen::Vector3d& p, const Eigen::Vector3d& f) {
      if (b < 0) return;  // on ground: moves nothing
      const Eigen::Vector3d moment = (p - data.pose[b].translation()).cross(f);
      for (int q : model.bodies[b].ancestor_q)
        g[q] += data.jacobian.block<3, 1>(6 * b, q).dot(moment) + data.jacobian.block<3, 1>(6 * b + 3, q).dot(f);
    };
    for (std::size_t k = 0; k + 1 < path.size(); ++k) {
      const Eigen::Vector3d d = path[k + 1] - path[k];
      const double len = d.norm();
      length += len;
      dir[k] = len > 0 ? Eigen::Vector3d(d / len) : Eigen::Vector3d::Zero();
      const int b0 = muscle.path[k].body, b1 = muscle.path[k + 1].body;
      if (b0 == b1) continue;
      add_point_force(b0, path[k], dir[k]);
      add_point_force(b1, path[k + 1], -dir[k]);
    }
    data.length_m[m] = length;
    for (int c = 0; c < nc; ++c) data.moment_arm_m(c, m) = g[model.coordinates[c].mb_index];
  }
}

}  // namespace spineload
