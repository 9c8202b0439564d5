// Stage model, reading: the model's data files (model.yaml, muscles.yaml: segments, joints,
// ranges, stiffness, muscles and passive tissues, each figure with its source) into a
// ModelSource, checked and with its names resolved, built once and shared.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "common/errors.hpp"
#include "io/yaml_util.hpp"
#include "model/build_detail.hpp"
#include "model/embedded_data.hpp"
#include "model/model.hpp"
#include "model/model_source.hpp"

namespace spineload {

using model_detail::build;
using model_detail::find_by_name;
using model_detail::kDeg;
using model_detail::mirror_point;

namespace {


// Left twin of a right-side name: "_r_" -> "_l_", trailing "_r" -> "_l".
std::string mirror_name(std::string s) {
  for (std::size_t p = s.find("_r_"); p != std::string::npos; p = s.find("_r_", p + 3))
    s.replace(p, 3, "_l_");
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, "_r") == 0) s[s.size() - 1] = 'l';
  return s;
}
// The other side's name: "_r" and "_l" swapped (a left limb named in a right-side list).
std::string other_side(const std::string& s) {
  std::string out = mirror_name(s);
  if (out != s) return out;
  for (std::size_t p = out.find("_l_"); p != std::string::npos; p = out.find("_l_", p + 3)) out.replace(p, 3, "_r_");
  if (out.size() >= 2 && out.compare(out.size() - 2, 2, "_l") == 0) out[out.size() - 1] = 'r';
  return out;
}
// Rotation axes are axial vectors: a reflection through the sagittal plane maps them to
// -M a with M = diag(1, 1, -1), which keeps every joint's coordinate meaning on both sides.
Eigen::Vector3d mirror_axis(const Eigen::Vector3d& a) { return {-a.x(), -a.y(), a.z()}; }

// The left twin of a right-side body, joint or muscle described in the data.
ModelSource::BodySrc mirrored(ModelSource::BodySrc b) {
  b.name = mirror_name(b.name);
  b.com_m = mirror_point(b.com_m);
  for (auto& [name, p] : b.landmarks) p = mirror_point(p);
  return b;
}
ModelSource::JointSrc mirrored(ModelSource::JointSrc j) {
  j.name = mirror_name(j.name);
  j.parent = mirror_name(j.parent);
  j.child = mirror_name(j.child);
  j.centre_m = mirror_point(j.centre_m);
  for (auto& c : j.coordinates) {
    c.name = mirror_name(c.name);
    c.axis = mirror_axis(c.axis);
  }
  return j;
}
ModelSource::MuscleSrc mirrored(ModelSource::MuscleSrc m) {
  for (auto& p : m.path) {
    p.body = mirror_name(p.body);
    p.location_m = mirror_point(p.location_m);
  }
  return m;
}

PassiveStiffness parse_direction(const YAML::Node& n, const std::string& file,
                                 const std::string& field) {
  yaml::check_keys(n, {"positive", "negative"}, file, field);
  PassiveStiffness k;
  k.positive_Nm_per_rad = yaml::as_double(yaml::require(n, "positive", file, field), file, field + ".positive");
  k.negative_Nm_per_rad = yaml::as_double(yaml::require(n, "negative", file, field), file, field + ".negative");
  if (k.positive_Nm_per_rad < 0 || k.negative_Nm_per_rad < 0)
    throw InputError(file, yaml::line_of(n), field, "stiffness must not be negative");
  return k;
}

