#include "subject/subject.hpp"
#include "subject/subject_data.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <numbers>

#include "common/errors.hpp"
#include "dynamics/dynamics.hpp"
#include "io/yaml_util.hpp"
#include "model/data.hpp"
#include "model/embedded_data.hpp"
#include "model/model_source.hpp"

namespace spineload {

namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
constexpr double kWeeksPerMonth = 4.345;

}  // namespace

namespace {

Table read_table(const YAML::Node& n, const char* xs, const char* ys, const std::string& file, const std::string& ctx) {
  Table t;
  for (const auto& v : yaml::require(n, xs, file, ctx)) t.x.push_back(yaml::as_double(v, file, ctx + "." + xs));
  for (const auto& v : yaml::require(n, ys, file, ctx)) t.y.push_back(yaml::as_double(v, file, ctx + "." + ys));
  if (t.x.size() != t.y.size() || t.x.size() < 2)
    throw InputError(file, yaml::line_of(n), ctx + "." + ys, "table columns must have the same length (2 or more)");
  return t;
}

double num(const YAML::Node& n, const char* key, const std::string& file, const std::string& ctx) {
  return yaml::as_double(yaml::require(n, key, file, ctx), file, ctx + "." + key);
}

std::vector<std::string> strings(const YAML::Node& n, const char* key, const std::string& file, const std::string& ctx) {
  std::vector<std::string> out;
  for (const auto& v : yaml::require(n, key, file, ctx)) out.push_back(yaml::as_string(v, file, ctx + "." + key));
  return out;
}

std::shared_ptr<const SubjectData> parse_subject_data(const std::string& text, const std::string& file) {
  const YAML::Node root = yaml::parse(text, file);
  auto d = std::make_shared<SubjectData>();
  const auto comp = yaml::require(root, "weight_gain_components", file, "");
  for (const auto& v : yaml::require(comp, "weeks", file, "weight_gain_components"))
    d->component_weeks.push_back(yaml::as_double(v, file, "weight_gain_components.weeks"));
  for (const auto& kv : yaml::require(comp, "grams", file, "weight_gain_components")) {
    const std::string name = yaml::key_of(kv.first, file, "weight_gain_components.grams");
    Table t{d->component_weeks, {}};
    for (const auto& v : kv.second) t.y.push_back(yaml::as_double(v, file, "weight_gain_components.grams." + name));
    if (t.y.size() != t.x.size())
      throw InputError(file, yaml::line_of(kv.second), "weight_gain_components.grams." + name, "one value per week expected");
    d->component_names.push_back(name);
    d->component_g[name] = t;
  }
  const auto pl = yaml::require(root, "placement", file, "");
  d->fundal_cm_per_week = num(pl, "fundal_height_cm_per_week", file, "placement");
  d->fundal_max_cm = num(pl, "fundal_height_max_cm", file, "placement");
  d->symphysis_m = yaml::as_vector3(yaml::require(pl, "symphysis_m", file, "placement"), file, "placement.symphysis_m");
  d->breasts_m = yaml::as_vector3(yaml::require(pl, "breasts_m", file, "placement"), file, "placement.breasts_m");
  d->uterus_forward_growth = num(pl, "uterus_forward_growth", file, "placement");
  d->uterus_components = strings(pl, "uterus_components", file, "placement");
  d->uterus_depth_ratio = num(pl, "uterus_depth_per_fundal_height", file, "placement");
  d->uterus_width_ratio = num(pl, "uterus_width_per_fundal_height", file, "placement");
  d->abdominal_wall_m = num(pl, "abdominal_wall_m", file, "placement");
  d->distributed_components = strings(pl, "distributed_components", file, "placement");
  const auto fat = yaml::require(pl, "fat_share", file, "placement");
  d->fat_trunk = num(fat, "trunk", file, "placement.fat_share");
  d->fat_thighs = num(fat, "thighs", file, "placement.fat_share");
  d->fat_arms = num(fat, "arms", file, "placement.fat_share");
  const auto pp = yaml::require(root, "postpartum", file, "");
  d->involution_weeks = num(pp, "uterus_involution_weeks", file, "postpartum");
  d->fundal_after_delivery_cm = num(pp, "fundal_height_after_delivery_cm", file, "postpartum");
  d->fundal_descent_cm_per_day = num(pp, "fundal_descent_cm_per_day", file, "postpartum");
  d->retained_fat_52 = num(pp, "retained_fat_fraction_at_52_weeks", file, "postpartum");
  d->fluid_loss_weeks = num(pp, "fluid_loss_weeks", file, "postpartum");
  d->lactating_breast_g = num(pp, "lactating_breast_g", file, "postpartum");
  d->max_lumbar_extension_deg =
      num(yaml::require(root, "posture_adaptation", file, ""), "max_lumbar_extension_deg", file, "posture_adaptation");
  const auto ab = yaml::require(root, "abdominal_wall", file, "");
  d->ird_preg = read_table(ab, "weeks_pregnant", "inter_rectus_distance_cm", file, "abdominal_wall");
  d->cap_preg = read_table(ab, "weeks_pregnant", "capacity_factor", file, "abdominal_wall");
  d->ird_pp = read_table(ab, "weeks_postpartum", "inter_rectus_distance_postpartum_cm", file, "abdominal_wall");
  d->cap_pp = read_table(ab, "weeks_postpartum", "capacity_factor_postpartum", file, "abdominal_wall");
  d->caesarean_factor = num(ab, "caesarean_capacity_factor", file, "abdominal_wall");
  d->caesarean_weeks = num(ab, "caesarean_recovery_weeks", file, "abdominal_wall");
  d->abdominal_groups = strings(ab, "muscle_groups", file, "abdominal_wall");
  const auto lax = yaml::require(root, "laxity", file, "");
  d->relaxin_preg = read_table(lax, "relaxin_weeks_pregnant", "relaxin_relative_pregnant", file, "laxity");
  d->relaxin_pp = read_table(lax, "relaxin_weeks_postpartum", "relaxin_relative_postpartum", file, "laxity");
  d->default_laxity = num(lax, "default_stiffness_reduction_at_peak", file, "laxity");
  const auto nx = yaml::require(root, "neuraxial", file, "");
  d->neuraxial_weeks = num(nx, "default_recovery_weeks", file, "neuraxial");
  d->neuraxial_stiffness = num(nx, "stiffness_factor", file, "neuraxial");
  d->neuraxial_extensor = num(nx, "extensor_capacity_factor", file, "neuraxial");
  const auto bone = yaml::require(root, "bone", file, "");
  d->ya_bmd = num(bone, "young_adult_lumbar_bmd_g_cm2", file, "bone");
  d->ya_sd = num(bone, "young_adult_sd_g_cm2", file, "bone");
  d->lactation_change = read_table(bone, "lactation_months", "lactation_change_percent", file, "bone");
  d->weaning_rate = num(bone, "weaning_gain_percent_per_month", file, "bone");
  d->non_lact_rate = num(bone, "non_lactating_gain_percent_per_month", file, "bone");
  d->non_lact_max = num(bone, "non_lactating_gain_max_percent", file, "bone");
  const auto ca = yaml::require(root, "calcium", file, "");
  const auto adult = yaml::require(ca, "lactation_19_50", file, "calcium");
  const auto teen = yaml::require(ca, "lactation_14_18", file, "calcium");
  d->ca_ear_adult = num(adult, "ear_mg", file, "calcium.lactation_19_50");
  d->ca_rda_adult = num(adult, "rda_mg", file, "calcium.lactation_19_50");
  d->ca_ul_adult = num(adult, "ul_mg", file, "calcium.lactation_19_50");
  d->ca_ear_teen = num(teen, "ear_mg", file, "calcium.lactation_14_18");
  d->ca_rda_teen = num(teen, "rda_mg", file, "calcium.lactation_14_18");
  d->ca_ul_teen = num(teen, "ul_mg", file, "calcium.lactation_14_18");
  d->calcium_evidence = yaml::as_string(yaml::require(ca, "evidence", file, "calcium"), file, "calcium.evidence");
  const auto checks = yaml::require(root, "checks", file, "");
  d->check_lower_trunk_kg_per_week = num(checks, "lower_trunk_gain_kg_per_week", file, "checks");
  d->check_abdomen_term_kg = num(checks, "abdomen_gain_at_term_kg", file, "checks");
  return d;
}

}  // namespace

