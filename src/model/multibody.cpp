// Stage model, the multibody system: the scaled bodies as Simbody's (through the multibody
// stage's adapter), and every coordinate's place in its q vector; a static model (cohorts)
// numbers its coordinates the same way without one.
#include <algorithm>

#include "model/build_detail.hpp"
#include "multibody/system.hpp"

namespace spineload::model_detail {

void number_coordinates(const ModelSource& src, const std::vector<int>& joint_of_body, bool with_multibody, Model& model) {
  const std::size_t nb = model.bodies.size();
  // Simbody numbers q body by body in the order the bodies were added, each joint's in
  // axis order: the static model numbers them the same way.
  std::vector<int> q_start(nb, 0);
  if (with_multibody) {
    std::vector<mb::BodySpec> specs(nb);
    for (std::size_t k = 0; k < nb; ++k) {
      const Body& body = model.bodies[k];
      mb::BodySpec& spec = specs[k];
      spec.parent = model.joints[k].parent_body;
      spec.frame_in_parent.translation() = model.joints[k].location_in_parent_m;
      spec.mass_kg = body.mass_kg;
      spec.com_m = body.com_m;
      spec.inertia_kg_m2 = body.inertia_kg_m2.asDiagonal();
      for (const auto& c : src.joints[joint_of_body[k]].coordinates) spec.axes.push_back(c.axis);
    }
    model.multibody = std::make_shared<const mb::System>(specs);
    q_start = model.multibody->q_start();
    model.num_q = model.multibody->num_q();
  } else {
    model.multibody.reset();
    int next = 0;
    for (std::size_t b = 0; b < nb; ++b) {
      q_start[b] = next;
      next += static_cast<int>(model.joints[b].coordinates.size());
    }
    model.num_q = next;
  }
  for (std::size_t c = 0; c < model.coordinates.size(); ++c) {
    Coordinate& coord = model.coordinates[c];
    const Joint& joint = model.joints[coord.joint];
    const auto pos = std::find(joint.coordinates.begin(), joint.coordinates.end(), static_cast<int>(c));
    coord.mb_index = q_start[joint.child_body] + static_cast<int>(pos - joint.coordinates.begin());
  }
}

}  // namespace spineload::model_detail