void parse_model_yaml(const YAML::Node& root, const std::string& file, ModelSource& src) {
  yaml::check_keys(root, {"name", "reference_subject", "default_subject", "gravity_m_s2", "bodies",
                          "stiffness_sets", "joints", "rhythms", "supports", "backrest_contacts", "lying", "vertebral_strength",
                          "intradiscal_pressure", "limb_joint_strength"},
                   file, "");
  src.name = yaml::as_string(yaml::require(root, "name", file, ""), file, "name");
  const auto ref = yaml::require(root, "reference_subject", file, "");
  src.reference_height_m = yaml::as_double(yaml::require(ref, "height_m", file, "reference_subject"), file, "reference_subject.height_m");
  src.reference_mass_kg = yaml::as_double(yaml::require(ref, "mass_kg", file, "reference_subject"), file, "reference_subject.mass_kg");
  const auto def = yaml::require(root, "default_subject", file, "");
  src.default_height_m = yaml::as_double(yaml::require(def, "height_m", file, "default_subject"), file, "default_subject.height_m");
  src.default_mass_kg = yaml::as_double(yaml::require(def, "mass_kg", file, "default_subject"), file, "default_subject.mass_kg");
  if (def["age_years"]) src.default_age_years = yaml::as_double(def["age_years"], file, "default_subject.age_years");
  if (root["vertebral_strength"]) {
    const auto v = root["vertebral_strength"];
    const std::string c = "vertebral_strength";
    yaml::check_keys(v, {"reference_kN", "reference_age_years", "age_decline_kN_per_year", "reference_bmd_g_cm2", "source",
                         "spread_sd_kN", "spread_source", "meaning", "level_factors", "level_source"},
                     file, c);
    if (v["spread_sd_kN"]) src.strength.spread_sd_kN = yaml::as_double(v["spread_sd_kN"], file, c + ".spread_sd_kN");
    src.strength.reference_kN = yaml::as_double(yaml::require(v, "reference_kN", file, c), file, c + ".reference_kN");
    src.strength.reference_age_years = yaml::as_double(yaml::require(v, "reference_age_years", file, c), file, c + ".reference_age_years");
    src.strength.age_decline_kN_per_year = yaml::as_double(yaml::require(v, "age_decline_kN_per_year", file, c), file, c + ".age_decline_kN_per_year");
    src.strength.reference_bmd_g_cm2 = yaml::as_double(yaml::require(v, "reference_bmd_g_cm2", file, c), file, c + ".reference_bmd_g_cm2");
    for (const auto& n : yaml::as_named_numbers(yaml::require(v, "level_factors", file, c), file, c + ".level_factors"))
      src.strength.level_factors[n.name] = n.value;
  }
  if (const auto v = root["intradiscal_pressure"]) {
    const std::string c = "intradiscal_pressure";
    yaml::check_keys(v, {"correction_factor", "swelling_pressure_MPa", "disc_area_cm2", "source", "swelling_source",
                         "area_source"},
                     file, c);
    src.idp.correction_factor = yaml::as_double(yaml::require(v, "correction_factor", file, c), file, c + ".correction_factor");
    src.idp.swelling_pressure_MPa =
        yaml::as_double(yaml::require(v, "swelling_pressure_MPa", file, c), file, c + ".swelling_pressure_MPa");
    if (!(src.idp.correction_factor > 0) || !(src.idp.swelling_pressure_MPa >= 0))
      throw InputError(file, yaml::line_of(v), c, "correction_factor must be positive and swelling_pressure_MPa not negative");
    for (const auto& n : yaml::as_named_numbers(yaml::require(v, "disc_area_cm2", file, c), file, c + ".disc_area_cm2")) {
      if (!(n.value > 0)) throw InputError(file, n.line, c + ".disc_area_cm2." + n.name, "must be positive");
      src.idp.disc_area_cm2[n.name] = n.value;
    }
  }
  if (root["gravity_m_s2"]) src.gravity_m_s2 = yaml::as_vector3(root["gravity_m_s2"], file, "gravity_m_s2");

  std::set<std::string> names;
  for (const auto& b : yaml::require(root, "bodies", file, "")) {
    const std::string ctx = "bodies[" + (b["name"] ? yaml::as_string(b["name"], file, "name") : std::string("?")) + "]";
    yaml::check_keys(b, {"name", "mirror", "mass_fraction", "com_m", "gyration", "source", "landmarks", "landmark_source"}, file, ctx);
    ModelSource::BodySrc body;
    body.name = yaml::as_string(yaml::require(b, "name", file, ctx), file, ctx + ".name");
    body.mass_fraction = yaml::as_double(yaml::require(b, "mass_fraction", file, ctx), file, ctx + ".mass_fraction");
    if (body.mass_fraction <= 0)
      throw InputError(file, yaml::line_of(b["mass_fraction"]), ctx + ".mass_fraction", "mass must be positive");
    body.com_m = yaml::as_vector3(yaml::require(b, "com_m", file, ctx), file, ctx + ".com_m");
    const auto g = yaml::require(b, "gyration", file, ctx);
    yaml::check_keys(g, {"length_m", "r"}, file, ctx + ".gyration");
    body.gyration_length_m = yaml::as_double(yaml::require(g, "length_m", file, ctx + ".gyration"), file, ctx + ".gyration.length_m");
    body.gyration_r = yaml::as_vector3(yaml::require(g, "r", file, ctx + ".gyration"), file, ctx + ".gyration.r");
    if (b["landmarks"])
      for (const auto& kv : b["landmarks"]) {
        const std::string name = yaml::key_of(kv.first, file, ctx + ".landmarks");
        body.landmarks[name] = yaml::as_vector3(kv.second, file, ctx + ".landmarks." + name);
      }
    if (!names.insert(body.name).second)
      throw InputError(file, yaml::line_of(b), ctx + ".name", "duplicate body name");
    const bool mirror = b["mirror"] && yaml::as_bool(b["mirror"], file, ctx + ".mirror");
    src.bodies.push_back(body);
    if (mirror) {
      src.bodies.push_back(mirrored(body));
      names.insert(src.bodies.back().name);
    }
  }

  std::map<std::string, std::map<std::string, PassiveStiffness>> sets;
  if (root["stiffness_sets"])
    for (const auto& kv : root["stiffness_sets"]) {
      const std::string set = yaml::key_of(kv.first, file);
      const std::string ctx = "stiffness_sets." + set;
      yaml::check_keys(kv.second, {"flexion", "lateral_bending", "axial_rotation", "neutral_deg", "source", "neutral_source"},
                       file, ctx);
      for (const char* dir : {"flexion", "lateral_bending", "axial_rotation"})
        sets[set][dir] = parse_direction(yaml::require(kv.second, dir, file, ctx), file, ctx + "." + dir);
      // Where the unloaded motion segment rests, relative to relaxed standing (degrees).
      if (const auto n = kv.second["neutral_deg"]) {
        yaml::check_keys(n, {"flexion", "lateral_bending", "axial_rotation"}, file, ctx + ".neutral_deg");
        for (const auto& d : yaml::as_named_numbers(n, file, ctx + ".neutral_deg")) sets[set][d.name].neutral_rad = d.value;
      }
    }

  for (const auto& j : yaml::require(root, "joints", file, "")) {
    const std::string ctx = "joints[" + (j["name"] ? yaml::as_string(j["name"], file, "name") : std::string("?")) + "]";
    yaml::check_keys(j, {"name", "mirror", "parent", "child", "centre_m", "disc_tilt_deg", "column_share", "column_share_source",
                         "stiffness", "source", "coordinates"},
                     file, ctx);
    ModelSource::JointSrc joint;
    joint.name = yaml::as_string(yaml::require(j, "name", file, ctx), file, ctx + ".name");
    joint.parent = yaml::as_string(yaml::require(j, "parent", file, ctx), file, ctx + ".parent");
    joint.child = yaml::as_string(yaml::require(j, "child", file, ctx), file, ctx + ".child");
    for (const auto* which : {&joint.parent, &joint.child})
      if (*which != "ground" && !names.count(*which))
        throw InputError(file, yaml::line_of(j), ctx, "unknown body '" + *which + "'");
    joint.centre_m = yaml::as_vector3(yaml::require(j, "centre_m", file, ctx), file, ctx + ".centre_m");
    if (j["disc_tilt_deg"]) {
      joint.intervertebral = true;
      joint.disc_tilt_deg = yaml::as_double(j["disc_tilt_deg"], file, ctx + ".disc_tilt_deg");
    }
    if (j["column_share"]) {
      joint.column_share = yaml::as_double(j["column_share"], file, ctx + ".column_share");
      if (!(joint.column_share > 0 && joint.column_share <= 1))
        throw InputError(file, yaml::line_of(j["column_share"]), ctx + ".column_share", "expected a share above 0 and at most 1");
    }
    const std::map<std::string, PassiveStiffness>* set = nullptr;
    if (j["stiffness"]) {
      const std::string s = yaml::as_string(j["stiffness"], file, ctx + ".stiffness");
      if (!sets.count(s)) throw InputError(file, yaml::line_of(j["stiffness"]), ctx + ".stiffness", "unknown stiffness set '" + s + "'");
      set = &sets.at(s);
    }
    for (const auto& c : yaml::require(j, "coordinates", file, ctx)) {
      const std::string cctx = ctx + ".coordinates";
      yaml::check_keys(c, {"name", "axis", "range_deg"}, file, cctx);
      ModelSource::CoordSrc coord;
      coord.name = yaml::as_string(yaml::require(c, "name", file, cctx), file, cctx + ".name");
      coord.axis = yaml::as_vector3(yaml::require(c, "axis", file, cctx), file, cctx + ".axis").normalized();
      const auto r = yaml::require(c, "range_deg", file, cctx);
      if (!r.IsSequence() || r.size() != 2) throw InputError(file, yaml::line_of(r), cctx + ".range_deg", "expected [min, max]");
      coord.min_deg = yaml::as_double(r[0], file, cctx + ".range_deg");
      coord.max_deg = yaml::as_double(r[1], file, cctx + ".range_deg");
      if (set) {
        for (const char* dir : {"flexion", "lateral_bending", "axial_rotation"})
          if (coord.name.size() > std::string(dir).size() &&
              coord.name.compare(coord.name.size() - std::string(dir).size(), std::string::npos, dir) == 0)
            coord.stiffness_per_deg = set->at(dir);
      }
      joint.coordinates.push_back(coord);
    }
    if (joint.coordinates.size() != 1 && joint.coordinates.size() != 3)
      throw InputError(file, yaml::line_of(j), ctx + ".coordinates", "a joint has 1 or 3 rotational coordinates");
    const bool mirror = j["mirror"] && yaml::as_bool(j["mirror"], file, ctx + ".mirror");
    src.joints.push_back(joint);
    if (mirror) src.joints.push_back(mirrored(joint));
  }

  if (root["rhythms"])
    for (const auto& r : root["rhythms"]) {
      const std::string ctx = "rhythms";
      yaml::check_keys(r, {"name", "range_deg", "source", "ratios"}, file, ctx);
      ModelSource::RhythmSrc rhythm;
      rhythm.name = yaml::as_string(yaml::require(r, "name", file, ctx), file, ctx + ".name");
      const auto range = yaml::require(r, "range_deg", file, ctx);
      rhythm.min_deg = yaml::as_double(range[0], file, ctx + ".range_deg");
      rhythm.max_deg = yaml::as_double(range[1], file, ctx + ".range_deg");
      for (const auto& n : yaml::as_named_numbers(yaml::require(r, "ratios", file, ctx), file, ctx + ".ratios"))
        rhythm.ratios.emplace_back(n.name, n.value);
      src.rhythms.push_back(rhythm);
    }

  auto resolve_point = [&](const std::string& spec, const YAML::Node& at, const std::string& field) {
    const auto dot = spec.find('.');
    if (dot == std::string::npos) throw InputError(file, yaml::line_of(at), field, "expected body.landmark");
    const std::string body = spec.substr(0, dot), mark = spec.substr(dot + 1);
    for (const auto& b : src.bodies)
      if (b.name == body) {
        auto it = b.landmarks.find(mark);
        if (it == b.landmarks.end()) throw InputError(file, yaml::line_of(at), field, "unknown landmark '" + spec + "'");
        return ModelSource::PointSrc{body, it->second};
      }
    throw InputError(file, yaml::line_of(at), field, "unknown body in '" + spec + "'");
  };
  if (root["supports"]) {
    yaml::check_keys(root["supports"], {"standing", "seated", "kneeling"}, file, "supports");
    for (const char* kind : {"standing", "seated", "kneeling"}) {
      if (!root["supports"][kind]) continue;
      auto& out = std::string(kind) == "standing" ? src.standing_support
                  : std::string(kind) == "seated" ? src.seated_support
                                                  : src.kneeling_support;
      for (const auto& p : yaml::require(root["supports"], kind, file, "supports")) {
        const auto point = resolve_point(yaml::as_string(p, file, std::string("supports.") + kind), p, std::string("supports.") + kind);
        out.push_back(point);
        out.push_back({mirror_name(point.body), mirror_point(point.location_m)});
      }
    }
  }
  if (root["backrest_contacts"])
    for (const auto& p : root["backrest_contacts"])
      src.backrest_contacts.push_back(resolve_point(yaml::as_string(p, file, "backrest_contacts"), p, "backrest_contacts"));
  if (const YAML::Node v = root["limb_joint_strength"]) {
    const std::string c = "limb_joint_strength";
    yaml::check_keys(v, {"source", "coordinates"}, file, c);
    for (const auto& kv : yaml::require(v, "coordinates", file, c)) {
      const std::string name = yaml::key_of(kv.first, file, c + ".coordinates");
      const std::string field = c + ".coordinates." + name;
      yaml::check_keys(kv.second, {"positive_Nm", "negative_Nm", "positive_muscles", "negative_muscles", "source"}, file,
                       field);
      ModelSource::JointStrengthSrc js{name};
      for (auto [key, to] : {std::pair{"positive_Nm", &js.positive_Nm}, std::pair{"negative_Nm", &js.negative_Nm}}) {
        const YAML::Node n = yaml::require(kv.second, key, file, field);
        *to = yaml::as_double(n, file, field + "." + key);
        if (!(*to > 0 && *to <= 1000)) throw InputError(file, yaml::line_of(n), field + "." + key, "expected 0 to 1000 N m");
      }
      for (auto [key, to] : {std::pair{"positive_muscles", &js.positive_muscles}, std::pair{"negative_muscles", &js.negative_muscles}}) {
        const YAML::Node n = yaml::require(kv.second, key, file, field);
        const double k = yaml::as_double(n, file, field + "." + key);
        if (!(k >= 1 && k <= 100 && k == std::floor(k)))
          throw InputError(file, yaml::line_of(n), field + "." + key, "expected a whole number of muscles, 1 to 100");
        *to = static_cast<int>(k);
      }
      bool known = false;
      for (const auto& j : src.joints)
        for (const auto& cs : j.coordinates) known = known || cs.name == name;
      if (!known) throw InputError(file, yaml::line_of(kv.second), field, "unknown coordinate '" + name + "'");
      for (const auto& other : src.limb_joint_strength)
        if (other.coordinate == name) throw InputError(file, yaml::line_of(kv.second), field, "given twice");
      src.limb_joint_strength.push_back(js);
      const std::string left = mirror_name(name);
      if (left != name) {
        js.coordinate = left;
        src.limb_joint_strength.push_back(js);
      }
    }
  }
  if (root["lying"]) {
    // Supine and prone are symmetric (each point also on the left); lying on the left side
    // is the mirror image of lying on the right.
    const YAML::Node lying = root["lying"];
    yaml::check_keys(lying, {"supine", "prone", "right_side", "patch", "source"}, file, "lying");
    if (lying["patch"]) {
      const YAML::Node patch = lying["patch"];
      yaml::check_keys(patch, {"half_length_m", "half_width_m", "source"}, file, "lying.patch");
      for (auto [key, to] : {std::pair{"half_length_m", &src.lying_patch_half_length_m},
                             std::pair{"half_width_m", &src.lying_patch_half_width_m}}) {
        const std::string field = std::string("lying.patch.") + key;
        *to = yaml::as_double(yaml::require(patch, key, file, "lying.patch"), file, field);
        if (!(*to >= 0 && *to <= 0.1)) throw InputError(file, yaml::line_of(patch[key]), field, "expected 0 to 0.1 m");
      }
    }
    const char* kinds[] = {"supine", "prone", "right_side"};
    for (int k = 0; k < 3; ++k) {
      const std::string ctx = std::string("lying.") + kinds[k];
      const YAML::Node n = yaml::require(lying, kinds[k], file, "lying");
      yaml::check_keys(n, {"orientation_deg", "contacts", "support", "on_her_body"}, file, ctx);
      auto& out = src.lying[k];
      for (const auto& o : yaml::as_named_numbers(yaml::require(n, "orientation_deg", file, ctx), file, ctx + ".orientation_deg"))
        out.orientation_deg.emplace_back(o.name, o.value);
      auto add = [&](const YAML::Node& list, const std::string& field, std::vector<ModelSource::PointSrc>& to) {
        for (const auto& p : list) {
          const auto point = resolve_point(yaml::as_string(p, file, field), p, field);
          to.push_back(point);
          if (k < 2 && std::abs(point.location_m.z()) > 1e-9) to.push_back({mirror_name(point.body), mirror_point(point.location_m)});
        }
      };
      add(yaml::require(n, "contacts", file, ctx), ctx + ".contacts", out.contacts);
      out.support = out.contacts;
      if (n["support"]) add(n["support"], ctx + ".support", out.support);
      if (n["on_her_body"]) {
        const std::string field = ctx + ".on_her_body";
        if (k < 2) throw InputError(file, yaml::line_of(n["on_her_body"]), field, "only lying on the side has a limb on her body");
        for (const auto& kv : n["on_her_body"]) {
          const std::string spec = yaml::key_of(kv.first, file, field);
          const auto point = resolve_point(spec, kv.second, field + "." + spec);
          const std::string under = yaml::as_string(kv.second, file, field + "." + spec);
          if (find_by_name(src.bodies, under) < 0)
            throw InputError(file, yaml::line_of(kv.second), field + "." + spec, "unknown body '" + under + "'");
          if (under == point.body) throw InputError(file, yaml::line_of(kv.second), field + "." + spec, "a limb cannot lie on itself");
          out.on_body.emplace_back(point, under);
        }
      }
    }
    auto& left = src.lying[3];
    for (const auto& [coord, deg] : src.lying[2].orientation_deg) left.orientation_deg.emplace_back(coord, -deg);
    for (const auto& p : src.lying[2].contacts) left.contacts.push_back({mirror_name(p.body), mirror_point(p.location_m)});
    for (const auto& p : src.lying[2].support) left.support.push_back({mirror_name(p.body), mirror_point(p.location_m)});
    for (const auto& [p, under] : src.lying[2].on_body)
      left.on_body.emplace_back(ModelSource::PointSrc{other_side(p.body), mirror_point(p.location_m)}, other_side(under));
  }
}

