#include "model/model.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <set>

#include "common/errors.hpp"
#include "io/yaml_util.hpp"
#include "model/embedded_data.hpp"
#include "model/model_source.hpp"
#include "multibody/system.hpp"

namespace spineload {

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

// Left twin of a right-side name: "_r_" -> "_l_", trailing "_r" -> "_l".
std::string mirror_name(std::string s) {
  for (std::size_t p = s.find("_r_"); p != std::string::npos; p = s.find("_r_", p + 3))
    s.replace(p, 3, "_l_");
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, "_r") == 0) s[s.size() - 1] = 'l';
  return s;
}
Eigen::Vector3d mirror_point(const Eigen::Vector3d& p) { return {p.x(), p.y(), -p.z()}; }
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
                          "intradiscal_pressure"},
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
  if (root["lying"]) {
    // Supine and prone are symmetric (each point also on the left); lying on the left side
    // is the mirror image of lying on the right.
    const YAML::Node lying = root["lying"];
    yaml::check_keys(lying, {"supine", "prone", "right_side", "source"}, file, "lying");
    const char* kinds[] = {"supine", "prone", "right_side"};
    for (int k = 0; k < 3; ++k) {
      const std::string ctx = std::string("lying.") + kinds[k];
      const YAML::Node n = yaml::require(lying, kinds[k], file, "lying");
      yaml::check_keys(n, {"orientation_deg", "contacts", "support"}, file, ctx);
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
    }
    auto& left = src.lying[3];
    for (const auto& [coord, deg] : src.lying[2].orientation_deg) left.orientation_deg.emplace_back(coord, -deg);
    for (const auto& p : src.lying[2].contacts) left.contacts.push_back({mirror_name(p.body), mirror_point(p.location_m)});
    for (const auto& p : src.lying[2].support) left.support.push_back({mirror_name(p.body), mirror_point(p.location_m)});
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
  auto element = [&](const YAML::Node& n, const std::string& ctx, ModelSource::PassiveSrc& e) {
    e.group = yaml::as_string(yaml::require(n, "group", file, ctx), file, ctx + ".group");
    const std::string curve = yaml::as_string(yaml::require(n, "curve", file, ctx), file, ctx + ".curve");
    const auto it = curves.find(curve);
    if (it == curves.end()) throw InputError(file, yaml::line_of(n["curve"]), ctx + ".curve", "unknown curve '" + curve + "'");
    e.strain_breaks = it->second.strain_breaks;
    e.stiffness_N_per_mm = it->second.stiffness_N_per_mm;
    if (n["neutral_strain"]) e.neutral_strain = yaml::as_double(n["neutral_strain"], file, ctx + ".neutral_strain");
    if (!(e.neutral_strain > -0.5 && e.neutral_strain < 0.5))
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
        if (const auto f = factor.find(j->name); f != factor.end())
          for (double& k : e.stiffness_N_per_mm) k *= f->second;
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
                          "pelvic_floor_max_kPa", "source", "diaphragm_source", "pelvic_floor_source"},
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
    src.abdominal_pressure = p;
  }
}

template <class T>
int find_by_name(const std::vector<T>& v, const std::string& name) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i].name == name) return static_cast<int>(i);
  return -1;
}

std::shared_ptr<const Model> build(const ModelSource& src, double height_m, double mass_kg, const ModelAdjustments& adj,
                                   bool with_multibody);

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

int Model::body_index(const std::string& n) const { return find_by_name(bodies, n); }
int Model::joint_index(const std::string& n) const { return find_by_name(joints, n); }
int Model::coordinate_index(const std::string& n) const { return find_by_name(coordinates, n); }
int Model::rhythm_index(const std::string& n) const { return find_by_name(rhythms, n); }
int Model::muscle_index(const std::string& n) const { return find_by_name(muscles, n); }
int Model::frame_index(const std::string& n) const { return find_by_name(frames, n); }
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
}

