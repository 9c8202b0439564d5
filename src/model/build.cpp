// Stage model, building: a subject's model from the source, scaled to her height and mass
// (segment masses, centres and inertias, joint centres, muscle and tissue paths, disc areas,
// vertebral strength), with her stage's adjustments (added masses of pregnancy and of the
// infant, stiffness and strength factors); rebuilt in place for cohorts.
#include <algorithm>
#include <cmath>
#include <string_view>

#include "common/errors.hpp"
#include "common/rotation.hpp"
#include "model/build_detail.hpp"
#include "model/model.hpp"
#include "model/model_source.hpp"

namespace spineload {

using model_detail::build;
using model_detail::find_by_name;
using model_detail::kDeg;
using model_detail::mirror_point;
using model_detail::note_path_crossings;
using model_detail::number_coordinates;

namespace {

// Adds a mass (with its own principal inertia) to a body (positions in the body frame): new mass centre, and the
// principal inertia about it by the parallel-axis rule on each axis (products of inertia
// dropped: the engine keeps principal moments only; quasi-static results do not use them).
void add_point_mass(Body& body, double mass, const Eigen::Vector3d& at, const Eigen::Vector3d& own_inertia) {
  const double total = body.mass_kg + mass;
  const Eigen::Vector3d com = (body.mass_kg * body.com_m + mass * at) / total;
  auto shift = [](const Eigen::Vector3d& d) { return Eigen::Vector3d(d.y() * d.y() + d.z() * d.z(),
                                                                     d.x() * d.x() + d.z() * d.z(),
                                                                     d.x() * d.x() + d.y() * d.y()); };
  body.inertia_kg_m2 += body.mass_kg * shift(body.com_m - com) + mass * shift(at - com) + own_inertia;
  body.mass_kg = total;
  body.com_m = com;
  body.added_mass_kg += mass;
  body.added_first_moment_kg_m += mass * at;
}

// Body poses at the passive neutral (every coordinate at its joint's neutral angle), by the
// same body-fixed rotation sequence the kinematics stage uses; the model stage cannot call
// that stage, and only still poses of a handful of bodies are needed.
std::vector<Eigen::Isometry3d> neutral_poses(const Model& model) {
  std::vector<Eigen::Isometry3d> pose(model.bodies.size());
  for (std::size_t b = 0; b < model.bodies.size(); ++b) {
    const Joint& joint = model.joints[b];
    Eigen::Isometry3d& x = pose[b];
    x = joint.parent_body < 0 ? Eigen::Isometry3d::Identity() : pose[joint.parent_body];
    x.translate(joint.location_in_parent_m);
    Eigen::Matrix3d turned = x.linear();
    for (int c : joint.coordinates) rotate_about(turned, model.coordinates[c].axis, model.coordinates[c].stiffness.neutral_rad);
    x.linear() = turned;
  }
  return pose;
}

double path_length_at(const std::vector<Eigen::Isometry3d>& pose, const std::vector<PathPoint>& path) {
  double length = 0;
  for (std::size_t k = 0; k + 1 < path.size(); ++k)
    length += (pose[path[k + 1].body] * path[k + 1].location_m - pose[path[k].body] * path[k].location_m).norm();
  return length;
}

// Rest lengths of passive tissues, set where the motion segments rest unloaded (the passive
// neutral): a ligament is at its neutral strain there, a muscle's fibres at their optimal
// length (passive fibre force starts beyond it).
void set_passive_rest_lengths(const ModelSource& src, Model& model) {
  if (model.passive_elements.empty() && std::none_of(src.muscles.begin(), src.muscles.end(),
                                                     [](const auto& m) { return m.fibre_fraction > 0; }))
    return;
  const auto pose = neutral_poses(model);
  for (std::size_t i = 0; i < model.passive_elements.size(); ++i)
    model.passive_elements[i].slack_length_m =
        path_length_at(pose, model.passive_elements[i].path) / (1 + src.passive_elements[i].neutral_strain);
  for (std::size_t i = 0; i < src.muscles.size(); ++i) {
    Muscle& m = model.muscles[i];
    m.passive = src.muscles[i].fibre_fraction > 0;
    if (!m.passive) continue;
    const double length = path_length_at(pose, m.path);
    m.tendon.optimal_fiber_length_m = src.muscles[i].fibre_fraction * length;
    m.tendon.tendon_slack_length_m = length - m.tendon.optimal_fiber_length_m;
    m.tendon.kshape_passive = src.passive_kshape;
    m.tendon.fmax_muscle_strain = src.passive_strain_at_max;
  }
}

double factor_for(const std::vector<std::pair<std::string, double>>& list, std::string_view key) {
  double f = 1;
  for (const auto& [k, v] : list)
    if (k == key) f *= v;
  return f;
}

void build_into(const ModelSource& src, double height_m, double mass_kg, const ModelAdjustments& adj,
                bool with_multibody, Model& model);

}  // namespace

std::shared_ptr<const Model> build_model(const ModelSource& src, double height_m, double mass_kg,
                                         const ModelAdjustments& adj) {
  return build(src, height_m, mass_kg, adj, true);
}

std::shared_ptr<const Model> build_static_model(const ModelSource& src, double height_m, double mass_kg,
                                                const ModelAdjustments& adj) {
  return build(src, height_m, mass_kg, adj, false);
}

void rebuild_static_model(const ModelSource& src, double height_m, double mass_kg, const ModelAdjustments& adj,
                          Model& model) {
  build_into(src, height_m, mass_kg, adj, false, model);
}

namespace {

// Names, groups and index lists: what the source fixes, whoever the subject. Written on a
// first build or into a model last built from another source; a rebuild from the same
// source keeps them. The first build of a source also checks its structure here.
void write_structure(const ModelSource& src, const std::vector<int>& joint_of_body, bool validate, Model& model) {
  const std::string where = src.name + "/model.yaml";
  const std::size_t nb = src.bodies.size();
  model.name = src.name;
  model.bodies.resize(nb);
  model.joints.resize(nb);
  model.coordinates.clear();
  for (std::size_t k = 0; k < nb; ++k) {
    const auto& j = src.joints[joint_of_body[k]];
    model.bodies[k].name = src.bodies[k].name;
    Joint& joint = model.joints[k];
    joint.name = j.name;
    joint.coordinates.clear();
    for (const auto& c : j.coordinates) {
      if (validate && model.coordinate_index(c.name) >= 0)
        throw InputError(where, 0, "joints." + j.name, "duplicate coordinate '" + c.name + "'");
      joint.coordinates.push_back(static_cast<int>(model.coordinates.size()));
      model.coordinates.emplace_back().name = c.name;
    }
    if (validate && j.coordinates.size() == 3) {
      Eigen::Matrix3d r;
      r << j.coordinates[0].axis, j.coordinates[1].axis, j.coordinates[2].axis;
      if ((r.transpose() * r - Eigen::Matrix3d::Identity()).norm() > 1e-9 || r.determinant() < 0)
        throw InputError(where, 0, "joints." + j.name + ".coordinates",
                         "the three axes must be orthogonal and right-handed");
    }
  }
  model.rhythms.resize(src.rhythms.size());
  for (std::size_t i = 0; i < src.rhythms.size(); ++i) {
    const auto& r = src.rhythms[i];
    Rhythm& rhythm = model.rhythms[i];
    rhythm.name = r.name;
    rhythm.ratios.clear();
    for (const auto& [name, ratio] : r.ratios) {
      const int c = model.coordinate_index(name);
      if (c < 0) throw InputError(where, 0, "rhythms." + r.name, "unknown coordinate '" + name + "'");
      rhythm.ratios.emplace_back(c, ratio);
    }
  }
  model.muscles.resize(src.muscles.size() + (src.abdominal_pressure ? 1 : 0));
  for (std::size_t i = 0; i < src.muscles.size(); ++i) {
    model.muscles[i].name = src.muscles[i].name;
    model.muscles[i].group = src.muscles[i].group;
  }
  if (src.abdominal_pressure) {
    Muscle& m = model.muscles.back();
    m.name = "IAP";
    m.group = "abdominal_pressure";
    m.pushes = true;
  }
  // The limb joints balanced by torques (limb_joint_strength): each coordinate has a torque
  // of each sign, as two coordinate actuators whose controls run 0 to 1 and -1 to 0.
  model.actuators.clear();
  for (const auto& js : src.limb_joint_strength) {
    const int c = model.coordinate_index(js.coordinate);  // known: the reader checked it
    for (const bool positive : {true, false}) {
      Actuator a;
      a.name = js.coordinate + (positive ? "_positive" : "_negative");
      a.kind = Actuator::Kind::coordinate;
      a.coordinate = c;
      a.min_control = positive ? 0 : -1;
      a.max_control = positive ? 1 : 0;
      a.cost_weight = positive ? js.positive_muscles : js.negative_muscles;
      a.cost_power = 2;
      model.actuators.push_back(a);
    }
  }
  model.passive_elements.resize(src.passive_elements.size());
  for (std::size_t i = 0; i < src.passive_elements.size(); ++i) {
    PassiveElement& el = model.passive_elements[i];
    el.name = src.passive_elements[i].name;
    el.group = src.passive_elements[i].group;
    el.strain_breaks = src.passive_elements[i].strain_breaks;
  }
  for (int k = 0; k < 4; ++k) {
    model.lying[k].orientation_rad.clear();
    for (const auto& [coord, deg] : src.lying[k].orientation_deg) {
      const int c = model.coordinate_index(coord);
      if (c < 0) throw InputError(src.name, 0, "lying.orientation_deg", "unknown coordinate '" + coord + "'");
      model.lying[k].orientation_rad.emplace_back(c, deg * std::numbers::pi / 180);
    }
  }
}

// The topology (subtrees, path crossings, spinal joints), once the paths are in place: the
// source's, resolved on its first build, or worked out here.
void write_topology(const ModelSource& src, Model& model) {
  const std::size_t nb = model.bodies.size();
  if (src.topology) {
    for (std::size_t j = 0; j < nb; ++j) {
      model.joints[j].in_subtree = src.topology->in_subtree[j];
      model.joints[j].crossings = src.topology->crossings[j];
      model.joints[j].passive_crossings = src.topology->passive_crossings[j];
    }
    for (std::size_t b = 0; b < nb; ++b) model.bodies[b].ancestor_q = src.topology->ancestor_q[b];
    note_path_crossings(model);
  } else {
    finish_model_topology(model);
  }
  model.spinal_joints.clear();
  model.equilibrium_coordinates.clear();
  for (std::size_t j = 0; j < nb; ++j)
    if (model.joints[j].intervertebral) {
      model.spinal_joints.push_back(static_cast<int>(j));
      for (int c : model.joints[j].coordinates) model.equilibrium_coordinates.push_back(c);
    }
  // Then the limb coordinates that torques balance, in the data file's order (after the
  // spinal rows, so a spinal level's reserve keeps its row).
  for (const Actuator& a : model.actuators)
    if (std::find(model.equilibrium_coordinates.begin(), model.equilibrium_coordinates.end(), a.coordinate) ==
        model.equilibrium_coordinates.end())
      model.equilibrium_coordinates.push_back(a.coordinate);
  // The cavity's wall: the wall groups' via points on the bodies between the floor's body and
  // the diaphragm's (bodies that carry the floor's point or the diaphragm's are not wall).
  model.abdominal_wall_points.clear();
  if (src.abdominal_pressure && model.abdominal_pressure_muscle >= 0) {
    const auto& iap = model.muscles[model.abdominal_pressure_muscle].path;
    const int floor_body = iap.front().body, top_body = iap.back().body;
    auto between = [&](int b) {
      return b >= 0 && b != floor_body && b != top_body && top_body >= 0 && model.joints[b].in_subtree[top_body] &&
             (floor_body < 0 || model.joints[floor_body].in_subtree[b]);
    };
    const auto& wall = src.abdominal_pressure->wall_groups;
    for (std::size_t i = 0; i < src.muscles.size(); ++i) {
      if (std::find(wall.begin(), wall.end(), model.muscles[i].group) == wall.end()) continue;
      const auto& path = model.muscles[i].path;
      for (std::size_t k = 1; k + 1 < path.size(); ++k)
        if (between(path[k].body)) model.abdominal_wall_points.emplace_back(static_cast<int>(i), static_cast<int>(k));
    }
  }
}

// Writes the model for this subject into `model`: the structure (write_structure, unless it
// was last built from this source), then every number a subject changes, then the topology.
// A cohort thread's rebuild for its next subject thus overwrites numbers in place and
// allocates nothing.
void build_into(const ModelSource& src, double height_m, double mass_kg, const ModelAdjustments& adj,
                bool with_multibody, Model& model) {
  if (!(height_m >= 1.2 && height_m <= 2.2))
    throw InputError("", 0, "height_m", "height " + std::to_string(height_m) + " m is outside 1.2-2.2 m");
  if (!(mass_kg >= 30 && mass_kg <= 200))
    throw InputError("", 0, "mass_kg", "body mass " + std::to_string(mass_kg) + " kg is outside 30-200 kg");
  const std::string where = src.name + "/model.yaml";
  // The first build of a source (resolve_structure) validates its structure; later ones
  // reuse what it resolved.
  const bool validate = !src.topology;
  const bool same = src.topology && model.built_from.get() == src.topology.get();
  model.built_from.reset();  // set again once this build has finished
  model.height_m = height_m;
  model.mass_kg = mass_kg;
  model.gravity_m_s2 = src.gravity_m_s2;
  const double s = height_m / src.reference_height_m;

  // Bodies keep the data file's order, which must list every parent before its children
  // (so the multibody tree, the reports and the spinal levels read bottom to top).
  const std::size_t nb = src.bodies.size();
  std::vector<int> joint_of_body(nb, -1);
  for (std::size_t j = 0; j < src.joints.size(); ++j) {
    const int child = find_by_name(src.bodies, src.joints[j].child);
    if (child < 0) throw InputError(where, 0, "joints." + src.joints[j].name, "unknown child body '" + src.joints[j].child + "'");
    if (joint_of_body[child] >= 0)
      throw InputError(where, 0, "joints", "body '" + src.bodies[child].name + "' is the child of two joints");
    joint_of_body[child] = static_cast<int>(j);
  }
  std::vector<int> parent_of(nb, -1);
  for (std::size_t b = 0; b < nb; ++b) {
    if (joint_of_body[b] < 0)
      throw InputError(where, 0, "joints", "body '" + src.bodies[b].name + "' hangs from no joint");
    const std::string& parent = src.joints[joint_of_body[b]].parent;
    if (parent == "ground") continue;
    parent_of[b] = find_by_name(src.bodies, parent);
    if (parent_of[b] < 0 || parent_of[b] >= static_cast<int>(b))
      throw InputError(where, 0, "bodies", "body '" + parent + "' must be listed before its child '" +
                                               src.bodies[b].name + "'");
  }
  if (!same) write_structure(src, joint_of_body, validate, model);

  double fraction_sum = 0;
  for (const auto& b : src.bodies) fraction_sum += b.mass_fraction;

  std::vector<Eigen::Vector3d> origin_ref(nb);  // body origin, reference ground frame
  for (std::size_t k = 0; k < nb; ++k) {
    const auto& b = src.bodies[k];
    const auto& j = src.joints[joint_of_body[k]];
    origin_ref[k] = j.centre_m;
    Body& body = model.bodies[k];
    body.parent_joint = static_cast<int>(k);
    // Normalised so the segments sum to the subject's mass exactly (de Leva's sum 0.9999).
    body.mass_kg = mass_kg * b.mass_fraction / fraction_sum;
    body.com_m = s * (b.com_m - j.centre_m);
    body.added_mass_kg = 0;
    body.added_first_moment_kg_m.setZero();
    const double len = s * b.gyration_length_m;
    body.inertia_kg_m2 = body.mass_kg * (b.gyration_r * len).cwiseAbs2();

    Joint& joint = model.joints[k];
    joint.child_body = static_cast<int>(k);
    joint.parent_body = parent_of[k];
    joint.location_in_parent_m =
        joint.parent_body < 0 ? Eigen::Vector3d(s * j.centre_m)
                              : Eigen::Vector3d(s * (j.centre_m - origin_ref[joint.parent_body]));
    joint.intervertebral = j.intervertebral;
    joint.disc_tilt_rad = j.disc_tilt_deg * kDeg;
    joint.column_share = j.column_share;
    for (std::size_t i = 0; i < j.coordinates.size(); ++i) {
      const auto& c = j.coordinates[i];
      Coordinate& coord = model.coordinates[joint.coordinates[i]];
      coord.joint = static_cast<int>(k);
      coord.axis = c.axis;
      coord.min_rad = c.min_deg * kDeg;
      coord.max_rad = c.max_deg * kDeg;
      coord.stiffness.positive_Nm_per_rad = c.stiffness_per_deg.positive_Nm_per_rad / kDeg;
      coord.stiffness.negative_Nm_per_rad = c.stiffness_per_deg.negative_Nm_per_rad / kDeg;
      coord.stiffness.neutral_rad = c.stiffness_per_deg.neutral_rad * kDeg;
    }
  }

  model.abdomen.clear();
  for (const auto& added : adj.added_masses) {
    const int b = model.body_index(added.body);
    if (b < 0) throw InputError(where, 0, "added mass", "unknown body '" + added.body + "'");
    if (!(added.mass_kg >= 0)) throw InputError(where, 0, "added mass", "negative added mass for " + added.label);
    if (added.mass_kg == 0) continue;
    add_point_mass(model.bodies[b], added.mass_kg, s * (added.location_m - origin_ref[b]),
                   added.mass_kg * (s * added.radii_of_gyration_m).cwiseAbs2());
    if (added.semi_axes_m.maxCoeff() > 0)
      model.abdomen.push_back({b, s * (added.location_m - origin_ref[b]), s * added.semi_axes_m});
  }
  model.mass_kg = model.total_mass_kg();
  for (auto& c : model.coordinates) {
    const double f = adj.passive_stiffness_factor * factor_for(adj.joint_stiffness_factor, model.joints[c.joint].name);
    c.stiffness.positive_Nm_per_rad *= f;
    c.stiffness.negative_Nm_per_rad *= f;
  }

  number_coordinates(src, joint_of_body, with_multibody, model);

  for (std::size_t i = 0; i < src.rhythms.size(); ++i) {
    model.rhythms[i].min_rad = src.rhythms[i].min_deg * kDeg;
    model.rhythms[i].max_rad = src.rhythms[i].max_deg * kDeg;
  }

  // `shift_m`: where the subject moves the point (a via point of a stretched wall), in the
  // reference frame.
  auto to_body = [&](const ModelSource::PointSrc& p, PathPoint& point, const Eigen::Vector3d& shift_m = Eigen::Vector3d::Zero()) {
    const int b = p.body_index >= 0 ? p.body_index : model.body_index(p.body);
    point.body = b;
    point.location_m = s * (p.location_m + shift_m - origin_ref[b]);
  };
  auto points = [&](const std::vector<ModelSource::PointSrc>& from, std::vector<PathPoint>& to) {
    to.resize(from.size());
    for (std::size_t k = 0; k < from.size(); ++k) to_body(from[k], to[k]);
  };
  const double pcsa_scale = (mass_kg / src.reference_mass_kg) / s;
  // A joint's strength scales as a cross-section times a lever: with body mass.
  for (std::size_t i = 0; i < src.limb_joint_strength.size(); ++i) {
    model.actuators[2 * i].optimal_force = src.limb_joint_strength[i].positive_Nm * mass_kg / src.reference_mass_kg;
    model.actuators[2 * i + 1].optimal_force = src.limb_joint_strength[i].negative_Nm * mass_kg / src.reference_mass_kg;
  }
  for (std::size_t i = 0; i < src.muscles.size(); ++i) {
    const auto& m = src.muscles[i];
    Muscle& muscle = model.muscles[i];
    // A capacity given for a muscle's base name (without _l/_r) applies to both sides.
    const double per_muscle = adj.muscle_capacity.empty()
                                  ? 1.0
                                  : factor_for(adj.muscle_capacity, m.name) *
                                        factor_for(adj.muscle_capacity, std::string_view(m.name).substr(0, m.name.size() - 2));
    muscle.pcsa_m2 = m.pcsa_cm2 * 1e-4 * pcsa_scale * adj.trunk_strength_factor *
                     factor_for(adj.group_capacity, m.group) * per_muscle;
    muscle.max_stress_Pa = src.max_stress_Pa;
    muscle.min_activation = src.resting_activation;
    const bool left = m.name.size() > 2 && m.name.compare(m.name.size() - 2, 2, "_l") == 0;
    muscle.path.resize(m.path.size());
    for (std::size_t k = 0; k < m.path.size(); ++k) {
      Eigen::Vector3d shift_m = Eigen::Vector3d::Zero();  // the source's point is not copied: it holds a name
      if (k > 0 && k + 1 < m.path.size())
        for (const auto& [group, shift] : adj.group_via_shift_m)
          if (group == m.group) shift_m += left ? mirror_point(shift) : shift;
      to_body(m.path[k], muscle.path[k], shift_m);
    }
  }
  model.abdominal_pressure_muscle = -1;
  model.abdominal_pressure_area_m2 = 0;
  model.abdominal_contents_density_kg_m3 = 0;
  model.abdominal_pelvic_floor_max_kPa = 0;
  if (src.abdominal_pressure) {
    // The transversus on each side carries the hoop tension P R over the wall's height h, so
    // its force F gives P = F / (R h) and the push P A: as a muscle of PCSA A / (R h) times
    // the transversus PCSA (A / (R h) does not change with scale; the PCSA scales as any).
    const auto& ap = *src.abdominal_pressure;
    const int k = static_cast<int>(src.muscles.size());
    Muscle& m = model.muscles[k];
    m.passive = false;
    m.pcsa_m2 = ap.transversus_pcsa_cm2 * 1e-4 * pcsa_scale * adj.trunk_strength_factor *
                factor_for(adj.group_capacity, m.group) * (ap.area_cm2 * 1e-4) / (ap.wall_radius_m * ap.wall_height_m);
    m.max_stress_Pa = src.max_stress_Pa;
    points(ap.path, m.path);
    model.abdominal_pressure_muscle = k;
    model.abdominal_pressure_area_m2 = ap.area_cm2 * 1e-4 * s * s;
    // Its cost: both transversus sides at activation a, and the diaphragm and pelvic floor,
    // which must hold the same pressure above (against the open thorax) and below, at
    // P / their maximal pressure = a Pmax / Pmax,muscle, with this subject's Pmax.
    const double p_max_kPa = model.abdominal_pressure_kPa(m.max_force_N());
    m.cost_weight = 2 + std::pow(p_max_kPa / ap.diaphragm_max_kPa, 2) + std::pow(p_max_kPa / ap.pelvic_floor_max_kPa, 2);
    model.abdominal_contents_density_kg_m3 = ap.contents_density_kg_m3;
    model.abdominal_pelvic_floor_max_kPa = ap.pelvic_floor_max_kPa;
  }
  for (std::size_t i = 0; i < src.passive_elements.size(); ++i) {
    const auto& e = src.passive_elements[i];
    PassiveElement& el = model.passive_elements[i];
    points(e.path, el.path);
    // Stiffness (EA / L) scales with the cross-section over the length.
    el.stiffness_N_per_m.resize(e.stiffness_N_per_mm.size());
    for (std::size_t k = 0; k < e.stiffness_N_per_mm.size(); ++k)
      el.stiffness_N_per_m[k] = 1e3 * e.stiffness_N_per_mm[k] * pcsa_scale / s;
  }
  set_passive_rest_lengths(src, model);
  points(src.standing_support, model.standing_support);
  points(src.seated_support, model.seated_support);
  points(src.kneeling_support, model.kneeling_support);
  points(src.backrest_contacts, model.backrest_contacts);
  model.lying_patch = {s * src.lying_patch_half_length_m, s * src.lying_patch_half_width_m};
  for (int k = 0; k < 4; ++k) {
    points(src.lying[k].contacts, model.lying[k].contacts);
    points(src.lying[k].support, model.lying[k].support);
    model.lying[k].on_body.resize(src.lying[k].on_body.size());
    for (std::size_t i = 0; i < src.lying[k].on_body.size(); ++i) {
      to_body(src.lying[k].on_body[i].first, model.lying[k].on_body[i].first);
      model.lying[k].on_body[i].second = model.body_index(src.lying[k].on_body[i].second);
    }
  }
  if (!same) write_topology(src, model);

  // Vertebral strength at each spinal joint: density x area (Brinckmann 1989), less age.
  model.age_years = adj.age_years >= 0 ? adj.age_years : src.default_age_years;
  model.lumbar_bmd_g_cm2 = adj.lumbar_bmd_g_cm2 > 0 ? adj.lumbar_bmd_g_cm2 : src.strength.reference_bmd_g_cm2;
  const double base_kN =
      src.strength.reference_kN -
      src.strength.age_decline_kN_per_year * std::max(0.0, model.age_years - src.strength.reference_age_years);
  // Disc areas scale as cross-sections do (volume over length, as muscle PCSA).
  model.disc_area_m2.clear();
  model.idp_correction_factor = src.idp.correction_factor;
  model.disc_swelling_pressure_MPa = src.idp.swelling_pressure_MPa;
  for (int j : model.spinal_joints) {
    const auto it = src.idp.disc_area_cm2.find(model.joints[j].name);
    model.disc_area_m2.push_back(it == src.idp.disc_area_cm2.end() ? 0.0 : it->second * 1e-4 * pcsa_scale);
  }
  model.extension_mvc_share.clear();
  for (int j : model.spinal_joints) {
    const auto it = src.extension_mvc_share.find(model.joints[j].name);
    model.extension_mvc_share.push_back(it == src.extension_mvc_share.end() ? 1.0 : it->second);
  }
  model.vertebral_strength_N.clear();
  model.vertebral_strength_p5_N.clear();
  for (int j : model.spinal_joints) {
    const auto it = src.strength.level_factors.find(model.joints[j].name);
    const double level = it == src.strength.level_factors.end() ? 0.0 : it->second;
    const double mean_N = 1e3 * std::max(0.0, base_kN) * level * model.lumbar_bmd_g_cm2 / src.strength.reference_bmd_g_cm2;
    model.vertebral_strength_N.push_back(mean_N);
    // The weakest twentieth of segments like hers: 1.645 standard errors of the prediction below.
    model.vertebral_strength_p5_N.push_back(std::max(0.0, mean_N - 1e3 * 1.645 * src.strength.spread_sd_kN * level));
  }
  model.built_from = src.topology;
}

}  // namespace

std::shared_ptr<const Model> model_detail::build(const ModelSource& src, double height_m, double mass_kg,
                                                 const ModelAdjustments& adj, bool with_multibody) {
  auto model = std::make_shared<Model>();
  build_into(src, height_m, mass_kg, adj, with_multibody, *model);
  return model;
}

}  // namespace spineload