// A path of landmark points (plus offsets) on named bodies, as muscles and fascia give it.
std::vector<ModelSource::PointSrc> parse_path(const YAML::Node& list, const std::string& file, const std::string& ctx,
                                              const ModelSource& src) {
  std::vector<ModelSource::PointSrc> path;
  for (const auto& p : list) {
    yaml::check_keys(p, {"body", "landmark", "offset_m"}, file, ctx + ".path");
    ModelSource::PointSrc point;
    point.body = yaml::as_string(yaml::require(p, "body", file, ctx + ".path"), file, ctx + ".path.body");
    const auto body = std::find_if(src.bodies.begin(), src.bodies.end(),
                                   [&](const auto& b) { return b.name == point.body; });
    if (body == src.bodies.end())
      throw InputError(file, yaml::line_of(p["body"]), ctx + ".path.body", "unknown body '" + point.body + "'");
    const std::string mark = yaml::as_string(yaml::require(p, "landmark", file, ctx + ".path"), file, ctx + ".path.landmark");
    auto it = body->landmarks.find(mark);
    if (it == body->landmarks.end())
      throw InputError(file, yaml::line_of(p["landmark"]), ctx + ".path.landmark", "body '" + point.body + "' has no landmark '" + mark + "'");
    point.location_m = it->second;
    if (p["offset_m"]) point.location_m += yaml::as_vector3(p["offset_m"], file, ctx + ".path.offset_m");
    path.push_back(point);
  }
  if (path.size() < 2) throw InputError(file, yaml::line_of(list), ctx + ".path", "a path needs at least two points");
  return path;
}

