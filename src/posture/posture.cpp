#include "posture/posture.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numbers>

#include "common/errors.hpp"
#include "io/yaml_util.hpp"
#include "model/embedded_data.hpp"

namespace spineload {

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

struct Setting {
  double value_deg = 0;
  int line = 0;
};
using Settings = std::map<std::string, Setting>;

void read_angles(const YAML::Node& node, const std::string& file, const std::string& field,
                 const std::vector<std::string>& known, Settings& out) {
  if (!node) return;
  if (!node.IsMap()) throw InputError(file, yaml::line_of(node), field, "expected a mapping of name: degrees");
  for (const auto& kv : node) {
    const std::string name = yaml::key_of(kv.first, file, field);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string msg = "unknown name '" + name + "'";
      const std::string guess = yaml::nearest(name, known);
      if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
      throw InputError(file, yaml::line_of(kv.first), field + "." + name, msg);
    }
    out[name] = {yaml::as_double(kv.second, file, field + "." + name), yaml::line_of(kv.second)};
  }
}

Support parse_support(const YAML::Node& node, const std::string& file, const std::string& field) {
  const std::string s = yaml::as_string(node, file, field);
  std::string names;
  for (Support k : kAllSupports) {
    if (s == support_name(k)) return k;
    names += (names.empty() ? "" : ", ") + std::string(support_name(k));
  }
  throw InputError(file, yaml::line_of(node), field, "expected one of " + names + "; got '" + s + "'");
}

std::string fmt_deg(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// `field` names the frame ("frames[3]") or is empty for a single posture.
Eigen::VectorXd resolve(const Model& model, const Settings& coords, const Settings& rhythms,
                        const std::string& file, const std::string& field) {
  const std::string prefix = field.empty() ? "" : field + ".";
  Eigen::VectorXd q = Eigen::VectorXd::Zero(static_cast<int>(model.coordinates.size()));
  std::vector<std::string> source(model.coordinates.size());
  std::vector<int> line(model.coordinates.size(), 0);
  for (const auto& [name, s] : coords) {
    const int c = model.coordinate_index(name);
    q[c] += s.value_deg * kDeg;
    source[c] = "set to " + fmt_deg(s.value_deg) + " deg";
    line[c] = s.line;
  }
  for (const auto& [name, s] : rhythms) {
    const Rhythm& r = model.rhythms[model.rhythm_index(name)];
    const double v = s.value_deg * kDeg;
    if (v < r.min_rad - 1e-12 || v > r.max_rad + 1e-12)
    {
      char buf[200];
      std::snprintf(buf, sizeof buf, "impossible posture: driver %g deg is outside its range %g to %g deg",
                    s.value_deg, r.min_rad / kDeg, r.max_rad / kDeg);
      throw InputError(file, s.line, prefix + "rhythms." + name, buf);
    }
    for (const auto& [c, ratio] : r.ratios) {
      q[c] += ratio * v;
      source[c] += (source[c].empty() ? "" : " plus ") + std::string("rhythm ") + name + " " +
                   fmt_deg(s.value_deg) + " deg";
      if (line[c] == 0) line[c] = s.line;
    }
  }
  for (std::size_t c = 0; c < model.coordinates.size(); ++c) {
    const Coordinate& coord = model.coordinates[c];
    if (q[c] < coord.min_rad - 1e-9 || q[c] > coord.max_rad + 1e-9) {
      char buf[256];
      std::snprintf(buf, sizeof buf, "impossible posture: %s = %.1f deg (%s) is outside its range %.0f to %.0f deg",
                    coord.name.c_str(), q[c] / kDeg, source[c].c_str(), coord.min_rad / kDeg, coord.max_rad / kDeg);
      throw InputError(file, line[c], prefix + "coordinates." + coord.name, buf);
    }
  }
  return q;
}

// A pushing support at a point, with its friction cone's two sagittal edges when mu > 0.
// `max_normal_N` bounds the push along the normal (each cone edge takes half of it).
void add_contact(std::vector<Contact>& out, const std::string& label, int body, const Eigen::Vector3d& point,
                 const Eigen::Vector3d& normal, double mu, const Eigen::Vector3d& plane_normal = Eigen::Vector3d::Zero(),
                 double cushion_m = 0, double max_normal_N = INFINITY) {
  if (mu <= 0) {
    out.push_back({label, body, point, normal, plane_normal, cushion_m, max_normal_N});
    return;
  }
  const Eigen::Vector3d tangent(-normal.y(), normal.x(), 0);
  const double edge_max = 0.5 * max_normal_N * std::sqrt(1 + mu * mu);  // normal part of an edge: 1 / sqrt(1 + mu^2)
  out.push_back({label + " (friction up)", body, point, (normal + mu * tangent).normalized(), plane_normal, cushion_m, edge_max});
  out.push_back({label + " (friction down)", body, point, (normal - mu * tangent).normalized(), plane_normal, cushion_m, edge_max});
}

// The weight of a limb from `body` outward (the body and everything its joint carries): what
// a support under a resting limb carries (she lets the limb lie on it, she does not push).
double limb_weight_N(const Model& model, int body) {
  double kg = 0;
  for (std::size_t k = 0; k < model.bodies.size(); ++k)
    if (model.joints[body].in_subtree[k]) kg += model.bodies[k].mass_kg;
  return kg * model.gravity_m_s2.norm();
}

double friction_of(const YAML::Node& n, const std::string& file, const std::string& field, double fallback) {
  if (!n["friction"]) return fallback;
  const double mu = yaml::as_double(n["friction"], file, field + ".friction");
  if (!(mu >= 0 && mu <= 1.5)) throw InputError(file, yaml::line_of(n["friction"]), field + ".friction", "expected 0 to 1.5");
  return mu;
}

Eigen::Vector3d hand_grip_point(const Model& model, int hand_body) {
  // The grip is the hand's mass centre (de Leva's hand COM lies mid-palm).
  return model.bodies[hand_body].com_m;
}

}  // namespace

