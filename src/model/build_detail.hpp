// The model stage's own helpers, shared by its files (reading the data files, building a
// subject's model, the multibody system); no other stage includes this.
#pragma once
#include <Eigen/Core>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "model/model_source.hpp"

namespace spineload::model_detail {

inline constexpr double kDeg = std::numbers::pi / 180.0;

// A point's mirror image through the sagittal plane (left twin of a right-side point).
inline Eigen::Vector3d mirror_point(const Eigen::Vector3d& p) { return {p.x(), p.y(), -p.z()}; }

template <class T>
int find_by_name(const std::vector<T>& v, const std::string& name) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i].name == name) return static_cast<int>(i);
  return -1;
}

// A subject's model from a source (build.cpp); `with_multibody` builds its Simbody system.
std::shared_ptr<const Model> build(const ModelSource& src, double height_m, double mass_kg, const ModelAdjustments& adj,
                                   bool with_multibody);

// Per muscle and passive element, from the joints' crossing lists: the coordinates its path
// crosses and the crossings themselves (model.cpp).
void note_path_crossings(Model& model);

// Numbers the scaled model's coordinates in the multibody q order and, `with_multibody`,
// builds its Simbody system from the bodies (multibody.cpp). `joint_of_body[b]` is the
// source joint that carries body b.
void number_coordinates(const ModelSource& src, const std::vector<int>& joint_of_body, bool with_multibody, Model& model);

}  // namespace spineload::model_detail
