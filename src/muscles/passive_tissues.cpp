#include "muscles/passive_tissues.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "muscles/muscle_geometry.hpp"
#include "muscles/thelen2003.hpp"

namespace spineload {

double path_force_tension_N(const PathForce& f, double length_m, double lengthening_speed_m_s) {
  if (!(length_m > f.resting_length_m)) return 0;
  if (f.kind == PathForce::Kind::ligament) {
    const double x = length_m / f.resting_length_m;
    return f.pcsa_force_N * f.force_length->value(&x);
  }
  return f.stiffness_N_per_m * (length_m - f.resting_length_m) * (1 + f.dissipation_s_per_m * lengthening_speed_m_s);
}

void passive_tissues(const Model& model, Data& data) {
  Eigen::VectorXd& g = data.path_g;  // unit-tension generalised force
  Eigen::VectorXd& total = data.path_total_g;
  g.setZero(model.num_q);
  total.setZero(model.num_q);
  joint_centres(model, data);
  for (std::size_t e = 0; e < model.passive_elements.size(); ++e) {
    const PassiveElement& el = model.passive_elements[e];
    g.setZero();
    const double length =
        straight_path(model, data, el.path, data.passive_path_m[e], data.passive_segment_dir[e], g, &el.crosses_q,
                      el.rotational_crossings ? &el.crossings : nullptr);
    const double force = el.force_N(length);
    data.passive_length_m[e] = length;
    data.passive_element_force_N[e] = force;
    if (force > 0) total += force * g;
  }
  // Stretched fibres pull like a muscle at that force (rigid tendon): the muscle stage's
  // moment arms map it to generalised forces.
  for (std::size_t m = 0; m < model.muscles.size(); ++m) {
    const Muscle& mu = model.muscles[m];
    double force = 0;
    if (mu.passive) {
      const double fibre = (data.length_m[m] - mu.tendon.tendon_slack_length_m) / mu.tendon.optimal_fiber_length_m;
      if (fibre > 1) force = mu.max_force_N() * thelen2003::passive_force_length(mu.tendon, fibre);
    }
    data.muscle_passive_force_N[m] = force;
    if (force > 0)
      for (std::size_t c = 0; c < model.coordinates.size(); ++c)
        total[model.coordinates[c].mb_index] += force * data.moment_arm_m(static_cast<int>(c), static_cast<int>(m));
  }
  for (std::size_t c = 0; c < model.coordinates.size(); ++c) data.passive_Nm[c] += total[model.coordinates[c].mb_index];
  path_forces(model, data);
}

namespace {

// Each path force's tension now, with its unit-tension generalised force in g.
double path_force_tension(const Model& model, const Data& data, const PathForce& f, Eigen::VectorXd& g) {
  g.setZero();
  const double length = path_length(model, data, f.path, g);
  // The path's unit-tension generalised force g is -dL/dq, so it lengthens at -g . u.
  const double tension = path_force_tension_N(f, length, data.u.size() ? -g.dot(data.u) : 0.0);
  if (!std::isfinite(tension))
    throw std::runtime_error("path force " + f.name + ": tension is not finite at length " + std::to_string(length) + " m");
  return tension;
}

}  // namespace

void add_path_force_loads(const Model& model, Data& data, Eigen::VectorXd& mobility) {
  Eigen::VectorXd g(model.num_q);
  for (const PathForce& f : model.path_forces)
    add_path_pull(model, data, f.path, path_force_tension(model, data, f, g), data.applied, mobility);
}

void path_forces(const Model& model, Data& data) {
  if (model.path_forces.empty()) return;
  Eigen::VectorXd& g = data.path_g;
  Eigen::VectorXd& total = data.path_total_g;
  g.resize(model.num_q);
  total.setZero(model.num_q);
  for (std::size_t k = 0; k < model.path_forces.size(); ++k) {
    const double tension = path_force_tension(model, data, model.path_forces[k], g);
    data.path_force_N[k] = tension;
    total += tension * g;
  }
  for (std::size_t c = 0; c < model.coordinates.size(); ++c) data.passive_Nm[c] += total[model.coordinates[c].mb_index];
}

}  // namespace spineload