// Force-elongation curves of passive elements by name: strain breaks and stiffness per range.
struct PassiveCurve {
  std::vector<double> strain_breaks, stiffness_N_per_mm;
};

void parse_passive_elements(const YAML::Node& root, const std::string& file, ModelSource& src) {
  const std::string ctx0 = "passive_elements";
  yaml::check_keys(root, {"curves", "levels", "level_source", "level_stiffness_factors", "level_stiffness_source", "ligaments",
                          "strands", "source"},
                   file, ctx0);
  std::map<std::string, PassiveCurve> curves;
  for (const auto& kv : yaml::require(root, "curves", file, ctx0)) {
    const std::string name = yaml::key_of(kv.first, file);
    const std::string ctx = ctx0 + ".curves." + name;
    yaml::check_keys(kv.second, {"strain_breaks", "stiffness_N_per_mm", "source"}, file, ctx);
    PassiveCurve c;
    for (const auto& v : yaml::require(kv.second, "strain_breaks", file, ctx)) c.strain_breaks.push_back(yaml::as_double(v, file, ctx + ".strain_breaks"));
    for (const auto& v : yaml::require(kv.second, "stiffness_N_per_mm", file, ctx))
      c.stiffness_N_per_mm.push_back(yaml::as_double(v, file, ctx + ".stiffness_N_per_mm"));
    bool ok = !c.strain_breaks.empty() && c.strain_breaks.size() == c.stiffness_N_per_mm.size() && c.strain_breaks[0] == 0;
    for (std::size_t i = 0; ok && i < c.strain_breaks.size(); ++i)
      ok = c.stiffness_N_per_mm[i] >= 0 && (i == 0 || c.strain_breaks[i] > c.strain_breaks[i - 1]);
    if (!ok)
      throw InputError(file, yaml::line_of(kv.second), ctx,
                       "strain_breaks must start at 0 and rise, with one non-negative stiffness per break");
    curves[name] = c;
  }
  // A resting strain beyond this would make the slack length meaningless (build.cpp divides
  // the rest length by 1 + strain): checked as read and again after a level's factor.
  auto neutral_strain_ok = [](double s) { return s > -0.5 && s < 0.5; };
  auto element = [&](const YAML::Node& n, const std::string& ctx, ModelSource::PassiveSrc& e) {
    e.group = yaml::as_string(yaml::require(n, "group", file, ctx), file, ctx + ".group");
    const std::string curve = yaml::as_string(yaml::require(n, "curve", file, ctx), file, ctx + ".curve");
    const auto it = curves.find(curve);
    if (it == curves.end()) throw InputError(file, yaml::line_of(n["curve"]), ctx + ".curve", "unknown curve '" + curve + "'");
    e.strain_breaks = it->second.strain_breaks;
    e.stiffness_N_per_mm = it->second.stiffness_N_per_mm;
    if (n["neutral_strain"]) e.neutral_strain = yaml::as_double(n["neutral_strain"], file, ctx + ".neutral_strain");
    if (!neutral_strain_ok(e.neutral_strain))
      throw InputError(file, yaml::line_of(n), ctx + ".neutral_strain", "must lie between -0.5 and 0.5");
  };
  auto add = [&](ModelSource::PassiveSrc e, bool both_sides) {
    if (!both_sides) {
      src.passive_elements.push_back(e);
      return;
    }
    ModelSource::PassiveSrc left = e;
    for (auto& p : left.path) {
      p.body = mirror_name(p.body);
      p.location_m = mirror_point(p.location_m);
    }
    e.name += "_r";
    left.name += "_l";
    src.passive_elements.push_back(e);
    src.passive_elements.push_back(left);
  };
  // Ligaments of one motion segment, repeated at every listed level: two points given in the
  // level's disc frame (x anterior along the mid-plane, y along its normal, z to her right),
  // the lower on the vertebra below, the upper on the vertebra above.
  if (root["ligaments"]) {
    std::vector<const ModelSource::JointSrc*> levels;
    for (const auto& l : yaml::require(root, "levels", file, ctx0)) {
      const std::string name = yaml::as_string(l, file, ctx0 + ".levels");
      const auto j = std::find_if(src.joints.begin(), src.joints.end(), [&](const auto& x) { return x.name == name; });
      if (j == src.joints.end() || !j->intervertebral)
        throw InputError(file, yaml::line_of(l), ctx0 + ".levels", "'" + name + "' is not a spinal joint of the model");
      levels.push_back(&*j);
    }
    // A level's ligaments may be stiffer or softer than the curve's (a segment whose own range
    // is smaller reaches its limit at a smaller angle).
    std::map<std::string, double> factor;
    if (const auto f = root["level_stiffness_factors"])
      for (const auto& kv : f) {
        const std::string name = yaml::key_of(kv.first, file), ctx = ctx0 + ".level_stiffness_factors." + name;
        if (std::none_of(levels.begin(), levels.end(), [&](const auto* j) { return j->name == name; }))
          throw InputError(file, yaml::line_of(kv.second), ctx, "'" + name + "' is not one of the listed levels");
        const double v = yaml::as_double(kv.second, file, ctx);
        if (!(v > 0 && v < 10)) throw InputError(file, yaml::line_of(kv.second), ctx, "expected a factor between 0 and 10");
        factor[name] = v;
      }
    for (const auto& n : root["ligaments"]) {
      const std::string ctx = ctx0 + ".ligaments[" + (n["name"] ? yaml::as_string(n["name"], file, "name") : std::string("?")) + "]";
      yaml::check_keys(n, {"name", "group", "curve", "neutral_strain", "below_m", "above_m", "both_sides", "source"}, file, ctx);
      const std::string base = yaml::as_string(yaml::require(n, "name", file, ctx), file, ctx + ".name");
      const Eigen::Vector3d below = yaml::as_vector3(yaml::require(n, "below_m", file, ctx), file, ctx + ".below_m");
      const Eigen::Vector3d above = yaml::as_vector3(yaml::require(n, "above_m", file, ctx), file, ctx + ".above_m");
      const bool both = n["both_sides"] && yaml::as_bool(n["both_sides"], file, ctx + ".both_sides");
      for (const auto* j : levels) {
        ModelSource::PassiveSrc e;
        element(n, ctx, e);
        e.name = base + "_" + j->name;
        // The curve compressed in strain by the level's factor as well as stiffened: then at
        // the same share of each level's range (elongation in proportion to the range) every
        // level's ligament is at the same point of its curve and pulls as hard.
        if (const auto f = factor.find(j->name); f != factor.end()) {
          for (double& k : e.stiffness_N_per_mm) k *= f->second;
          for (double& s : e.strain_breaks) s /= f->second;
          e.neutral_strain /= f->second;
          if (!neutral_strain_ok(e.neutral_strain))
            throw InputError(file, yaml::line_of(root["level_stiffness_factors"][j->name]),
                             ctx0 + ".level_stiffness_factors." + j->name,
                             "takes " + base + "'s neutral_strain beyond -0.5 to 0.5 at this level");
        }
        const double t = j->disc_tilt_deg * kDeg;
        const Eigen::Vector3d anterior(std::cos(t), -std::sin(t), 0), normal(std::sin(t), std::cos(t), 0);
        auto at = [&](const Eigen::Vector3d& d) { return Eigen::Vector3d(j->centre_m + d.x() * anterior + d.y() * normal + d.z() * Eigen::Vector3d::UnitZ()); };
        e.path = {{j->parent, at(below)}, {j->child, at(above)}};
        add(e, both);
      }
    }
  }
  // Elements with a path of their own across several levels (thoracolumbar fascia).
  if (root["strands"])
    for (const auto& n : root["strands"]) {
      const std::string ctx = ctx0 + ".strands[" + (n["name"] ? yaml::as_string(n["name"], file, "name") : std::string("?")) + "]";
      yaml::check_keys(n, {"name", "group", "curve", "neutral_strain", "path", "both_sides", "source"}, file, ctx);
      ModelSource::PassiveSrc e;
      element(n, ctx, e);
      e.name = yaml::as_string(yaml::require(n, "name", file, ctx), file, ctx + ".name");
      e.path = parse_path(yaml::require(n, "path", file, ctx), file, ctx, src);
      add(e, n["both_sides"] && yaml::as_bool(n["both_sides"], file, ctx + ".both_sides"));
    }
  std::set<std::string> names;
  for (const auto& e : src.passive_elements)
    if (!names.insert(e.name).second) throw InputError(file, yaml::line_of(root), ctx0, "duplicate passive element '" + e.name + "'");
}