std::shared_ptr<const SubjectData> default_subject_data() {
  // Parsed once: immutable data shared by every thread (a cohort asks for it per subject).
  static const std::shared_ptr<const SubjectData> data =
      parse_subject_data(std::string(embedded::pregnancy_yaml()), "subject/pregnancy.yaml");
  return data;
}

Subject parse_subject_text(const std::string& text, const std::string& file) {
  const YAML::Node root = yaml::parse(text, file);
  if (!root.IsMap()) throw InputError(file, 1, "", "expected a mapping of subject fields");
  yaml::check_keys(root, {"name", "height_m", "pre_pregnancy_mass_kg", "age_years", "stage", "week", "delivery",
                          "delivery_week", "neuraxial", "breastfeeding", "lumbar_bmd_g_cm2", "t_score",
                          "calcium_mg_per_day", "trunk_strength_factor", "posture_adaptation",
                          "laxity_stiffness_reduction"},
                   file, "");
  Subject s;
  s.file = file;
  auto number = [&](const char* key, double lo, double hi, double& out) {
    if (!root[key]) return;
    out = yaml::as_double(root[key], file, key);
    if (out < lo || out > hi)
      throw InputError(file, yaml::line_of(root[key]), key,
                       fmt::format("{} is outside the accepted range {} to {}", out, lo, hi));
  };
  if (root["name"]) s.name = yaml::as_string(root["name"], file, "name");
  number("height_m", 1.2, 2.2, s.height_m);
  number("pre_pregnancy_mass_kg", 30, 200, s.pre_pregnancy_mass_kg);
  number("age_years", 14, 55, s.age_years);
  number("trunk_strength_factor", 0.2, 2.0, s.trunk_strength_factor);
  number("calcium_mg_per_day", 0, 10000, s.calcium_mg_per_day);
  number("lumbar_bmd_g_cm2", 0.4, 2.0, s.lumbar_bmd_g_cm2);
  number("t_score", -6, 6, s.t_score);
  number("laxity_stiffness_reduction", 0, 0.5, s.laxity_stiffness_reduction);
  number("delivery_week", 24, 42, s.delivery_week);
  if (root["posture_adaptation"]) s.posture_adaptation = yaml::as_bool(root["posture_adaptation"], file, "posture_adaptation");
  if (root["stage"]) {
    const std::string st = yaml::as_string(root["stage"], file, "stage");
    if (st == "pregnant") s.stage = Stage::pregnant;
    else if (st == "postpartum") s.stage = Stage::postpartum;
    else throw InputError(file, yaml::line_of(root["stage"]), "stage", "expected 'pregnant' or 'postpartum', got '" + st + "'");
  }
  if (root["week"]) {
    if (!s.stage) throw InputError(file, yaml::line_of(root["week"]), "week", "a week needs a stage (pregnant or postpartum)");
    const double hi = *s.stage == Stage::pregnant ? 42 : 52;
    number("week", 0, hi, s.week);
  }
  // Postpartum facts do not belong to a pregnant stage (a file without a stage may hold both,
  // for timelines).
  const bool pregnant = s.stage && *s.stage == Stage::pregnant;
  for (const char* key : {"delivery", "neuraxial", "breastfeeding"})
    if (root[key] && pregnant)
      throw InputError(file, yaml::line_of(root[key]), key, "a postpartum field on a pregnant stage");
  if (root["delivery"]) {
    const std::string d = yaml::as_string(root["delivery"], file, "delivery");
    if (d == "vaginal") s.delivery = Delivery::vaginal;
    else if (d == "caesarean") s.delivery = Delivery::caesarean;
    else throw InputError(file, yaml::line_of(root["delivery"]), "delivery", "expected 'vaginal' or 'caesarean', got '" + d + "'");
  }
  if (root["neuraxial"]) {
    const YAML::Node n = root["neuraxial"];
    yaml::check_keys(n, {"type", "level", "recovery_weeks"}, file, "neuraxial");
    s.neuraxial = yaml::as_string(yaml::require(n, "type", file, "neuraxial"), file, "neuraxial.type");
    if (s.neuraxial != "none" && s.neuraxial != "epidural" && s.neuraxial != "spinal")
      throw InputError(file, yaml::line_of(n["type"]), "neuraxial.type", "expected none, epidural or spinal");
    if (n["level"]) {
      s.puncture_level = yaml::as_string(n["level"], file, "neuraxial.level");
      static const std::vector<std::string> levels{"T12_L1", "L1_L2", "L2_L3", "L3_L4", "L4_L5", "L5_S1"};
      if (std::find(levels.begin(), levels.end(), s.puncture_level) == levels.end())
        throw InputError(file, yaml::line_of(n["level"]), "neuraxial.level", "expected a lumbar level such as L3_L4");
    }
    if (n["recovery_weeks"]) {
      s.neuraxial_recovery_weeks = yaml::as_double(n["recovery_weeks"], file, "neuraxial.recovery_weeks");
      if (s.neuraxial_recovery_weeks < 0 || s.neuraxial_recovery_weeks > 52)
        throw InputError(file, yaml::line_of(n["recovery_weeks"]), "neuraxial.recovery_weeks", "expected 0 to 52 weeks");
    }
  }
  if (root["breastfeeding"]) {
    const YAML::Node b = root["breastfeeding"];
    yaml::check_keys(b, {"active", "months_so_far", "weaning_week"}, file, "breastfeeding");
    s.breastfeeding = yaml::as_bool(yaml::require(b, "active", file, "breastfeeding"), file, "breastfeeding.active");
    if (b["months_so_far"]) {
      s.months_so_far = yaml::as_double(b["months_so_far"], file, "breastfeeding.months_so_far");
      const double since_delivery = s.stage && *s.stage == Stage::postpartum ? s.week / kWeeksPerMonth : 0.0;
      if (s.months_so_far < 0 || s.months_so_far > since_delivery + 1e-9)
        throw InputError(file, yaml::line_of(b["months_so_far"]), "breastfeeding.months_so_far",
                         fmt::format("expected 0 to {:.1f} months (the time since delivery at her stage)", since_delivery));
    }
    if (b["weaning_week"]) {
      s.weaning_week = yaml::as_double(b["weaning_week"], file, "breastfeeding.weaning_week");
      if (s.weaning_week < 0 || s.weaning_week > 156)
        throw InputError(file, yaml::line_of(b["weaning_week"]), "breastfeeding.weaning_week", "expected 0 to 156 weeks after delivery");
    }
  }
  return s;
}