Posture parse_posture(const Model& model, const YAML::Node& root, const std::string& file) {
  yaml::check_keys(root, {"name", "description", "support", "backrest", "arm_rest", "rhythms", "coordinates", "loads",
                          "frames", "smoothing_hz", "predict", "keyframes", "sample_hz"},
                   file, "");
  Posture p;
  p.name = root["name"] ? yaml::as_string(root["name"], file, "name")
                        : std::filesystem::path(file).stem().string();
  if (root["description"]) p.description = yaml::as_string(root["description"], file, "description");
  if (root["support"]) p.support = parse_support(root["support"], file, "support");
  if (root["backrest"]) {
    const YAML::Node b = root["backrest"];
    yaml::check_keys(b, {"inclination_deg", "friction", "cushion_m"}, file, "backrest");
    if (p.support != Support::seated)
      throw InputError(file, yaml::line_of(b), "backrest", "a backrest needs support: seated");
    const double incl = yaml::as_double(yaml::require(b, "inclination_deg", file, "backrest"), file,
                                        "backrest.inclination_deg");
    if (incl < 0 || incl > 60)
      throw InputError(file, yaml::line_of(b["inclination_deg"]), "backrest.inclination_deg",
                       "expected 0 (vertical) to 60 deg of recline");
    if (model.backrest_contacts.empty())
      throw InputError(file, yaml::line_of(b), "backrest", "the model defines no backrest contact points");
    // [V secondary] static friction 0.5 between back and backrest, as AnyBody's seated
    // validation models of Wilke's postures set it (AMMR SupportSettings); a padded
    // backrest takes the points of her back within 2 cm of the plane that touches it [E].
    const double mu = friction_of(b, file, "backrest", 0.5);
    double cushion = 0.02;
    if (b["cushion_m"]) {
      cushion = yaml::as_double(b["cushion_m"], file, "backrest.cushion_m");
      if (!(cushion >= 0 && cushion <= 0.1))
        throw InputError(file, yaml::line_of(b["cushion_m"]), "backrest.cushion_m", "expected 0 to 0.1 m");
    }
    // The backrest leans back by `incl`; it pushes along its normal, forwards and upwards.
    const Eigen::Vector3d normal(std::cos(incl * kDeg), std::sin(incl * kDeg), 0);
    for (const auto& c : model.backrest_contacts)
      add_contact(p.contacts, "backrest on " + model.bodies[c.body].name, c.body, c.location_m, normal, mu, normal, cushion);
  }
  if (root["arm_rest"]) {
    // Her forearms rest on armrests or on her thighs, which push up at the forearm's mass
    // centre; [V secondary] friction 0.2 as AMMR's armrests. Resting, a rest carries at most
    // the arm's own weight: her arms lie on it and she does not push. Leaning (`lean: true`:
    // elbows on her knees, forearms on a table) it carries what her shoulders and elbows
    // push through it, within their strength and at their muscles' cost (limb_joint_strength).
    const YAML::Node a = root["arm_rest"];
    yaml::check_keys(a, {"friction", "lean", "at"}, file, "arm_rest");
    // Where the rest holds the forearm: under its mass centre (a forearm lying on an armrest
    // or a table), or under the elbow (elbows on her knees: the joint's centre, so the rest's
    // push makes no moment at the elbow).
    bool at_elbow = false;
    if (a["at"]) {
      const std::string at = yaml::as_string(a["at"], file, "arm_rest.at");
      if (at != "forearm" && at != "elbow")
        throw InputError(file, yaml::line_of(a["at"]), "arm_rest.at", "expected forearm or elbow, got '" + at + "'");
      at_elbow = at == "elbow";
    }
    const bool lean = a["lean"] && yaml::as_bool(a["lean"], file, "arm_rest.lean");
    if (lean && model.actuators.empty())
      throw InputError(file, yaml::line_of(a["lean"]), "arm_rest.lean", "the model has no joint torques at the arms to lean with");
    if (p.support != Support::seated && p.support != Support::kneeling)
      throw InputError(file, yaml::line_of(a), "arm_rest", "forearms rest only when seated or kneeling");
    const double mu = friction_of(a, file, "arm_rest", 0.2);
    for (const char* side : {"forearm_r", "forearm_l"}) {
      const int b = model.body_index(side);
      if (b < 0) throw InputError(file, yaml::line_of(a), "arm_rest", std::string("the model has no body '") + side + "'");
      // The whole arm: the rest holds the forearm, the shoulder hangs the upper arm on it.
      const int upper_arm = model.joints[b].parent_body;
      add_contact(p.contacts, std::string(at_elbow ? "rest under elbow of " : "rest under ") + side, b,
                  at_elbow ? Eigen::Vector3d::Zero() : model.bodies[b].com_m, Eigen::Vector3d::UnitY(), mu,
                  Eigen::Vector3d::Zero(), 0, lean ? INFINITY : limb_weight_N(model, upper_arm >= 0 ? upper_arm : b));
    }
  }
  std::vector<std::string> coord_names, rhythm_names;
  for (const auto& c : model.coordinates) coord_names.push_back(c.name);
  for (const auto& r : model.rhythms) rhythm_names.push_back(r.name);

  Settings base_coords, base_rhythms;
  read_angles(root["coordinates"], file, "coordinates", coord_names, base_coords);
  read_angles(root["rhythms"], file, "rhythms", rhythm_names, base_rhythms);
  if (is_lying(p.support)) {
    // Lying turns the whole body: the root orientation defaults to the model's for that
    // way of lying, and the mattress pushes up where she rests on it.
    const LyingSupport& lying = model.lying_support(p.support);
    if (lying.contacts.empty())
      throw InputError(file, yaml::line_of(root["support"]), "support", "the model defines no contact points for lying");
    for (const auto& [c, rad] : lying.orientation_rad)
      if (!base_coords.count(model.coordinates[c].name))
        base_coords[model.coordinates[c].name] = {rad / kDeg, yaml::line_of(root["support"])};
    // The patch's cross direction (body frame): her side to side lying on her back or front,
    // front to back lying on her side; its length runs along her (Y).
    const bool on_side = p.support == Support::lying_right || p.support == Support::lying_left;
    const Eigen::Vector3d along = model.lying_patch.half_length_m * Eigen::Vector3d::UnitY();
    const Eigen::Vector3d across = model.lying_patch.half_width_m * (on_side ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitZ());
    for (const auto& c : lying.contacts) {
      const std::string label = (model.bodies[c.body].name == "head" ? "pillow under " : "mattress under ") + model.bodies[c.body].name;
      const Joint& joint = model.joints[c.body];
      if (joint.parent_body >= 0 && !joint.intervertebral) {
        // A limb beside her on the mattress (on her back or front) carries at most its own
        // weight, as a resting arm rest does: lying relaxed she does not push herself up on
        // her arms (until 2026-12-04, when the arms were posed and unbalanced, an uncapped
        // arm was a free lever that held up the chest: supine and prone the upper thorax's
        // own contacts carried nothing, the upper arms 56 and 102 N each). On her side the
        // lower arm lies under her chest wall and carries the chest's weight to the
        // mattress; the model has no contact between chest and arm, so the shoulder passes
        // it on, uncapped.
        Contact contact{label, c.body, c.location_m, Eigen::Vector3d::UnitY()};
        if (!on_side) contact.max_force_N = limb_weight_N(model, c.body);
        p.contacts.push_back(contact);
        continue;
      }
      // The trunk and head bear over a patch (Model::lying_patch): the point, the patch's two
      // sides across her, and its two ends along her, at the segment's own joints (the body's
      // origin and its spinal joint above: a lumbar slice's 3.5 cm, a thoracic body's 15-17
      // cm) or, for the head, which has none above, half the patch's length each way.
      p.contacts.push_back({label, c.body, c.location_m, Eigen::Vector3d::UnitY()});
      if (model.lying_patch.half_length_m <= 0 && model.lying_patch.half_width_m <= 0) continue;
      Eigen::Vector3d lower = c.location_m - along, upper = c.location_m + along;
      for (const int j : model.spinal_joints)
        if (model.joints[j].parent_body == c.body) {
          lower.y() = 0;
          upper.y() = model.joints[j].location_in_parent_m.y();
        }
      for (const Eigen::Vector3d& point : {lower, upper, Eigen::Vector3d(c.location_m + across), Eigen::Vector3d(c.location_m - across)})
        p.contacts.push_back({label, c.body, point, Eigen::Vector3d::UnitY()});
    }
    // On her side the upper arm lies on her flank: her own body bears it (up, as the
    // mattress under her), at most the limb's weight, as a limb resting anywhere.
    for (const auto& [point, under] : lying.on_body) {
      Contact contact{"her " + model.bodies[under].name + " under " + model.bodies[point.body].name, point.body,
                      point.location_m, Eigen::Vector3d::UnitY()};
      contact.max_force_N = limb_weight_N(model, point.body);
      contact.reacting_body = under;
      p.contacts.push_back(contact);
    }
  }

  if (root["keyframes"] && root["frames"])
    throw InputError(file, yaml::line_of(root["keyframes"]), "keyframes", "give either frames or keyframes, not both");
  if (root["keyframes"]) {
    const YAML::Node keys = root["keyframes"];
    if (!keys.IsSequence() || keys.size() < 2)
      throw InputError(file, yaml::line_of(keys), "keyframes", "a motion needs a list of at least two key postures");
    const double hz = root["sample_hz"] ? yaml::as_double(root["sample_hz"], file, "sample_hz") : 30.0;
    if (hz < 5 || hz > 1000) throw InputError(file, yaml::line_of(root["sample_hz"]), "sample_hz", "expected 5 to 1000 per second");
    std::vector<Eigen::VectorXd> q;
    std::vector<double> durations;
    std::vector<Support> supports_at_keys;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::string field = "keyframes[" + std::to_string(i) + "]";
      yaml::check_keys(keys[i], {"duration_s", "rhythms", "coordinates", "support"}, file, field);
      // A key posture may change the support from that key on (rising from a chair).
      Support key_support = i == 0 ? p.support : supports_at_keys.back();
      if (keys[i]["support"]) key_support = parse_support(keys[i]["support"], file, field + ".support");
      if (is_lying(key_support) != is_lying(p.support))
        throw InputError(file, yaml::line_of(keys[i]["support"]), field + ".support", "a motion cannot change to or from lying");
      supports_at_keys.push_back(key_support);
      if (i > 0) {
        const double d = yaml::as_double(yaml::require(keys[i], "duration_s", file, field), file, field + ".duration_s");
        if (!(d > 0 && d <= 60)) throw InputError(file, yaml::line_of(keys[i]["duration_s"]), field + ".duration_s", "expected more than 0 and at most 60 s");
        durations.push_back(d);
      }
      Settings coords = base_coords, rhythms = base_rhythms;
      read_angles(keys[i]["coordinates"], file, field + ".coordinates", coord_names, coords);
      read_angles(keys[i]["rhythms"], file, field + ".rhythms", rhythm_names, rhythms);
      q.push_back(resolve(model, coords, rhythms, file, field));
    }
    set_keyframe_motion(p, q, durations, hz);
    if (std::any_of(supports_at_keys.begin(), supports_at_keys.end(), [&](Support s) { return s != p.support; })) {
      p.support = supports_at_keys.front();
      double t_key = 0;
      std::size_t key = 0;
      for (double t : p.time_s) {
        while (key + 1 < supports_at_keys.size() && t >= t_key + durations[key] - 1e-9) t_key += durations[key++];
        p.frame_support.push_back(supports_at_keys[key]);
      }
    }
  } else if (root["frames"]) {
    const YAML::Node frames = root["frames"];
    if (!frames.IsSequence() || frames.size() < 4)
      throw InputError(file, yaml::line_of(frames), "frames", "a time series needs a list of at least 4 frames");
    double last = -INFINITY;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const std::string field = "frames[" + std::to_string(i) + "]";
      yaml::check_keys(frames[i], {"time_s", "rhythms", "coordinates"}, file, field);
      const double t = yaml::as_double(yaml::require(frames[i], "time_s", file, field), file, field + ".time_s");
      if (t <= last) throw InputError(file, yaml::line_of(frames[i]["time_s"]), field + ".time_s", "times must increase");
      last = t;
      Settings coords = base_coords, rhythms = base_rhythms;
      read_angles(frames[i]["coordinates"], file, field + ".coordinates", coord_names, coords);
      read_angles(frames[i]["rhythms"], file, field + ".rhythms", rhythm_names, rhythms);
      p.time_s.push_back(t);
      p.q_rad.push_back(resolve(model, coords, rhythms, file, field));
    }
  } else {
    p.time_s.push_back(0.0);
    p.q_rad.push_back(resolve(model, base_coords, base_rhythms, file, ""));
  }

  if (root["predict"]) {
    const YAML::Node n = root["predict"];
    yaml::check_keys(n, {"hands_forward_m", "hands_height_m", "hands_lateral_m", "hands", "strategy", "look_at_hands"}, file,
                     "predict");
    PredictionRequest r;
    r.file = file;
    r.line = yaml::line_of(n);
    r.hands_forward_m = yaml::as_double(yaml::require(n, "hands_forward_m", file, "predict"), file, "predict.hands_forward_m");
    r.hands_height_m = yaml::as_double(yaml::require(n, "hands_height_m", file, "predict"), file, "predict.hands_height_m");
    if (r.hands_height_m < 0 || r.hands_height_m > 2.5)
      throw InputError(file, yaml::line_of(n["hands_height_m"]), "predict.hands_height_m", "expected 0 to 2.5 m above the floor");
    if (n["strategy"]) {
      const std::string st = yaml::as_string(n["strategy"], file, "predict.strategy");
      if (st == "stoop") r.strategy = LiftStrategy::stoop;
      else if (st == "semi_squat") r.strategy = LiftStrategy::semi_squat;
      else if (st == "squat") r.strategy = LiftStrategy::squat;
      else if (st == "kneel") r.strategy = LiftStrategy::kneel;
      else throw InputError(file, yaml::line_of(n["strategy"]), "predict.strategy", "expected stoop, semi_squat, squat or kneel, got '" + st + "'");
    }
    if (n["hands_lateral_m"]) {
      r.hands_lateral_m = yaml::as_double(n["hands_lateral_m"], file, "predict.hands_lateral_m");
      if (std::abs(*r.hands_lateral_m) > 1.0)
        throw InputError(file, yaml::line_of(n["hands_lateral_m"]), "predict.hands_lateral_m",
                         "expected -1 to 1 m from her midline (positive: to her right)");
    }
    if (n["hands"]) {
      const std::string h = yaml::as_string(n["hands"], file, "predict.hands");
      if (h == "both") r.hands = ReachingHands::both;
      else if (h == "right") r.hands = ReachingHands::right;
      else if (h == "left") r.hands = ReachingHands::left;
      else throw InputError(file, yaml::line_of(n["hands"]), "predict.hands", "expected both, right or left, got '" + h + "'");
    }
    if (n["look_at_hands"]) r.look_at_hands = yaml::as_bool(n["look_at_hands"], file, "predict.look_at_hands");
    const Support needed = r.strategy == LiftStrategy::kneel ? Support::kneeling : Support::standing;
    if (p.support != needed || p.is_time_series())
      throw InputError(file, yaml::line_of(n), "predict",
                       "prediction is for a single standing posture (kneeling with the kneel strategy)");
    p.prediction = r;
  }
  if (is_lying(p.support)) {
    // The mattress can only carry her if she lies on it: the root must stay within 30 deg
    // of the orientation of that way of lying.
    for (const auto& [c, rad] : model.lying_support(p.support).orientation_rad)
      for (const auto& q : p.q_rad)
        if (std::abs(q[c] - rad) > 30 * kDeg)
          throw InputError(file, yaml::line_of(root["coordinates"] ? root["coordinates"] : root["support"]),
                           "coordinates." + model.coordinates[c].name,
                           fmt_deg(q[c] / kDeg) + " deg is not lying (" + support_name(p.support) + " needs " +
                               fmt_deg(rad / kDeg) + " +- 30 deg)");
  }
  if (root["smoothing_hz"]) {
    p.smoothing_hz = yaml::as_double(root["smoothing_hz"], file, "smoothing_hz");
    if (p.smoothing_hz < 0) throw InputError(file, yaml::line_of(root["smoothing_hz"]), "smoothing_hz", "must not be negative");
    if (!p.is_time_series())
      throw InputError(file, yaml::line_of(root["smoothing_hz"]), "smoothing_hz", "only a time series (frames) can be smoothed");
  }
  if (root["loads"]) {
    if (!root["loads"].IsSequence()) throw InputError(file, yaml::line_of(root["loads"]), "loads", "expected a list of loads");
    std::size_t i = 0;
    for (const auto& l : root["loads"]) {
      const std::string field = "loads[" + std::to_string(i++) + "]";
      const std::string type = yaml::as_string(yaml::require(l, "type", file, field), file, field + ".type");
      const double g = -model.gravity_m_s2.y();
      if (type == "hand_mass") {
        yaml::check_keys(l, {"type", "mass_kg", "hands"}, file, field);
        const double m = yaml::as_double(yaml::require(l, "mass_kg", file, field), file, field + ".mass_kg");
        if (m < 0) throw InputError(file, yaml::line_of(l["mass_kg"]), field + ".mass_kg", "negative mass " + std::to_string(m) + " kg");
        const std::string hands = l["hands"] ? yaml::as_string(l["hands"], file, field + ".hands") : "both";
        std::vector<std::string> bodies;
        if (hands == "both") bodies = {"hand_r", "hand_l"};
        else if (hands == "right") bodies = {"hand_r"};
        else if (hands == "left") bodies = {"hand_l"};
        else throw InputError(file, yaml::line_of(l["hands"]), field + ".hands", "expected both, right or left");
        for (const auto& name : bodies) {
          const int b = model.body_index(name);
          if (b < 0) throw InputError(file, yaml::line_of(l), field, "the model has no body '" + name + "'");
          p.loads.push_back({"held mass " + name, b, hand_grip_point(model, b),
                             Eigen::Vector3d(0, -m * g / bodies.size(), 0)});
        }
        p.held_mass_kg += m;
      } else if (type == "force") {
        yaml::check_keys(l, {"type", "body", "point_m", "force_N", "label"}, file, field);
        const std::string body = yaml::as_string(yaml::require(l, "body", file, field), file, field + ".body");
        const int b = model.body_index(body);
        if (b < 0) {
          std::vector<std::string> names;
          for (const auto& bb : model.bodies) names.push_back(bb.name);
          std::string msg = "unknown body '" + body + "'";
          const std::string guess = yaml::nearest(body, names);
          if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
          throw InputError(file, yaml::line_of(l["body"]), field + ".body", msg);
        }
        ExternalLoad load;
        load.label = l["label"] ? yaml::as_string(l["label"], file, field + ".label") : "force on " + body;
        load.body = b;
        load.point_m = l["point_m"] ? yaml::as_vector3(l["point_m"], file, field + ".point_m") : Eigen::Vector3d::Zero();
        load.force_N = yaml::as_vector3(yaml::require(l, "force_N", file, field), file, field + ".force_N");
        p.loads.push_back(load);
      } else {
        throw InputError(file, yaml::line_of(l["type"]), field + ".type", "unknown load type '" + type + "' (expected hand_mass or force)");
      }
    }
  }
  return p;
}