void parse_muscles_yaml(const YAML::Node& root, const std::string& file, ModelSource& src) {
  yaml::check_keys(root, {"max_stress_Pa", "max_stress_source", "resting_activation", "resting_activation_source",
                          "extension_mvc_share", "extension_mvc_share_source", "passive_fibres", "muscles",
                          "abdominal_pressure", "passive_elements", "sources"},
                   file, "");
  src.max_stress_Pa = yaml::as_double(yaml::require(root, "max_stress_Pa", file, ""), file, "max_stress_Pa");
  if (root["resting_activation"]) {
    src.resting_activation = yaml::as_double(root["resting_activation"], file, "resting_activation");
    if (!(src.resting_activation >= 0 && src.resting_activation < 0.2))
      throw InputError(file, yaml::line_of(root["resting_activation"]), "resting_activation", "expected 0 to 0.2");
  }
  if (root["extension_mvc_share"])
    for (const auto& n : yaml::as_named_numbers(root["extension_mvc_share"], file, "extension_mvc_share")) {
      if (!(n.value > 0 && n.value <= 1)) throw InputError(file, n.line, "extension_mvc_share." + n.name, "a share lies in (0, 1]");
      if (std::none_of(src.joints.begin(), src.joints.end(), [&](const auto& j) { return j.name == n.name; }))
        throw InputError(file, n.line, "extension_mvc_share." + n.name, "no joint of that name in model.yaml");
      src.extension_mvc_share[n.name] = n.value;
    }
  // Passive tension of stretched fibres: Thelen's curve, per muscle group the fibres' share
  // of the path length at the passive neutral.
  std::map<std::string, double> fibre_fraction;
  if (const auto pf = root["passive_fibres"]) {
    const std::string ctx = "passive_fibres";
    yaml::check_keys(pf, {"kshape_passive", "strain_at_max", "source", "groups", "groups_source"}, file, ctx);
    src.passive_kshape = yaml::as_double(yaml::require(pf, "kshape_passive", file, ctx), file, ctx + ".kshape_passive");
    src.passive_strain_at_max = yaml::as_double(yaml::require(pf, "strain_at_max", file, ctx), file, ctx + ".strain_at_max");
    if (!(src.passive_kshape > 0) || !(src.passive_strain_at_max > 0))
      throw InputError(file, yaml::line_of(pf), ctx, "kshape_passive and strain_at_max must be positive");
    for (const auto& g : yaml::as_named_numbers(yaml::require(pf, "groups", file, ctx), file, ctx + ".groups")) {
      if (!(g.value > 0 && g.value <= 1)) throw InputError(file, g.line, ctx + ".groups." + g.name, "a fibre fraction lies in (0, 1]");
      fibre_fraction[g.name] = g.value;
    }
  }
  std::set<std::string> names;
  for (const auto& m : yaml::require(root, "muscles", file, "")) {
    const std::string ctx = "muscles[" + (m["name"] ? yaml::as_string(m["name"], file, "name") : std::string("?")) + "]";
    yaml::check_keys(m, {"name", "group", "both_sides", "pcsa_cm2", "path", "source"}, file, ctx);
    ModelSource::MuscleSrc muscle;
    muscle.name = yaml::as_string(yaml::require(m, "name", file, ctx), file, ctx + ".name");
    muscle.group = yaml::as_string(yaml::require(m, "group", file, ctx), file, ctx + ".group");
    muscle.pcsa_cm2 = yaml::as_double(yaml::require(m, "pcsa_cm2", file, ctx), file, ctx + ".pcsa_cm2");
    if (muscle.pcsa_cm2 <= 0) throw InputError(file, yaml::line_of(m["pcsa_cm2"]), ctx + ".pcsa_cm2", "must be positive");
    muscle.path = parse_path(yaml::require(m, "path", file, ctx), file, ctx, src);
    if (const auto it = fibre_fraction.find(muscle.group); it != fibre_fraction.end()) muscle.fibre_fraction = it->second;
    const bool both = m["both_sides"] && yaml::as_bool(m["both_sides"], file, ctx + ".both_sides");
    if (both) {
      ModelSource::MuscleSrc left = mirrored(muscle);
      muscle.name += "_r";
      left.name += "_l";
      src.muscles.push_back(muscle);
      src.muscles.push_back(left);
    } else {
      src.muscles.push_back(muscle);
    }
    if (!names.insert(src.muscles.back().name).second)
      throw InputError(file, yaml::line_of(m), ctx + ".name", "duplicate muscle name");
  }
  if (root["passive_elements"]) parse_passive_elements(root["passive_elements"], file, src);
  if (const auto ap = root["abdominal_pressure"]) {
    const std::string ctx = "abdominal_pressure";
    yaml::check_keys(ap, {"path", "area_cm2", "wall_radius_m", "wall_height_m", "transversus_pcsa_cm2", "diaphragm_max_kPa",
                          "pelvic_floor_max_kPa", "contents_density_kg_m3", "contents_density_source", "source",
                          "diaphragm_source", "pelvic_floor_source", "wall_groups", "wall_source"},
                     file, ctx);
    ModelSource::PressureSrc p;
    p.path = parse_path(yaml::require(ap, "path", file, ctx), file, ctx, src);
    if (p.path.size() != 2) throw InputError(file, yaml::line_of(ap["path"]), ctx + ".path", "give two points: pelvic floor, diaphragm");
    auto positive = [&](const char* key, double& out) {
      out = yaml::as_double(yaml::require(ap, key, file, ctx), file, ctx + "." + key);
      if (!(out > 0)) throw InputError(file, yaml::line_of(ap[key]), ctx + "." + key, "must be positive");
    };
    positive("area_cm2", p.area_cm2);
    positive("wall_radius_m", p.wall_radius_m);
    positive("wall_height_m", p.wall_height_m);
    positive("transversus_pcsa_cm2", p.transversus_pcsa_cm2);
    positive("diaphragm_max_kPa", p.diaphragm_max_kPa);
    positive("pelvic_floor_max_kPa", p.pelvic_floor_max_kPa);
    if (ap["contents_density_kg_m3"]) positive("contents_density_kg_m3", p.contents_density_kg_m3);
    if (const auto wall = ap["wall_groups"]) {
      if (!wall.IsSequence()) throw InputError(file, yaml::line_of(wall), ctx + ".wall_groups", "expected a list of muscle groups");
      for (std::size_t i = 0; i < wall.size(); ++i) {
        const std::string field = ctx + ".wall_groups[" + std::to_string(i) + "]";
        const std::string group = yaml::as_string(wall[i], file, field);
        if (std::none_of(src.muscles.begin(), src.muscles.end(), [&](const auto& m) { return m.group == group; }))
          throw InputError(file, yaml::line_of(wall[i]), field, "no muscle is in group '" + group + "'");
        p.wall_groups.push_back(group);
      }
    }
    src.abdominal_pressure = p;
  }
}