Subject load_subject_file(const std::string& path) {
  return parse_subject_text(yaml::read_text_file(path), path);
}

Subject at_stage(const Subject& subject, Stage stage, double week) {
  Subject s = subject;
  s.stage = stage;
  s.week = week;
  s.months_so_far = -1;  // at another stage the months follow from the weeks
  return s;
}

SubjectState subject_state(const SubjectData& d, const Subject& s) {
  SubjectState st;
  const Stage stage = s.stage.value_or(Stage::pregnant);
  const double w = s.week;
  st.stage_label = fmt::format("{} week {:g}", stage == Stage::pregnant ? "pregnant" : "postpartum", w);
  auto grams_at = [&](const std::string& name, double week) { return d.component_g.at(name).at(week); };
  if (stage == Stage::pregnant) {
    for (const auto& name : d.component_names) st.components_kg.emplace_back(name, grams_at(name, w) / 1000);
    st.fundal_height_cm = std::min(w * d.fundal_cm_per_week, d.fundal_max_cm);
    st.inter_rectus_distance_cm = d.ird_preg.at(w);
    st.abdominal_capacity_factor = d.cap_preg.at(w);
    st.relaxin_relative = d.relaxin_preg.at(w);
  } else {
    const double dw = s.delivery_week;
    for (const auto& name : d.component_names) {
      const bool uterus_content = std::find(d.uterus_components.begin(), d.uterus_components.end(), name) !=
                                  d.uterus_components.end();
      const bool fluid = std::find(d.distributed_components.begin(), d.distributed_components.end(), name) !=
                         d.distributed_components.end();
      double kg = grams_at(name, dw) / 1000;
      if (name == "uterus") kg *= std::max(0.0, 1 - w / d.involution_weeks);
      else if (uterus_content) kg = 0;  // fetus, placenta, amniotic fluid leave at delivery
      else if (fluid) kg *= std::max(0.0, 1 - w / d.fluid_loss_weeks);
      else if (name == "fat") kg *= 1 - (1 - d.retained_fat_52) * std::min(w, 52.0) / 52;
      else if (name == "breasts") {
        const double lactating = d.lactating_breast_g / 1000;
        if (s.breastfeeding && w <= s.weaning_week) kg = lactating;
        else {
          const double since = s.breastfeeding ? w - s.weaning_week : w;
          const double from = s.breastfeeding ? lactating : kg;
          kg = from * std::max(0.0, 1 - since / 12);
        }
      }
      st.components_kg.emplace_back(name, kg);
    }
    // The fundus falls to the umbilicus at delivery and descends a centimetre a day.
    st.fundal_height_cm = std::max(0.0, std::min({dw * d.fundal_cm_per_week, d.fundal_max_cm, d.fundal_after_delivery_cm}) -
                                            7 * w * d.fundal_descent_cm_per_day);
    st.inter_rectus_distance_cm = d.ird_pp.at(w);
    st.abdominal_capacity_factor = d.cap_pp.at(w);
    if (s.delivery == Delivery::caesarean)
      st.abdominal_capacity_factor *=
          d.caesarean_factor + (1 - d.caesarean_factor) * std::min(1.0, w / d.caesarean_weeks);
    st.relaxin_relative = d.relaxin_pp.at(w);
    st.lactation_months = !s.breastfeeding         ? 0.0
                          : s.months_so_far >= 0 ? s.months_so_far
                                                 : std::min(w, s.weaning_week) / kWeeksPerMonth;
    const double recovery = s.neuraxial_recovery_weeks >= 0 ? s.neuraxial_recovery_weeks : d.neuraxial_weeks;
    st.neuraxial_active = s.neuraxial != "none" && w < recovery;
  }
  for (const auto& [name, kg] : st.components_kg) st.gain_kg += kg;
  const double reduction = s.laxity_stiffness_reduction >= 0 ? s.laxity_stiffness_reduction : d.default_laxity;
  st.stiffness_factor = 1 - reduction * st.relaxin_relative;
  // Bone: lactation loss, recovery after weaning back to baseline; gain when not lactating.
  if (stage == Stage::postpartum) {
    if (s.breastfeeding) {
      const double loss = d.lactation_change.at(st.lactation_months);
      const double after = std::max(0.0, w - s.weaning_week) / kWeeksPerMonth;
      st.bmd_change_percent = std::min(0.0, loss + d.weaning_rate * after);
    } else {
      st.bmd_change_percent = std::min(d.non_lact_max, d.non_lact_rate * w / kWeeksPerMonth);
    }
  }
  const double baseline = s.lumbar_bmd_g_cm2 > 0 ? s.lumbar_bmd_g_cm2 : d.ya_bmd + s.t_score * d.ya_sd;
  st.lumbar_bmd_g_cm2 = baseline * (1 + st.bmd_change_percent / 100);
  return st;
}