void set_keyframe_motion(Posture& posture, const std::vector<Eigen::VectorXd>& keys,
                         const std::vector<double>& durations_s, double sample_hz) {
  posture.time_s.clear();
  posture.q_rad.clear();
  double t0 = 0;
  for (std::size_t k = 0; k + 1 < keys.size(); ++k) {
    const int n = std::max(2, static_cast<int>(std::ceil(durations_s[k] * sample_hz)));
    for (int i = (k == 0 ? 0 : 1); i <= n; ++i) {
      const double u = static_cast<double>(i) / n;
      const double blend = 0.5 - 0.5 * std::cos(std::numbers::pi * u);
      posture.time_s.push_back(t0 + u * durations_s[k]);
      posture.q_rad.push_back(keys[k] + blend * (keys[k + 1] - keys[k]));
    }
    t0 += durations_s[k];
  }
}

Posture parse_posture_text(const Model& model, const std::string& text, const std::string& file) {
  return parse_posture(model, yaml::parse(text, file), file);
}

Posture load_posture_file(const Model& model, const std::string& path) {
  return parse_posture_text(model, yaml::read_text_file(path), path);
}

std::vector<Contact> touching_contacts(const std::vector<Contact>& contacts, const std::vector<Eigen::Isometry3d>& pose) {
  // The plane of each flat support rests against the rearmost of its points; a cushion lets
  // the points within its depth touch too.
  std::vector<Contact> out = contacts;
  for (Contact& c : out) {
    if (c.plane_normal.isZero()) continue;
    double rearmost = INFINITY;
    for (const Contact& o : contacts)
      if (o.plane_normal == c.plane_normal) rearmost = std::min(rearmost, c.plane_normal.dot(pose[o.body] * o.point_m));
    if (c.plane_normal.dot(pose[c.body] * c.point_m) > rearmost + c.cushion_m + 1e-12) c.normal.setZero();
  }
  return out;
}

std::vector<std::string> builtin_posture_names() {
  std::vector<std::string> names;
  for (const auto& [name, text] : embedded::demo_postures()) names.emplace_back(name);
  return names;
}

Posture builtin_posture(const Model& model, const std::string& name) {
  for (const auto& [n, text] : embedded::demo_postures())
    if (n == name) return parse_posture_text(model, std::string(text), "postures/" + name + ".yaml");
  throw InputError("", 0, "posture", "no built-in posture '" + name + "'");
}

}  // namespace spineload
