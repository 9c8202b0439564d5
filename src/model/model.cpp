// Stage model: the Model's own lookups and force laws, and the topology every model (built
// from data or imported) completes once it has its bodies, joints and paths.
#include "model/model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "model/build_detail.hpp"

namespace spineload {

using model_detail::find_by_name;
using model_detail::note_path_crossings;

int Model::body_index(const std::string& n) const { return find_by_name(bodies, n); }
int Model::joint_index(const std::string& n) const { return find_by_name(joints, n); }
int Model::coordinate_index(const std::string& n) const { return find_by_name(coordinates, n); }
int Model::rhythm_index(const std::string& n) const { return find_by_name(rhythms, n); }
int Model::muscle_index(const std::string& n) const { return find_by_name(muscles, n); }
int Model::frame_index(const std::string& n) const { return find_by_name(frames, n); }

std::vector<std::pair<int, double>> lumbar_ratios(const Model& model, const Rhythm& rhythm) {
  std::vector<std::pair<int, double>> out;
  for (const auto& [c, ratio] : rhythm.ratios) {
    const std::string& n = model.coordinates[c].name;
    if ((n[0] == 'L' || n.rfind("T12_L1", 0) == 0) && n.find("_flexion") != std::string::npos) out.emplace_back(c, ratio);
  }
  return out;
}
double PassiveElement::force_N(double length_m) const {
  // Piecewise linear in elongation: each strain range adds its stiffness times the part of
  // the elongation that falls in it.
  const double elongation = length_m - slack_length_m;
  double force = 0;
  for (std::size_t k = 0; k < strain_breaks.size() && elongation > 0; ++k) {
    const double from = strain_breaks[k] * slack_length_m;
    const double to = k + 1 < strain_breaks.size() ? strain_breaks[k + 1] * slack_length_m : elongation;
    if (elongation <= from) break;
    force += stiffness_N_per_m[k] * (std::min(elongation, to) - from);
  }
  return force;
}

double CoordinateLimitForce::force(double q, double qdot) const {
  // Simbody's Function::Step: y0 to y1 as x goes x0 to x1 by t^3 (10 - 15 t + 6 t^2).
  auto step = [](double y0, double y1, double x0, double x1, double x) {
    if (x <= x0) return y0;
    if (x >= x1) return y1;
    const double t = (x - x0) / (x1 - x0);
    return y0 + (y1 - y0) * t * t * t * (10 - 15 * t + 6 * t * t);
  };
  const double k_up = step(0, upper_stiffness, upper_limit, upper_limit + transition, q);
  const double k_low = step(lower_stiffness, 0, lower_limit - transition, lower_limit, q);
  // Damping takes the stiffnesses' share of their full values (0 where a stiffness is 0,
  // where OpenSim's ratio would be 0/0).
  const double share = (upper_stiffness > 0 ? k_up / upper_stiffness : 0) + (lower_stiffness > 0 ? k_low / lower_stiffness : 0);
  return -k_up * (q - upper_limit) + k_low * (lower_limit - q) - damping * share * qdot;
}

double Model::total_mass_kg() const {
  double m = 0;
  for (const auto& b : bodies) m += b.mass_kg;
  return m;
}

// Per muscle and passive element, from the joints' crossing lists: the coordinates its path
// crosses and the crossings themselves (muscle geometry computes generalised forces there).
void model_detail::note_path_crossings(Model& model) {
  for (auto& muscle : model.muscles) {
    muscle.crosses_q.assign(model.num_q, 0);
    muscle.crossings.clear();
    muscle.rotational_crossings = true;
  }
  for (auto& element : model.passive_elements) {
    element.crosses_q.assign(model.num_q, 0);
    element.crossings.clear();
    element.rotational_crossings = true;
  }
  for (std::size_t j = 0; j < model.joints.size(); ++j) {
    const Joint& joint = model.joints[j];
    const bool rotational = joint.kind == mb::JointKind::rotations;
    auto note = [&](auto& path_owner, const Joint::Crossing& c) {
      PathCrossing pc{static_cast<int>(j), c.segment, c.sign};
      pc.child_body = joint.child_body;
      for (int q : joint.coordinates) {
        if (pc.num_q == static_cast<int>(pc.q.size())) throw std::logic_error("joint '" + joint.name + "' has more than six coordinates");
        const int mb = model.coordinates[q].mb_index;
        path_owner.crosses_q[mb] = 1;
        pc.q[pc.num_q] = q;
        pc.mb[pc.num_q++] = mb;
      }
      path_owner.crossings.push_back(pc);
      path_owner.rotational_crossings = path_owner.rotational_crossings && rotational;
    };
    for (const auto& c : joint.crossings) note(model.muscles[c.muscle], c);
    for (const auto& c : joint.passive_crossings) note(model.passive_elements[c.muscle], c);
  }
}

void finish_model_topology(Model& model) {
  // Subtrees: body b lies above joint j when j's child is b or an ancestor of b.
  const int nb = static_cast<int>(model.bodies.size());
  for (auto& joint : model.joints) {
    joint.in_subtree.assign(nb, 0);
    joint.crossings.clear();
    for (int b = 0; b < nb; ++b)
      for (int a = b; a >= 0; a = model.joints[a].parent_body)
        if (a == joint.child_body) {
          joint.in_subtree[b] = 1;
          break;
        }
  }
  // Used on every frame, computed once: the Jacobian columns that can be nonzero for each
  // body, and the muscle segments that cross each joint.
  for (int b = 0; b < nb; ++b) {
    model.bodies[b].ancestor_q.clear();
    for (int a = b; a >= 0; a = model.joints[a].parent_body)
      for (int c : model.joints[a].coordinates) model.bodies[b].ancestor_q.push_back(model.coordinates[c].mb_index);
  }
  auto crossings = [](const Joint& joint, const std::vector<PathPoint>& path, int index, std::vector<Joint::Crossing>& out) {
    for (std::size_t k = 0; k + 1 < path.size(); ++k) {
      const bool a = path[k].body >= 0 && joint.in_subtree[path[k].body];
      const bool b = path[k + 1].body >= 0 && joint.in_subtree[path[k + 1].body];
      if (a != b) out.push_back({index, static_cast<int>(k), a ? 1 : -1});
    }
  };
  for (auto& joint : model.joints) {
    joint.passive_crossings.clear();
    for (std::size_t m = 0; m < model.muscles.size(); ++m)
      crossings(joint, model.muscles[m].path, static_cast<int>(m), joint.crossings);
    for (std::size_t e = 0; e < model.passive_elements.size(); ++e)
      crossings(joint, model.passive_elements[e].path, static_cast<int>(e), joint.passive_crossings);
  }
  note_path_crossings(model);
}

}  // namespace spineload