namespace {

// Spreads `kg` over bodies in proportion to their reference mass fractions, at their COMs.
void spread(const ModelSource& src, const std::vector<std::string>& bodies, double kg, const std::string& label,
            std::vector<AddedMass>& out) {
  double total = 0;
  for (const auto& b : src.bodies)
    if (std::find(bodies.begin(), bodies.end(), b.name) != bodies.end()) total += b.mass_fraction;
  for (const auto& b : src.bodies)
    if (std::find(bodies.begin(), bodies.end(), b.name) != bodies.end())
      out.push_back({label, b.name, kg * b.mass_fraction / total, b.com_m});
}

double joint_height(const ModelSource& src, const std::string& child) {
  for (const auto& j : src.joints)
    if (j.child == child) return j.centre_m.y();
  throw InputError("subject/pregnancy.yaml", 0, "trunk_bodies", "no joint has child '" + child + "'");
}

}  // namespace

ModelAdjustments subject_adjustments(const ModelSource& src, const SubjectData& d, const Subject& s,
                                     const SubjectState& st) {
  ModelAdjustments adj;
  double uterus_kg = 0;
  for (const auto& [name, kg] : st.components_kg) {
    if (kg <= 0) continue;
    if (std::find(d.uterus_components.begin(), d.uterus_components.end(), name) != d.uterus_components.end()) {
      uterus_kg += kg;
    } else if (name == "breasts") {
      adj.added_masses.push_back({name, "upper_thorax", kg, d.breasts_m});
    } else if (name == "fat") {
      spread(src, {"pelvis", "L5", "L4", "L3", "L2", "L1", "lower_thorax", "upper_thorax"}, kg * d.fat_trunk, name,
             adj.added_masses);
      spread(src, {"thigh_r", "thigh_l"}, kg * d.fat_thighs, name, adj.added_masses);
      spread(src, {"upper_arm_r", "upper_arm_l", "forearm_r", "forearm_l"}, kg * d.fat_arms, name, adj.added_masses);
    } else {
      std::vector<std::string> all;
      for (const auto& b : src.bodies) all.push_back(b.name);
      spread(src, all, kg, name, adj.added_masses);
    }
  }
  // The uterus and its contents: a column from the symphysis to the fundus, sliced over the
  // trunk bodies by height (the rule the model uses for de Leva's trunk segments).
  const double fh_m = st.fundal_height_cm / 100;
  const double forward = d.uterus_forward_growth * fh_m;
  if (uterus_kg > 0) {
    const double bottom = d.symphysis_m.y(), top = bottom + std::max(fh_m, 0.02);
    for (std::size_t k = 0; k + 1 < d.trunk_bodies.size(); ++k) {
      const double lo = std::max(bottom, joint_height(src, d.trunk_bodies[k]));
      const double hi = std::min(top, joint_height(src, d.trunk_bodies[k + 1]));
      if (hi <= lo) continue;
      // Each slice an elliptical slab: height h, depth D, width W.
      const double h = hi - lo, depth = d.uterus_depth_ratio * fh_m, width = d.uterus_width_ratio * fh_m;
      const Eigen::Vector3d r2(h * h / 12 + width * width / 16, (depth * depth + width * width) / 16,
                               h * h / 12 + depth * depth / 16);
      // The slab takes room: her depth plus the wall in front, her width, its height.
      adj.added_masses.push_back({"uterus and contents", d.trunk_bodies[k], uterus_kg * h / (top - bottom),
                                  Eigen::Vector3d(d.symphysis_m.x() + forward, 0.5 * (lo + hi), 0), r2.cwiseSqrt(),
                                  Eigen::Vector3d(depth / 2 + d.abdominal_wall_m, h / 2, width / 2)});
    }
  }
  // Abdominal wall: weaker, pushed forward by the uterus, rectus separated at the midline.
  for (const auto& group : d.abdominal_groups) {
    adj.group_capacity.emplace_back(group, st.abdominal_capacity_factor);
    adj.group_via_shift_m.emplace_back(group, Eigen::Vector3d(forward, 0, 0));
  }
  adj.group_via_shift_m.emplace_back("rectus_abdominis", Eigen::Vector3d(0, 0, st.inter_rectus_distance_cm / 200));
  adj.passive_stiffness_factor = st.stiffness_factor;
  if (st.neuraxial_active) {
    adj.joint_stiffness_factor.emplace_back(s.puncture_level, d.neuraxial_stiffness);
    std::string compact = s.puncture_level;
    compact.erase(std::remove(compact.begin(), compact.end(), '_'), compact.end());
    const std::string upper = s.puncture_level.substr(0, s.puncture_level.find('_'));
    for (const std::string& m : {"IS_" + compact, "IT_" + compact, "MF_" + upper})
      adj.muscle_capacity.emplace_back(m, d.neuraxial_extensor);
  }
  adj.trunk_strength_factor = s.trunk_strength_factor;
  adj.age_years = s.age_years;
  adj.lumbar_bmd_g_cm2 = st.lumbar_bmd_g_cm2;
  return adj;
}

