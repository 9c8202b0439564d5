#include "tasks/task_library.hpp"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "capacity/fatigue_failure.hpp"
#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "output/results.hpp"
#include "io/yaml_util.hpp"
#include "loads/disc_loads.hpp"
#include "model/data.hpp"
#include "model/embedded_data.hpp"
#include "tasks/gait.hpp"
#include "tasks/infant.hpp"

namespace spineload {

namespace {

const char* kFile = "tasks/library.yaml";

TaskParameter parse_parameter(const std::string& name, const YAML::Node& n) {
  TaskParameter p;
  p.name = name;
  p.doc = n["doc"] ? n["doc"].as<std::string>() : "";
  p.unit = n["unit"] ? n["unit"].as<std::string>() : "";
  if (n["choices"]) {
    p.choices = n["choices"].as<std::vector<std::string>>();
    p.default_choice = n["default"].as<std::string>();
  } else {
    p.default_value = yaml::as_double(n["default"], kFile, name);
    p.min = yaml::as_double(n["min"], kFile, name);
    p.max = yaml::as_double(n["max"], kFile, name);
  }
  return p;
}

struct Library {
  std::vector<TaskSpec> tasks;
  double grip_above_surface_cm = 8;
};

const Library& library() {
  static const Library lib = [] {
    const YAML::Node root = yaml::parse(std::string(embedded::task_library_yaml()), kFile);
    Library l;
    l.grip_above_surface_cm = root["grip_above_surface_cm"].as<double>();
    std::vector<TaskParameter> common;
    for (const auto& kv : root["common"]) common.push_back(parse_parameter(kv.first.as<std::string>(), kv.second));
    for (const auto& kv : root["tasks"]) {
      TaskSpec t;
      t.id = kv.first.as<std::string>();
      t.description = kv.second["description"].as<std::string>();
      t.source = kv.second["source"] ? kv.second["source"].as<std::string>() : "";
      t.lift = kv.second["lift"].as<bool>();
      for (const auto& p : kv.second["parameters"])
        t.parameters.push_back(parse_parameter(p.first.as<std::string>(), p.second));
      for (const auto& c : common)
        if (t.lift || (c.name != "lifts_per_min" && c.name != "duration_h" && c.name != "lift_duration_s"))
          t.parameters.push_back(c);
      l.tasks.push_back(t);
    }
    return l;
  }();
  return lib;
}

// Relaxed standing, nothing held: the start of most task postures (built directly: a
// cohort builds one per subject and task).
Posture standing_posture(const Model& model, const std::string& name, const std::string& description) {
  Posture p;
  p.name = name;
  p.description = description;
  p.support = Support::standing;
  p.time_s = {0.0};
  p.q_rad = {Eigen::VectorXd::Zero(static_cast<int>(model.coordinates.size()))};
  return p;
}

// A mass held in the hands, shared equally, at each hand's grip (its mass centre), as a
// posture file's hand_mass load.
void hold_in_hands(const Model& model, Posture& p, double kg, std::initializer_list<const char*> hands) {
  const double g = -model.gravity_m_s2.y();
  for (const char* h : hands) {
    const int b = model.body_index(h);
    p.loads.push_back({std::string("held mass ") + h, b, model.bodies[b].com_m,
                       Eigen::Vector3d(0, -kg * g / static_cast<double>(hands.size()), 0)});
  }
  p.held_mass_kg += kg;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

constexpr double kDeg = M_PI / 180;

// Sit to stand as three key postures: seated, seat-off, standing. The legs follow the seat
// height with the shanks vertical and the feet flat; at seat-off the feet are drawn back and
// the trunk leans forward until her centre of mass is over her heels, found by bisection on
// this model (so a pregnant abdomen makes her lean further). The lean comes mostly from the
// hips: before seat-off young adults flex the lumbar spine and the hips 1:3 (Tully,
// Fotoohabadi & Galea 2005, Gait Posture 22:338, abstract [V]), not in the proportions of
// bending forward from standing, whose rhythm starts from a lordotic lumbar spine.
constexpr double kLumbarShareOfSitToStandLean = 0.25;
Posture rise_from_chair(const Model& model, const std::string& id, double seat_m, double duration_s) {
  const int nc = static_cast<int>(model.coordinates.size());
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(nc);
  Data d(model);
  forward_kinematics(model, d, zero, zero);
  const int pelvis = model.body_index("pelvis");
  const double hip_y = world_point(d, model.body_index("thigh_r"), Eigen::Vector3d::Zero()).y();
  const double knee_y = world_point(d, model.body_index("shank_r"), Eigen::Vector3d::Zero()).y();
  double sit_bones_y = INFINITY;  // lowest seated support point on the pelvis
  for (const auto& p : model.seated_support)
    if (p.body == pelvis) sit_bones_y = std::min(sit_bones_y, world_point(d, pelvis, p.location_m).y());
  if (!std::isfinite(sit_bones_y)) throw InputError("", 0, "rise-from-chair", "the model has no seated support on the pelvis");
  // Thigh rise above horizontal when the hips sit on the seat and the knees are over the ankles.
  const double hip_seated_y = seat_m + (hip_y - sit_bones_y);
  const double s = (knee_y - hip_seated_y) / (hip_y - knee_y);
  if (std::abs(s) > std::sin(35 * kDeg))
    throw InputError("", 0, "--set seat_height_cm",
                     fmt::format("a seat at {:.0f} cm puts her thighs more than 35 deg from horizontal (her knees are "
                                 "{:.0f} cm above the floor)", seat_m * 100, knee_y * 100));
  const double thigh_deg = 90 + std::asin(s) / kDeg;  // thigh from hanging straight down
  auto set = [&](Eigen::VectorXd& q, const char* name, double deg) { q[model.coordinate_index(name)] = deg * kDeg; };
  Eigen::VectorXd seated = zero;
  const double tilt = -20;  // as the upright sitting posture [E]
  set(seated, "pelvis_tilt", tilt);
  for (const auto& [c, deg] : {std::pair{"L5_S1_flexion", 3.0}, {"L4_L5_flexion", 4.0}, {"L3_L4_flexion", 3.0},
                               {"L2_L3_flexion", 3.0}, {"L1_L2_flexion", 2.0}})
    set(seated, c, deg);
  for (const char* side : {"r", "l"}) {
    set(seated, fmt::format("hip_{}_flexion", side).c_str(), thigh_deg + tilt);
    set(seated, fmt::format("knee_{}_flexion", side).c_str(), thigh_deg);
  }
  Eigen::VectorXd seat_off = seated;
  for (const char* side : {"r", "l"}) {
    seat_off[model.coordinate_index(fmt::format("knee_{}_flexion", side))] += 25 * kDeg;
    seat_off[model.coordinate_index(fmt::format("ankle_{}_dorsiflexion", side))] += 25 * kDeg;
  }
  // The lumbar share spread over the levels as the trunk-flexion rhythm spreads its own; the
  // hips' share tilts the pelvis forward over still thighs.
  const Rhythm& flex = model.rhythms[model.rhythm_index("trunk_flexion")];
  const auto lumbar = lumbar_ratios(model, flex);
  double lumbar_sum = 0;
  for (const auto& [c, ratio] : lumbar) lumbar_sum += ratio;
  if (lumbar.empty()) throw InputError("", 0, "rise-from-chair", "the trunk-flexion rhythm moves no lumbar level");
  auto leaned = [&](double rad) {
    Eigen::VectorXd q = seat_off;
    for (const char* c : {"pelvis_tilt", "hip_r_flexion", "hip_l_flexion"})
      q[model.coordinate_index(c)] += (1 - kLumbarShareOfSitToStandLean) * rad;
    for (const auto& [c, ratio] : lumbar) q[c] += kLumbarShareOfSitToStandLean * rad * ratio / lumbar_sum;
    return q;
  };
  // Seat-off by the stabilisation strategy: the centre of mass 2 cm inside the heels.
  auto com_ahead_of_feet = [&](double rad) {
    forward_kinematics(model, d, leaned(rad), zero);
    balance(model, d, Support::standing);
    double heels_x = INFINITY;
    for (const auto& p : model.standing_support) heels_x = std::min(heels_x, world_point(d, p.body, p.location_m).x());
    return d.balance.com_m.x() - (heels_x + 0.02);
  };
  double lo = 0, hi = std::min(flex.max_rad, 80 * kDeg);
  if (com_ahead_of_feet(hi) < 0)
    throw InputError("", 0, "rise-from-chair", "she cannot bring her centre of mass over her feet by leaning forward");
  for (int i = 0; i < 50 && com_ahead_of_feet(lo) < 0; ++i) {
    const double mid = 0.5 * (lo + hi);
    (com_ahead_of_feet(mid) < 0 ? lo : hi) = mid;
    if (hi - lo < 1e-4) lo = hi;
  }
  Posture p;
  p.name = id;
  p.support = Support::seated;
  set_keyframe_motion(p, {seated, leaned(lo), zero}, {0.4 * duration_s, 0.6 * duration_s}, 30.0);
  for (double t : p.time_s) p.frame_support.push_back(t < 0.4 * duration_s - 1e-9 ? Support::seated : Support::standing);
  return p;
}

}  // namespace

const std::vector<TaskSpec>& task_library() { return library().tasks; }

double check_task_setting(const TaskSpec& task, const std::string& name, const std::optional<std::string>& value) {
  const auto param = std::find_if(task.parameters.begin(), task.parameters.end(),
                                  [&](const TaskParameter& p) { return p.name == name; });
  if (!value || param == task.parameters.end()) {
    std::vector<std::string> names;
    for (const auto& p : task.parameters) names.push_back(p.name);
    throw InputError("", 0, "--set " + name,
                     (!value ? "expected name=value" : "unknown parameter of " + task.id) + "; its parameters are: " + joined(names));
  }
  if (!param->choices.empty()) {
    if (std::find(param->choices.begin(), param->choices.end(), *value) == param->choices.end())
      throw InputError("", 0, "--set " + name, "expected one of " + joined(param->choices) + ", got '" + *value + "'");
    return 0;
  }
  double v = 0;
  try {
    std::size_t used = 0;
    v = std::stod(*value, &used);
    if (used != value->size()) throw std::invalid_argument(*value);
  } catch (const std::exception&) {
    throw InputError("", 0, "--set " + name, "not a number: '" + *value + "'");
  }
  if (!(v >= param->min && v <= param->max))
    throw InputError("", 0, "--set " + name,
                     fmt::format("{} {} is outside {} to {} {}", v, param->unit, param->min, param->max, param->unit));
  return v;
}

const TaskSpec& find_task(const std::string& id) {
  const auto& tasks = task_library();
  const auto it = std::find_if(tasks.begin(), tasks.end(), [&](const TaskSpec& t) { return t.id == id; });
  if (it == tasks.end()) {
    std::vector<std::string> ids;
    for (const auto& t : tasks) ids.push_back(t.id);
    throw InputError("", 0, "--task", "unknown task '" + id + "'; the tasks are: " + joined(ids));
  }
  return *it;
}

namespace {

// One "name=value" setting, checked (a missing "=" is a missing value); its number.
struct CheckedSetting {
  std::string name, value;
  double number = 0;
};
CheckedSetting check_setting_text(const TaskSpec& task, const std::string& setting) {
  const auto eq = setting.find('=');
  CheckedSetting c;
  c.name = setting.substr(0, eq);
  if (eq != std::string::npos) c.value = setting.substr(eq + 1);
  c.number = check_task_setting(task, c.name, eq == std::string::npos ? std::nullopt : std::optional<std::string>(c.value));
  return c;
}

}  // namespace

void check_task_settings(const std::string& id, const std::vector<std::string>& settings) {
  const TaskSpec& task = find_task(id);
  for (const auto& setting : settings) (void)check_setting_text(task, setting);
}

TaskInstance instantiate_task(const Model& model, const std::string& id, const std::vector<std::string>& settings) {
  const TaskSpec* it = &find_task(id);
  TaskInstance task;
  task.spec = it;
  std::map<std::string, double> num;
  for (const auto& p : it->parameters) {
    if (p.choices.empty()) num[p.name] = p.default_value;
    task.values[p.name] = p.choices.empty() ? fmt::format("{:g}", p.default_value) : p.default_choice;
  }
  for (const auto& setting : settings) {
    const CheckedSetting c = check_setting_text(*it, setting);
    if (std::none_of(it->parameters.begin(), it->parameters.end(),
                     [&](const TaskParameter& p) { return p.name == c.name && !p.choices.empty(); }))
      num[c.name] = c.number;
    task.values[c.name] = c.value;
  }
  const InfantSex sex = task.values["infant_sex"] == "boy" ? InfantSex::boy : InfantSex::girl;
  task.infant_mass_kg = num["infant_mass_kg"] > 0 ? num["infant_mass_kg"]
                                                  : infant_mass_kg(num["infant_age_months"], sex, num["infant_percentile"]);
  auto strategy = [&] {
    const std::string s = task.values["strategy"];
    return s == "squat" ? LiftStrategy::squat : s == "semi_squat" ? LiftStrategy::semi_squat : LiftStrategy::stoop;
  };
  const double grip = library().grip_above_surface_cm;
  auto standing = [&](double forward_cm, double height_cm, LiftStrategy st, double held_kg, double side_cm = 0) {
    Posture p = standing_posture(model, id, it->description);
    hold_in_hands(model, p, held_kg, {"hand_r", "hand_l"});
    PredictionRequest request;
    request.hands_forward_m = forward_cm / 100;
    request.hands_height_m = height_cm / 100;
    if (side_cm != 0) request.hands_lateral_m = side_cm / 100;
    request.strategy = st;
    p.prediction = request;
    return p;
  };
  // NIOSH's H is the hands' horizontal distance from the midpoint between the ankles, and A
  // the angle of that line from her sagittal plane (Waters et al. 1993).
  auto lift = [&](double h_cm, double v_cm, double d_cm, double side_cm = 0) {
    LiftGeometry g;
    g.horizontal_cm = std::hypot(h_cm, side_cm);
    g.asymmetry_deg = std::atan2(std::abs(side_cm), h_cm) * 180 / M_PI;
    g.vertical_cm = v_cm;
    g.distance_cm = std::max(25.0, d_cm);
    g.lifts_per_min = num["lifts_per_min"];
    g.duration_h = std::max(num["duration_h"], 1e-3);
    g.coupling = Coupling::fair;  // an infant is held without handles [E]
    g.load_kg = task.infant_mass_kg;
    return g;
  };
  if (id == "lift-from-crib") {
    const double v = num["mattress_height_cm"] + grip;
    task.posture = standing(num["reach_cm"], v, strategy(), task.infant_mass_kg, num["side_cm"]);
    task.lift = lift(num["reach_cm"], v, num["rail_height_cm"] + 10 - v, num["side_cm"]);
  } else if (id == "lift-from-floor") {
    task.posture = standing(num["reach_cm"], grip, strategy(), task.infant_mass_kg, num["side_cm"]);
    task.lift = lift(num["reach_cm"], grip, num["destination_height_cm"] - grip, num["side_cm"]);
  } else if (id == "change-diaper") {
    task.posture = standing(num["reach_cm"], num["table_height_cm"] + grip, strategy(),
                            num["held_fraction"] * task.infant_mass_kg);
  } else if (id == "carry-in-arms") {
    task.posture = standing(num["hold_forward_cm"], num["hold_height_cm"], LiftStrategy::stoop, task.infant_mass_kg);
  } else if (id == "lift-car-seat") {
    const double total = task.infant_mass_kg + num["seat_mass_kg"];
    task.posture = standing(num["reach_cm"], num["handle_height_cm"], strategy(), 0, num["side_cm"]);
    task.posture.loads.clear();
    task.posture.held_mass_kg = 0;
    hold_in_hands(model, task.posture, total, {"hand_r"});
    task.posture.prediction->hands = ReachingHands::right;
    task.lift = lift(num["reach_cm"], num["handle_height_cm"], 75 - num["handle_height_cm"], num["side_cm"]);
    task.lift->load_kg = total;
  } else if (id == "carry-car-seat" || id == "carry-on-hip") {
    const bool seat = id == "carry-car-seat";
    const double deg = M_PI / 180;
    task.posture = standing_posture(model, id, it->description);
    Eigen::VectorXd& q = task.posture.q_rad[0];
    const Rhythm& bend = model.rhythms[model.rhythm_index("trunk_lateral_bending")];
    // She bends away from the load: to her left for a seat in the right hand, to her right
    // for an infant on her left hip.
    const double lean = (seat ? -1 : 1) * num["lean_deg"] * deg;
    for (const auto& [c, ratio] : bend.ratios) q[c] += ratio * lean;
    const double g = -model.gravity_m_s2.y();
    if (seat) {
      q[model.coordinate_index("shoulder_r_abduction")] = num["arm_abduction_deg"] * deg;
      const double total = task.infant_mass_kg + num["seat_mass_kg"];
      const int hand = model.body_index("hand_r");
      task.posture.loads.push_back({"car seat", hand, model.bodies[hand].com_m, Eigen::Vector3d(0, -total * g, 0)});
      task.posture.held_mass_kg = total;
    } else {
      // The infant sits on her left iliac crest (hip share) and in her left arm (the rest).
      q[model.coordinate_index("elbow_l_flexion")] = 90 * deg;
      q[model.coordinate_index("shoulder_l_abduction")] = 15 * deg;
      const int pelvis = model.body_index("pelvis"), hand = model.body_index("hand_l");
      const Eigen::Vector3d crest(0.0, 0.10 * model.height_m / 1.735, -0.15 * model.height_m / 1.735);
      task.posture.loads.push_back({"infant on hip", pelvis, crest, Eigen::Vector3d(0, -num["hip_share"] * task.infant_mass_kg * g, 0)});
      task.posture.loads.push_back({"infant in arm", hand, model.bodies[hand].com_m,
                                    Eigen::Vector3d(0, -(1 - num["hip_share"]) * task.infant_mass_kg * g, 0)});
      task.posture.held_mass_kg = task.infant_mass_kg;
    }
  } else if (id == "carry-front-carrier") {
    task.posture = standing_posture(model, id, it->description);
    // The straps: the shoulder share pulls down on the upper thorax, the belt share on the
    // pelvis, both at the infant's line of weight in front of her [E].
    const double g = -model.gravity_m_s2.y(), s = model.height_m / 1.735;
    const double ahead = num["infant_ahead_cm"] / 100;
    const int thorax = model.body_index("upper_thorax"), pelvis = model.body_index("pelvis");
    // Chest wall about 0.17 m in front of the mid-thoracic spine, at T4-T5 [E].
    task.posture.loads.push_back({"carrier shoulder straps", thorax, Eigen::Vector3d(0.17 * s + ahead, 0.07 * s, 0),
                                  Eigen::Vector3d(0, -num["shoulder_share"] * task.infant_mass_kg * g, 0)});
    task.posture.loads.push_back({"carrier waist belt", pelvis, Eigen::Vector3d(0.12 * s + ahead, 0.12 * s, 0),
                                  Eigen::Vector3d(0, -(1 - num["shoulder_share"]) * task.infant_mass_kg * g, 0)});
    task.posture.held_mass_kg = 0;
  } else if (id == "push-stroller" || id == "sweep") {
    const bool stroller = id == "push-stroller";
    task.posture = standing(num["reach_cm"], stroller ? num["handle_height_cm"] : num["hands_height_cm"],
                            LiftStrategy::stoop, 0);
    task.posture.loads.clear();
    task.posture.held_mass_kg = 0;
    // Pushing forward, the handle pushes back on her hands.
    for (const char* hand : {"hand_r", "hand_l"}) {
      const int b = model.body_index(hand);
      task.posture.loads.push_back({"handle", b, model.bodies[b].com_m, Eigen::Vector3d(-num["push_force_N"] / 2, 0, 0)});
    }
  } else if (id == "lift-laundry-basket") {
    task.posture = standing(num["reach_cm"], num["handle_height_cm"], strategy(), num["basket_mass_kg"]);
    task.lift = lift(num["reach_cm"], num["handle_height_cm"], 100 - num["handle_height_cm"]);
    task.lift->load_kg = num["basket_mass_kg"];
    task.lift->coupling = Coupling::good;  // handles [E]
  } else if (id == "bathe-kneeling") {
    task.posture = standing(num["reach_cm"], num["rim_height_cm"] - 5, LiftStrategy::kneel,
                            num["held_fraction"] * task.infant_mass_kg);
    task.posture.support = Support::kneeling;
  } else if (id == "bathe-at-sink") {
    task.posture = standing(num["reach_cm"], num["surface_height_cm"] - 5, strategy(),
                            num["held_fraction"] * task.infant_mass_kg);
  } else if (id == "breastfeed-seated") {
    const bool slouched = num["slouched"] >= 0.5;
    task.posture = builtin_posture(model, slouched ? "sitting_slouched" : "sitting_upright");
    task.posture.name = id;
    task.posture.description = it->description;
    Eigen::VectorXd& q = task.posture.q_rad[0];
    const double deg = M_PI / 180;
    if (num["backrest"] >= 0.5) {
      // Sitting against a backrest reclined 15 deg [E]: her pelvis rolls back until the
      // thorax lies along it, the hips keeping the thighs where they were (as the Wilke
      // nonchalant posture does), and the backrest pushes on her back where the model allows.
      constexpr double kBackrest_rad = 15 * kDeg;
      Data d(model);
      const Eigen::VectorXd zero = Eigen::VectorXd::Zero(q.size());
      forward_kinematics(model, d, q, zero);
      const int thorax = model.body_index("lower_thorax");
      const Eigen::Vector3d up = d.pose[thorax].linear() * Eigen::Vector3d::UnitY();
      const double recline_rad = std::atan2(-up.x(), up.y());  // thorax axis behind vertical
      const double roll_rad = kBackrest_rad - recline_rad;
      q[model.coordinate_index("pelvis_tilt")] -= roll_rad;
      for (const char* c : {"hip_r_flexion", "hip_l_flexion"}) q[model.coordinate_index(c)] -= roll_rad;
      const Posture with_backrest =
          parse_posture_text(model, "support: seated\nbackrest: {inclination_deg: 15}\n", "task " + id);
      task.posture.contacts = with_backrest.contacts;
    }
    for (const char* c : {"shoulder_r_flexion", "shoulder_l_flexion"}) q[model.coordinate_index(c)] += 20 * deg;
    for (const char* c : {"elbow_r_flexion", "elbow_l_flexion"}) q[model.coordinate_index(c)] = 100 * deg;
    const Rhythm& head = model.rhythms[model.rhythm_index("head_flexion")];
    for (const auto& [c, ratio] : head.ratios) q[c] += ratio * num["head_flexion_deg"] * deg;
    const double carried = (num["pillow"] >= 0.5 ? 1 - num["pillow_carried_fraction"] : 1.0) * task.infant_mass_kg;
    const double g = -model.gravity_m_s2.y();
    for (const char* hand : {"hand_r", "hand_l"}) {
      const int b = model.body_index(hand);
      task.posture.loads.push_back({"infant", b, model.bodies[b].com_m, Eigen::Vector3d(0, -carried * g / 2, 0)});
    }
    task.posture.held_mass_kg = carried;
  } else if (id == "breastfeed-lying-side") {
    task.posture = parse_posture_text(model,
                                      "name: " + id + "\nsupport: lying_right\ncoordinates: {hip_r_flexion: 45, "
                                      "hip_l_flexion: 45, knee_r_flexion: 60, knee_l_flexion: 60, shoulder_r_flexion: 90, "
                                      "elbow_r_flexion: 120, shoulder_l_flexion: 40, elbow_l_flexion: 80}\n",
                                      "task " + id);
    task.posture.description = it->description;
    Eigen::VectorXd& q = task.posture.q_rad[0];
    const Rhythm& head = model.rhythms[model.rhythm_index("head_flexion")];
    for (const auto& [c, ratio] : head.ratios) q[c] += ratio * num["head_flexion_deg"] * kDeg;
    const int hand = model.body_index("hand_l");
    const double held = num["held_fraction"] * task.infant_mass_kg;
    task.posture.loads.push_back({"infant", hand, model.bodies[hand].com_m, Eigen::Vector3d(0, held * model.gravity_m_s2.y(), 0)});
    task.posture.held_mass_kg = held;
  } else if (id == "stand") {
    task.posture = standing_posture(model, id, it->description);
  } else if (id == "walk" || id == "walk-backwards") {
    GaitParameters gait;
    gait.speed_m_s = num["speed_m_s"];
    gait.cadence_steps_min = num["cadence_steps_min"];
    gait.backwards = id == "walk-backwards";
    task.posture = walking_posture(model, gait, id);
    task.posture.description = it->description;
    task.gait = gait;
  } else if (id == "rise-from-chair") {
    task.posture = rise_from_chair(model, id, num["seat_height_cm"] / 100, num["rise_duration_s"]);
    task.posture.description = it->description;
  } else {
    throw InputError("", 0, "--task", "task '" + id + "' has no builder");
  }
  // A lift as a motion: from the origin grip to the destination, 25 cm ahead of her ankles.
  if (task.lift && num["lift_duration_s"] > 0 && task.posture.prediction) {
    PredictionRequest& r = *task.posture.prediction;
    r.to_forward_m = 0.25;
    r.to_height_m = (task.lift->vertical_cm + task.lift->distance_cm) / 100;
    r.duration_s = num["lift_duration_s"];
    if (r.hands != ReachingHands::both) r.to_lateral_m = r.hands_lateral_m;  // a handle carried at her side
  }
  return task;
}

ErgonomicIndices ergonomic_indices(const PostureResult& result, const std::optional<LiftGeometry>& lift) {
  ErgonomicIndices e;
  for (const auto& f : result.frames) {
    e.l5s1_compression_N = std::max(e.l5s1_compression_N, f.disc.front().compression_N);
    e.l5s1_shear_N = std::max(e.l5s1_shear_N, std::abs(f.disc.front().shear_ap_N));
    e.l5s1_fraction_of_strength = std::max(e.l5s1_fraction_of_strength, f.disc.front().factor_of_risk);
  }
  e.damage_per_cycle = damage_per_cycle(lumbar_fatigue_failure_curve(), e.l5s1_fraction_of_strength);
  e.percent_of_action_limit = 100 * e.l5s1_compression_N / kNioshActionLimit_N;
  e.percent_of_maximum_permissible = 100 * e.l5s1_compression_N / kMaximumPermissibleLimit_N;
  e.percent_of_repeated_shear_limit = 100 * e.l5s1_shear_N / kRepeatedShearLimit_N;
  e.percent_of_occasional_shear_limit = 100 * e.l5s1_shear_N / kOccasionalShearLimit_N;
  if (lift) e.niosh = niosh_lifting_index(*lift);
  return e;
}

std::string format_task_list() {
  std::string s;
  for (const auto& t : task_library()) {
    s += fmt::format("{}: {}{}\n", t.id, t.description, t.lift ? " (a lift: NIOSH lifting index)" : "");
    for (const auto& p : t.parameters) {
      if (p.choices.empty())
        s += fmt::format("    {:<26} {:>6g} {:<12} {:g}-{:g}; {}\n", p.name, p.default_value, p.unit, p.min, p.max, p.doc);
      else
        s += fmt::format("    {:<26} {:>6} {:<12} one of {}; {}\n", p.name, p.default_choice, "", joined(p.choices), p.doc);
    }
  }
  return s;
}

std::string format_indices(const TaskInstance& task, const ErgonomicIndices& e) {
  std::string s = fmt::format("ergonomic indices for {} (infant {:.2f} kg):\n", task.spec->id, task.infant_mass_kg);
  s += fmt::format("  L5/S1 compression {:.0f} N: {:.0f}% of the NIOSH action limit (3400 N), {:.0f}% of the maximum "
                   "permissible limit (6400 N)\n",
                   e.l5s1_compression_N, e.percent_of_action_limit, e.percent_of_maximum_permissible);
  s += fmt::format("  L5/S1 antero-posterior shear {:.0f} N: {:.0f}% of 700 N (repeated), {:.0f}% of 1000 N (occasional)\n",
                   e.l5s1_shear_N, e.percent_of_repeated_shear_limit, e.percent_of_occasional_shear_limit);
  s += fmt::format("  fatigue failure: peak L5/S1 compression at {:.0f}% of her vertebral strength; each time uses "
                   "{:.2g} of the fatigue life ({:.0f} repetitions to failure, cadaveric S-N curve)\n",
                   100 * e.l5s1_fraction_of_strength, e.damage_per_cycle, 1 / e.damage_per_cycle);
  if (e.niosh) {
    const auto& n = *e.niosh;
    s += fmt::format("  NIOSH lifting equation: RWL {:.2f} kg = 23 x HM {:.3f} x VM {:.3f} x DM {:.3f} x AM {:.3f} x FM "
                     "{:.3f} x CM {:.3f}; lifting index {:.2f}\n",
                     n.rwl_kg, n.HM, n.VM, n.DM, n.AM, n.FM, n.CM, n.lifting_index);
  }
  return s;
}

std::vector<std::pair<std::string, std::string>> render_indices(const TaskInstance& task, const ErgonomicIndices& e,
                                                                bool json) {
  struct Row {
    std::string metric;
    double value;
    std::string unit;
  };
  std::vector<Row> rows{{"infant_mass", task.infant_mass_kg, "kg"},
                        {"L5_S1_compression", e.l5s1_compression_N, "N"},
                        {"percent_of_action_limit_3400N", e.percent_of_action_limit, "%"},
                        {"percent_of_maximum_permissible_limit_6400N", e.percent_of_maximum_permissible, "%"},
                        {"L5_S1_ap_shear", e.l5s1_shear_N, "N"},
                        {"percent_of_repeated_shear_limit_700N", e.percent_of_repeated_shear_limit, "%"},
                        {"percent_of_occasional_shear_limit_1000N", e.percent_of_occasional_shear_limit, "%"},
                        {"L5_S1_fraction_of_strength", e.l5s1_fraction_of_strength, "1"},
                        {"fatigue_damage_per_cycle", e.damage_per_cycle, "1"}};
  if (e.niosh) {
    const auto& n = *e.niosh;
    for (const Row& r : std::vector<Row>{{"niosh_HM", n.HM, "1"}, {"niosh_VM", n.VM, "1"}, {"niosh_DM", n.DM, "1"},
                                         {"niosh_AM", n.AM, "1"}, {"niosh_FM", n.FM, "1"}, {"niosh_CM", n.CM, "1"},
                                         {"niosh_recommended_weight_limit", n.rwl_kg, "kg"},
                                         {"niosh_lifting_index", n.lifting_index, "1"}})
      rows.push_back(r);
  }
  const std::string id = task.spec->id;
  std::string csv = "metric,value,unit\n";
  for (const auto& r : rows) csv += fmt::format("{},{:.9g},{}\n", r.metric, r.value, r.unit);
  std::vector<std::pair<std::string, std::string>> files{{id + "_indices.csv", csv}};
  if (json) {
    nlohmann::ordered_json j;
    j["task"] = id;
    j["notice"] = "mechanics computed by a model, not a diagnosis or medical advice";
    for (const auto& [name, value] : task.values) j["parameters"][name] = value;
    for (const auto& r : rows) j["indices"][r.metric] = {{"value", r.value}, {"unit", r.unit}};
    files.emplace_back(safe_file_stem(id) + "_indices.json", j.dump(2) + "\n");
  }
  return files;
}

}  // namespace spineload