// Body poses at the passive neutral (every coordinate at its joint's neutral angle), by the
// same body-fixed rotation sequence the kinematics stage uses; the model stage cannot call
// that stage, and only still poses of a handful of bodies are needed.
std::vector<Eigen::Isometry3d> neutral_poses(const Model& model) {
  std::vector<Eigen::Isometry3d> pose(model.bodies.size());
  for (std::size_t b = 0; b < model.bodies.size(); ++b) {
    const Joint& joint = model.joints[b];
    Eigen::Isometry3d x = joint.parent_body < 0 ? Eigen::Isometry3d::Identity() : pose[joint.parent_body];
    x.translate(joint.location_in_parent_m);
    for (int c : joint.coordinates)
      x.rotate(Eigen::AngleAxisd(model.coordinates[c].stiffness.neutral_rad, model.coordinates[c].axis));
    pose[b] = x;
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

double factor_for(const std::vector<std::pair<std::string, double>>& list, const std::string& key) {
  double f = 1;
  for (const auto& [k, v] : list)
    if (k == key) f *= v;
  return f;
}

}  // namespace

// Per muscle and passive element, from the joints' crossing lists: the coordinates its path
// crosses and the crossings themselves (muscle geometry computes generalised forces there).
static void note_path_crossings(Model& model) {
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
      for (int q : joint.coordinates) path_owner.crosses_q[model.coordinates[q].mb_index] = 1;
      path_owner.crossings.push_back({static_cast<int>(j), c.segment, c.sign});
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

namespace {
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

// Writes the model for this subject into `model`. When it already holds a model built from
// the same source (a cohort thread rebuilding for its next subject), its vectors and
// strings are overwritten in place, so the rebuild allocates nothing; otherwise it is
// filled from empty. Either way every field a source-built model has is written.
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
  model.name = src.name;
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

  double fraction_sum = 0;
  for (const auto& b : src.bodies) fraction_sum += b.mass_fraction;

  std::vector<Eigen::Vector3d> origin_ref(nb);  // body origin, reference ground frame
  std::vector<mb::BodySpec> specs;              // only for the Simbody system
  if (with_multibody) specs.resize(nb);
  model.bodies.resize(nb);
  model.joints.resize(nb);
  std::size_t nc = 0;  // coordinates written so far
  for (std::size_t k = 0; k < nb; ++k) {
    const auto& b = src.bodies[k];
    const auto& j = src.joints[joint_of_body[k]];
    origin_ref[k] = j.centre_m;
    Body& body = model.bodies[k];
    body.name = b.name;
    body.parent_joint = static_cast<int>(k);
    // Normalised so the segments sum to the subject's mass exactly (de Leva's sum 0.9999).
    body.mass_kg = mass_kg * b.mass_fraction / fraction_sum;
    body.com_m = s * (b.com_m - j.centre_m);
    const double len = s * b.gyration_length_m;
    body.inertia_kg_m2 = body.mass_kg * (b.gyration_r * len).cwiseAbs2();

    Joint& joint = model.joints[k];
    joint.name = j.name;
    joint.child_body = static_cast<int>(k);
    joint.parent_body = parent_of[k];
    joint.location_in_parent_m =
        joint.parent_body < 0 ? Eigen::Vector3d(s * j.centre_m)
                              : Eigen::Vector3d(s * (j.centre_m - origin_ref[joint.parent_body]));
    joint.intervertebral = j.intervertebral;
    joint.disc_tilt_rad = j.disc_tilt_deg * kDeg;
    joint.column_share = j.column_share;
    joint.coordinates.clear();
    for (const auto& c : j.coordinates) {
      if (validate)
        for (std::size_t i = 0; i < nc; ++i)
          if (model.coordinates[i].name == c.name)
            throw InputError(where, 0, "joints." + j.name, "duplicate coordinate '" + c.name + "'");
      if (model.coordinates.size() <= nc) model.coordinates.emplace_back();
      Coordinate& coord = model.coordinates[nc];
      coord.name = c.name;
      coord.joint = static_cast<int>(k);
      coord.axis = c.axis;
      coord.min_rad = c.min_deg * kDeg;
      coord.max_rad = c.max_deg * kDeg;
      coord.stiffness.positive_Nm_per_rad = c.stiffness_per_deg.positive_Nm_per_rad / kDeg;
      coord.stiffness.negative_Nm_per_rad = c.stiffness_per_deg.negative_Nm_per_rad / kDeg;
      coord.stiffness.neutral_rad = c.stiffness_per_deg.neutral_rad * kDeg;
      joint.coordinates.push_back(static_cast<int>(nc++));
    }
    if (validate && j.coordinates.size() == 3) {
      Eigen::Matrix3d r;
      r << j.coordinates[0].axis, j.coordinates[1].axis, j.coordinates[2].axis;
      if ((r.transpose() * r - Eigen::Matrix3d::Identity()).norm() > 1e-9 || r.determinant() < 0)
        throw InputError(where, 0, "joints." + j.name + ".coordinates",
                         "the three axes must be orthogonal and right-handed");
    }
  }
  model.coordinates.resize(nc);

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

  // Simbody numbers q body by body in the order the bodies were added, each joint's in
  // axis order: the static model numbers them the same way.
  std::vector<int> q_start(nb, 0);
  if (with_multibody) {
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
  for (std::size_t c = 0; c < nc; ++c) {
    Coordinate& coord = model.coordinates[c];
    const Joint& joint = model.joints[coord.joint];
    const auto pos = std::find(joint.coordinates.begin(), joint.coordinates.end(), static_cast<int>(c));
    coord.mb_index = q_start[joint.child_body] + static_cast<int>(pos - joint.coordinates.begin());
  }

  model.rhythms.resize(src.rhythms.size());
  for (std::size_t i = 0; i < src.rhythms.size(); ++i) {
    const auto& r = src.rhythms[i];
    Rhythm& rhythm = model.rhythms[i];
    rhythm.name = r.name;
    rhythm.min_rad = r.min_deg * kDeg;
    rhythm.max_rad = r.max_deg * kDeg;
    rhythm.ratios.clear();
    for (const auto& [name, ratio] : r.ratios) {
      const int c = model.coordinate_index(name);
      if (c < 0) throw InputError(where, 0, "rhythms." + r.name, "unknown coordinate '" + name + "'");
      rhythm.ratios.emplace_back(c, ratio);
    }
  }

  auto to_body = [&](const ModelSource::PointSrc& p, PathPoint& point) {
    const int b = p.body_index >= 0 ? p.body_index : model.body_index(p.body);
    point.body = b;
    point.location_m = s * (p.location_m - origin_ref[b]);
  };
  auto points = [&](const std::vector<ModelSource::PointSrc>& from, std::vector<PathPoint>& to) {
    to.resize(from.size());
    for (std::size_t k = 0; k < from.size(); ++k) to_body(from[k], to[k]);
  };
  const double pcsa_scale = (mass_kg / src.reference_mass_kg) / s;
  model.muscles.resize(src.muscles.size() + (src.abdominal_pressure ? 1 : 0));
  for (std::size_t i = 0; i < src.muscles.size(); ++i) {
    const auto& m = src.muscles[i];
    Muscle& muscle = model.muscles[i];
    muscle.name = m.name;
    muscle.group = m.group;
    // A capacity given for a muscle's base name (without _l/_r) applies to both sides.
    const double per_muscle = adj.muscle_capacity.empty()
                                  ? 1.0
                                  : factor_for(adj.muscle_capacity, m.name) *
                                        factor_for(adj.muscle_capacity, m.name.substr(0, m.name.size() - 2));
    muscle.pcsa_m2 = m.pcsa_cm2 * 1e-4 * pcsa_scale * adj.trunk_strength_factor *
                     factor_for(adj.group_capacity, m.group) * per_muscle;
    muscle.max_stress_Pa = src.max_stress_Pa;
    muscle.min_activation = src.resting_activation;
    const bool left = m.name.size() > 2 && m.name.compare(m.name.size() - 2, 2, "_l") == 0;
    muscle.path.resize(m.path.size());
    for (std::size_t k = 0; k < m.path.size(); ++k) {
      ModelSource::PointSrc p = m.path[k];
      if (k > 0 && k + 1 < m.path.size())
        for (const auto& [group, shift] : adj.group_via_shift_m)
          if (group == m.group) p.location_m += left ? mirror_point(shift) : shift;
      to_body(p, muscle.path[k]);
    }
  }
  model.abdominal_pressure_muscle = -1;
  model.abdominal_pressure_area_m2 = 0;
  if (src.abdominal_pressure) {
    // The transversus on each side carries the hoop tension P R over the wall's height h, so
    // its force F gives P = F / (R h) and the push P A: as a muscle of PCSA A / (R h) times
    // the transversus PCSA (A / (R h) does not change with scale; the PCSA scales as any).
    const auto& ap = *src.abdominal_pressure;
    const int k = static_cast<int>(src.muscles.size());
    Muscle& m = model.muscles[k];
    m.name = "IAP";
    m.group = "abdominal_pressure";
    m.pushes = true;
    // Its cost: both transversus sides at activation a, and the diaphragm and pelvic floor,
    // which must hold the same pressure above (against the open thorax) and below, at
    // P / their maximal pressure = a Pmax / Pmax,muscle.
    const double p_max_kPa = 1e-3 * ap.transversus_pcsa_cm2 * 1e-4 * src.max_stress_Pa / (ap.wall_radius_m * ap.wall_height_m);
    m.cost_weight = 2 + std::pow(p_max_kPa / ap.diaphragm_max_kPa, 2) + std::pow(p_max_kPa / ap.pelvic_floor_max_kPa, 2);
    m.passive = false;
    m.pcsa_m2 = ap.transversus_pcsa_cm2 * 1e-4 * pcsa_scale * adj.trunk_strength_factor *
                factor_for(adj.group_capacity, m.group) * (ap.area_cm2 * 1e-4) / (ap.wall_radius_m * ap.wall_height_m);
    m.max_stress_Pa = src.max_stress_Pa;
    points(ap.path, m.path);
    model.abdominal_pressure_muscle = k;
    model.abdominal_pressure_area_m2 = ap.area_cm2 * 1e-4 * s * s;
  }
  model.passive_elements.resize(src.passive_elements.size());
  for (std::size_t i = 0; i < src.passive_elements.size(); ++i) {
    const auto& e = src.passive_elements[i];
    PassiveElement& el = model.passive_elements[i];
    el.name = e.name;
    el.group = e.group;
    points(e.path, el.path);
    el.strain_breaks = e.strain_breaks;
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
  for (int k = 0; k < 4; ++k) {
    model.lying[k].orientation_rad.clear();
    for (const auto& [coord, deg] : src.lying[k].orientation_deg) {
      const int c = model.coordinate_index(coord);
      if (c < 0) throw InputError(src.name, 0, "lying.orientation_deg", "unknown coordinate '" + coord + "'");
      model.lying[k].orientation_rad.emplace_back(c, deg * std::numbers::pi / 180);
    }
    points(src.lying[k].contacts, model.lying[k].contacts);
    points(src.lying[k].support, model.lying[k].support);
  }

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
}

std::shared_ptr<const Model> build(const ModelSource& src, double height_m, double mass_kg, const ModelAdjustments& adj,
                                   bool with_multibody) {
  auto model = std::make_shared<Model>();
  build_into(src, height_m, mass_kg, adj, with_multibody, *model);
  return model;
}

}  // namespace

}  // namespace spineload