std::shared_ptr<const Model> build_prepregnancy_model(const ModelSource& source, const Subject& subject, bool still_only) {
  ModelAdjustments adj;
  adj.age_years = subject.age_years;
  return still_only ? build_static_model(source, subject.height_m, subject.pre_pregnancy_mass_kg, adj)
                    : build_model(source, subject.height_m, subject.pre_pregnancy_mass_kg, adj);
}

std::shared_ptr<const Model> build_subject_model(const ModelSource& source, const SubjectData& data,
                                                 const Subject& subject, bool still_only) {
  const SubjectState st = subject_state(data, subject);
  const ModelAdjustments adj = subject_adjustments(source, data, subject, st);
  return still_only ? build_static_model(source, subject.height_m, subject.pre_pregnancy_mass_kg, adj)
                    : build_model(source, subject.height_m, subject.pre_pregnancy_mass_kg, adj);
}

void rebuild_subject_model(const ModelSource& source, const SubjectData& data, const Subject& subject, Model& model) {
  const SubjectState st = subject_state(data, subject);
  rebuild_static_model(source, subject.height_m, subject.pre_pregnancy_mass_kg,
                       subject_adjustments(source, data, subject, st), model);
}

namespace {

double upper_body_com_x(const Model& m, Data& data, const Eigen::VectorXd& q) {
  body_poses(m, data, q);
  return upper_body_com_ahead_of_hips_m(m, data);
}

}  // namespace