// Names resolved to indices once, and the topology of the reference build kept, so that
// building a subject's model is arithmetic (a cohort builds one per subject).
void resolve_structure(ModelSource& src) {
  auto resolve = [&](std::vector<ModelSource::PointSrc>& points) {
    for (auto& p : points) p.body_index = find_by_name(src.bodies, p.body);
  };
  for (auto& m : src.muscles) resolve(m.path);
  for (auto& e : src.passive_elements) resolve(e.path);
  if (src.abdominal_pressure) resolve(src.abdominal_pressure->path);
  for (auto* v : {&src.standing_support, &src.seated_support, &src.kneeling_support, &src.backrest_contacts}) resolve(*v);
  for (auto& l : src.lying) {
    resolve(l.contacts);
    resolve(l.support);
    for (auto& [p, under] : l.on_body) p.body_index = find_by_name(src.bodies, p.body);
  }
  const auto reference = build(src, src.reference_height_m, src.reference_mass_kg, {}, false);
  auto t = std::make_shared<ModelSource::Topology>();
  for (const Joint& j : reference->joints) {
    t->in_subtree.push_back(j.in_subtree);
    t->crossings.push_back(j.crossings);
    t->passive_crossings.push_back(j.passive_crossings);
  }
  for (const Body& b : reference->bodies) t->ancestor_q.push_back(b.ancestor_q);
  src.topology = t;
}

}  // namespace