Posture adapt_posture(const Model& pregnant, const Posture& posture, const SubjectData& data,
                      std::vector<double>* extension_deg) {
  Data pd(pregnant);
  return adapt_posture(pregnant, pd, posture, data, extension_deg);
}

Posture adapt_posture(const Model& pregnant, Data& pd, const Posture& posture, const SubjectData& data,
                      std::vector<double>* extension_deg) {
  Posture adapted = posture;
  // Lumbar extension spread like the trunk-flexion rhythm's lumbar share.
  const auto lumbar = lumbar_ratios(pregnant, pregnant.rhythms[pregnant.rhythm_index("trunk_flexion")]);
  double share = 0;
  for (const auto& [c, ratio] : lumbar) share += ratio;
  for (std::size_t k = 0; k < adapted.q_rad.size(); ++k) {
    Eigen::VectorXd& q = adapted.q_rad[k];
    // Where her upper body's centre of mass was before pregnancy in this posture: the same
    // skeleton (her height and pre-pregnancy mass scale both models alike) without the
    // masses pregnancy and lactation add; no second model to build.
    body_poses(pregnant, pd, q);
    const double target = upper_body_com_ahead_of_hips_m(pregnant, pd, true);
    auto extended = [&](double alpha) {
      Eigen::VectorXd out = q;
      for (const auto& [c, ratio] : lumbar) out[c] -= alpha * ratio / share;
      return out;
    };
    // The largest extension the joints' ranges and the published 28 deg allow.
    double max_alpha = data.max_lumbar_extension_deg * kDeg;
    for (const auto& [c, ratio] : lumbar)
      max_alpha = std::min(max_alpha, (q[c] - pregnant.coordinates[c].min_rad) * share / ratio);
    max_alpha = std::max(0.0, max_alpha);
    double alpha = 0;
    const double g0 = upper_body_com_ahead_of_hips_m(pregnant, pd) - target;  // poses at q, above
    if (g0 > 0) {
      const double g_max = upper_body_com_x(pregnant, pd, extended(max_alpha)) - target;
      if (g_max > 0) {
        alpha = max_alpha;  // the published limit is reached before the centre of mass is back
      } else {
        // The centre of mass moves back smoothly and monotonically with the extension:
        // regula falsi (Illinois) brackets the root as bisection did, in about 5 kinematics
        // evaluations instead of 40 (a cohort poses every subject: measured 4x faster).
        double lo = 0, hi = max_alpha, glo = g0, ghi = g_max;
        alpha = hi;
        int side = 0;
        for (int it = 0; it < 60 && hi - lo > 1e-13; ++it) {
          alpha = (lo * ghi - hi * glo) / (ghi - glo);
          const double g = upper_body_com_x(pregnant, pd, extended(alpha)) - target;
          if (std::abs(g) < 1e-10) break;  // 0.1 nm
          if (g > 0) {
            lo = alpha, glo = g;
            if (side == 1) ghi *= 0.5;
            side = 1;
          } else {
            hi = alpha, ghi = g;
            if (side == -1) glo *= 0.5;
            side = -1;
          }
        }
      }
    }
    q = extended(alpha);
    if (extension_deg) extension_deg->push_back(alpha / kDeg);
  }
  return adapted;
}

std::vector<std::string> subject_notes(const SubjectData& d, const Subject& s, const SubjectState& st) {
  std::vector<std::string> notes;
  notes.push_back(fmt::format("subject {}: {}, {:.2f} m, {:.1f} kg before pregnancy (+{:.1f} kg now), age {:g}",
                              s.name, st.stage_label, s.height_m, s.pre_pregnancy_mass_kg, st.gain_kg, s.age_years));
  notes.push_back(fmt::format("lumbar BMD {:.3f} g/cm2 ({:+.1f} % from her baseline{}); abdominal capacity x{:.2f}; "
                              "passive stiffness x{:.2f} (relaxin {:.0f} % of peak)",
                              st.lumbar_bmd_g_cm2, st.bmd_change_percent,
                              st.lactation_months > 0 ? fmt::format(", {:.1f} months of lactation", st.lactation_months) : "",
                              st.abdominal_capacity_factor, st.stiffness_factor, 100 * st.relaxin_relative));
  if (s.calcium_mg_per_day >= 0) {
    const bool teen = s.age_years < 19;
    const double ear = teen ? d.ca_ear_teen : d.ca_ear_adult, rda = teen ? d.ca_rda_teen : d.ca_rda_adult,
                 ul = teen ? d.ca_ul_teen : d.ca_ul_adult;
    const char* where = s.calcium_mg_per_day > ul    ? "ABOVE the tolerable upper intake level"
                        : s.calcium_mg_per_day >= rda ? "at or above the recommended intake"
                        : s.calcium_mg_per_day >= ear ? "between the average requirement and the recommended intake"
                                                      : "below the estimated average requirement";
    notes.push_back(fmt::format("calcium {:g} mg/day: {} (IOM 2011, {}: EAR {:g}, RDA {:g}, UL {:g} mg/day). {}",
                                s.calcium_mg_per_day, where, teen ? "14-18 y" : "19-50 y", ear, rda, ul,
                                d.calcium_evidence));
  }
  if (st.neuraxial_active)
    notes.push_back(fmt::format("ASSUMPTION: {} at {}: passive stiffness and the short extensors at that level are "
                                "reduced for the first weeks after delivery; no measurement of this effect exists "
                                "(see docs/subject.md)",
                                s.neuraxial, s.puncture_level));
  if (st.relaxin_relative > 0)
    notes.push_back("ASSUMPTION: passive joint stiffness follows the serum relaxin profile; its size is not measured "
                    "(laxity_stiffness_reduction in the subject file, 0 to 0.5)");
  return notes;
}

}  // namespace spineload