std::shared_ptr<const ModelSource> parse_model_source(const std::string& model_yaml,
                                                      const std::string& model_file,
                                                      const std::string& muscles_yaml,
                                                      const std::string& muscles_file) {
  auto src = std::make_shared<ModelSource>();
  parse_model_yaml(yaml::parse(model_yaml, model_file), model_file, *src);
  parse_muscles_yaml(yaml::parse(muscles_yaml, muscles_file), muscles_file, *src);
  resolve_structure(*src);
  return src;
}

std::shared_ptr<const ModelSource> load_model_source(const std::string& directory) {
  const std::filesystem::path dir(directory);
  const std::string model_file = (dir / "model.yaml").string();
  const std::string muscles_file = (dir / "muscles.yaml").string();
  return parse_model_source(yaml::read_text_file(model_file), model_file,
                            yaml::read_text_file(muscles_file), muscles_file);
}

std::shared_ptr<const ModelSource> default_model_source() {
  // Parsed once: immutable data shared by every thread.
  static const std::shared_ptr<const ModelSource> source =
      parse_model_source(std::string(embedded::female_adult_model_yaml()), "female-adult/model.yaml",
                         std::string(embedded::female_adult_muscles_yaml()), "female-adult/muscles.yaml");
  return source;
}

double default_height_m(const ModelSource& s) { return s.default_height_m; }
double default_mass_kg(const ModelSource& s) { return s.default_mass_kg; }
double default_age_years(const ModelSource& s) { return s.default_age_years; }

}  // namespace spineload
