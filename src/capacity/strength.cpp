#include "capacity/strength.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "analysis/analyze.hpp"
#include "capacity/fatigue.hpp"
#include "dynamics/dynamics.hpp"
#include "io/yaml_util.hpp"
#include "model/data.hpp"
#include "model/embedded_data.hpp"
#include "muscles/muscle_geometry.hpp"
#include "muscles/passive_tissues.hpp"
#include "posture/posture.hpp"
#include "recruitment/recruitment.hpp"

namespace spineload {

namespace {

// One isometric test at spinal level `k` (index into model.spinal_joints): the body below the
// level held by the apparatus (its levels' equations left to the fixation), a pad on the
// upper thorax (the head for the neck's levels) loaded in direction d with `magnitude`
// newtons (a couple of that many newton metres for axial rotation). True when the muscles
// hold every level from k up without reserves.
struct StrengthTest {
  const Model& model;
  Data data;
  RecruitmentOptions options;
  explicit StrengthTest(const Model& m) : model(m), data(m) {}

  // The pad rests on the trunk segment just above the level's region: the lower thorax for
  // the lumbar levels, the upper thorax for the mid-thoracic level, the head for the neck.
  int pad_body(std::size_t k) const {
    const std::string& name = model.joints[model.spinal_joints[k]].name;
    if (name == "C7_T1" || name == "C0_C1") return model.body_index("head");
    if (name == "T6_T7") return model.body_index("upper_thorax");
    return model.body_index("lower_thorax");
  }

  std::vector<ExternalLoad> pad_loads(std::size_t k, std::size_t d, double magnitude) const {
    const int body = pad_body(k);
    const Eigen::Vector3d at = model.bodies[body].com_m;
    if (d < 2)  // extension: she pushes back against a pad that pushes her forward
      return {{"pad", body, at, Eigen::Vector3d(d == 0 ? magnitude : -magnitude, 0, 0)}};
    if (d < 4)  // right bending: the pad pushes her left
      return {{"pad", body, at, Eigen::Vector3d(0, 0, d == 2 ? -magnitude : magnitude)}};
    // Axial rotation: a horizontal couple about the vertical through the pad, 0.1 m arms.
    const double f = magnitude / 0.2, sign = d == 4 ? 1.0 : -1.0;
    return {{"pad", body, at + Eigen::Vector3d(0, 0, 0.1), Eigen::Vector3d(sign * f, 0, 0)},
            {"pad", body, at - Eigen::Vector3d(0, 0, 0.1), Eigen::Vector3d(-sign * f, 0, 0)}};
  }

  bool holds(std::size_t k, std::size_t d, double magnitude) {
    const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(model.coordinates.size()));
    forward_kinematics(model, data, zero, zero);
    apply_loads(model, data, pad_loads(k, d, magnitude));
    data.contacts.clear();
    data.contact_force_N.resize(0);
    inverse_dynamics(model, data, zero);
    passive_moments(model, data);
    muscle_geometry(model, data);
    passive_tissues(model, data);
    const SeparableProblem all = recruitment_problem(model, data, options);
    // Levels below the one tested are held by the apparatus; the tested level and every one
    // above it (the trunk, neck and head she holds against the pad) must be in equilibrium,
    // so the problem keeps their equations (and reserves) alone. A muscle that spans the
    // mid-thoracic joint (the rectus) is then used only as far as the upper trunk is held.
    const int n_free = all.num_variables() - all.num_constraints();  // muscles, contacts, actuators
    std::vector<int> rows;
    for (std::size_t r = 0; r < model.equilibrium_coordinates.size(); ++r) {
      const int joint = model.coordinates[model.equilibrium_coordinates[r]].joint;
      const auto pos = std::find(model.spinal_joints.begin(), model.spinal_joints.end(), joint) - model.spinal_joints.begin();
      if (pos >= static_cast<std::ptrdiff_t>(k) && pos < static_cast<std::ptrdiff_t>(model.spinal_joints.size()))
        rows.push_back(static_cast<int>(r));
    }
    const int m = static_cast<int>(rows.size());
    SeparableProblem p;
    p.A = Eigen::MatrixXd::Zero(m, n_free + m);
    p.b.resize(m);
    p.weight.resize(n_free + m);
    p.lower.resize(n_free + m);
    p.upper.resize(n_free + m);
    p.power.resize(n_free + m);
    p.weight.head(n_free) = all.weight.head(n_free);
    p.lower.head(n_free) = all.lower.head(n_free);
    p.upper.head(n_free) = all.upper.head(n_free);
    p.power.head(n_free) = all.power.head(n_free);
    for (int i = 0; i < m; ++i) {
      p.A.row(i).head(n_free) = all.A.row(rows[i]).head(n_free);
      p.A(i, n_free + i) = 1;
      p.b[i] = all.b[rows[i]];
      p.weight[n_free + i] = all.weight[n_free + rows[i]];
      p.lower[n_free + i] = all.lower[n_free + rows[i]];
      p.upper[n_free + i] = all.upper[n_free + rows[i]];
      p.power[n_free + i] = all.power[n_free + rows[i]];
    }
    const SolveResult res = solve_fast(p, nullptr);
    if (!res.converged) return false;
    // Held as analyses judge it: no reserve beyond the beyond-capacity threshold.
    for (int i = 0; i < m; ++i) {
      const double net = std::abs(data.tau_Nm[model.equilibrium_coordinates[rows[i]]]);
      if (std::abs(res.x[n_free + i]) > std::max(options.reserve_threshold_Nm, options.reserve_threshold_fraction * net))
        return false;
    }
    return true;
  }
};

}  // namespace

std::vector<LevelStrength> trunk_strength(const Model& model) {
  StrengthTest test(model);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(static_cast<int>(model.coordinates.size()));
  body_poses(model, test.data, zero);
  // The lever from the level's joint centre to the pad of test `k` (upright: the pad's height).
  const auto lever_m = [&](std::size_t level, std::size_t k) {
    const int pad = test.pad_body(k);
    const Eigen::Vector3d at = test.data.pose[pad] * model.bodies[pad].com_m;
    return at.y() - test.data.pose[model.joints[model.spinal_joints[level]].child_body].translation().y();
  };
  // The largest pad load held in test k, direction d, by bisection (holding is monotone).
  const auto max_load = [&](std::size_t k, std::size_t d) {
    double lo = 0, hi = 50;
    while (test.holds(k, d, hi) && hi < 1e5) lo = hi, hi *= 2;
    for (int it = 0; it < 40 && hi - lo > 0.05; ++it) {
      const double mid = 0.5 * (lo + hi);
      (test.holds(k, d, mid) ? lo : hi) = mid;
    }
    return lo;
  };
  // The moment a pad load makes at a level (about the joint centre); a couple for rotation.
  const auto moment = [&](double load, std::size_t level, std::size_t k, std::size_t d) {
    return d < 4 ? load * lever_m(level, k) : load;
  };
  std::vector<LevelStrength> out;
  std::vector<std::array<double, kStrengthDirections.size()>> loads(model.spinal_joints.size());
  for (std::size_t k = 0; k < model.spinal_joints.size(); ++k) {
    LevelStrength s;
    s.joint = model.spinal_joints[k];
    for (std::size_t d = 0; d < kStrengthDirections.size(); ++d) {
      loads[k][d] = max_load(k, d);
      s.max_moment_Nm[d] = moment(loads[k][d], k, k, d);
    }
    out.push_back(s);
  }
  // The pelvis-held test is the lowest level's (spinal_joints runs upwards from the sacrum);
  // its pad loads every level that shares its pad and lies below it.
  const std::size_t base = 0;
  for (std::size_t d = 0; d < kStrengthDirections.size(); ++d) {
    const double load = loads[base][d];
    for (std::size_t k = 0; k < out.size(); ++k) {
      if (test.pad_body(k) != test.pad_body(base)) continue;
      out[k].pelvis_held = true;
      out[k].pelvis_held_moment_Nm[d] = moment(load, k, base, d);
    }
  }
  return out;
}

std::vector<StrengthReference> trunk_strength_references() {
  const std::string file = "capacity/trunk_strength.yaml";
  const YAML::Node root = yaml::parse(std::string(embedded::trunk_strength_yaml()), file);
  std::vector<StrengthReference> out;
  for (const auto& r : yaml::require(root, "references", file, "")) {
    StrengthReference s;
    s.level = yaml::as_string(yaml::require(r, "level", file, "references"), file, "references.level");
    s.direction = yaml::as_string(yaml::require(r, "direction", file, "references"), file, "references.direction");
    s.min_Nm = yaml::as_double(yaml::require(r, "min_Nm", file, "references"), file, "references.min_Nm");
    s.max_Nm = yaml::as_double(yaml::require(r, "max_Nm", file, "references"), file, "references.max_Nm");
    s.evidence = yaml::as_string(yaml::require(r, "evidence", file, "references"), file, "references.evidence");
    s.source = yaml::as_string(yaml::require(r, "source", file, "references"), file, "references.source");
    out.push_back(s);
  }
  return out;
}

SorensenResult sorensen_test(const Model& model) {
  const std::string file = "capacity/fatigue.yaml";
  const YAML::Node root = yaml::parse(std::string(embedded::fatigue_yaml()), file);
  const YAML::Node s = yaml::require(root, "biering_sorensen", file, "");
  SorensenResult r;
  const YAML::Node range = yaml::require(s, "female_range_s", file, "biering_sorensen");
  r.published_min_s = yaml::as_double(range[0], file, "biering_sorensen.female_range_s");
  r.published_max_s = yaml::as_double(range[1], file, "biering_sorensen.female_range_s");
  r.source = yaml::as_string(yaml::require(s, "source", file, "biering_sorensen"), file, "biering_sorensen.source");
  // Prone and horizontal (the root turned 90 deg forward), pelvis and legs on the bench and
  // strapped (the root is held), the trunk unsupported, arms folded on the chest.
  const Posture p = parse_posture_text(model, yaml::as_string(yaml::require(s, "posture", file, "biering_sorensen"), file,
                                                              "biering_sorensen.posture"),
                                       file + ": biering_sorensen.posture");
  Data data(model);
  const PostureResult result = analyze_posture(model, data, p, {});
  r.demand = back_extensor_demand(model, result);
  r.endurance_s = endurance_time_s(trunk_fatigue_parameters(), r.demand);
  return r;
}

std::string format_strength(const Model& model, const std::vector<LevelStrength>& strength,
                            const std::vector<StrengthReference>& references, const SorensenResult& sorensen) {
  std::string s = fmt::format(
      "Maximal voluntary moment at each spinal level, upright, N m ({:.3f} m, {:.1f} kg), as an isometric test finds it:\n"
      "the body below the level held, a pad on the lower thorax for the lumbar levels (upper thorax for T6/T7, head for\n"
      "the neck), the largest pad load her muscles hold with that level and every one above in equilibrium, no reserve.\n\n",
      model.height_m, model.mass_kg);
  s += fmt::format("  {:<7}", "level");
  for (const char* d : {"extension", "flexion", "bend right", "bend left", "turn right", "turn left"})
    s += fmt::format(" {:>11}", d);
  s += "\n";
  for (auto it = strength.rbegin(); it != strength.rend(); ++it) {
    s += fmt::format("  {:<7}", model.joints[it->joint].name);
    for (double m : it->max_moment_Nm) s += fmt::format(" {:>11.0f}", m);
    s += "\n";
  }
  s += "\nAgainst published strength (for the lumbar rows a dynamometer holds the pelvis, so every lumbar level must\n"
       "hold its pad: the model's figure is the moment at the level when the pelvis-held test reaches its largest load;\n"
       "the neck's rows are the level tested alone, the pad on the head):\n";
  s += fmt::format("  {:<7} {:<22} {:>8} {:>15} {:>4}  {}\n", "level", "direction", "model", "published", "ev", "verdict");
  for (const auto& r : references) {
    const auto lv = std::find_if(strength.begin(), strength.end(),
                                 [&](const LevelStrength& l) { return model.joints[l.joint].name == r.level; });
    const auto dir = std::find(kStrengthDirections.begin(), kStrengthDirections.end(), r.direction);
    if (lv == strength.end() || dir == kStrengthDirections.end()) continue;
    // Published strength is measured with the pelvis held: compare like with like.
    const std::size_t di = static_cast<std::size_t>(dir - kStrengthDirections.begin());
    const double m = lv->pelvis_held ? lv->pelvis_held_moment_Nm[di] : lv->max_moment_Nm[di];
    s += fmt::format("  {:<7} {:<22} {:>8.0f} {:>7.0f} to {:<4.0f} {:>4}  {}\n", r.level, r.direction, m, r.min_Nm,
                     r.max_Nm, r.evidence, m >= r.min_Nm && m <= r.max_Nm ? "within" : (m < r.min_Nm ? "BELOW" : "ABOVE"));
  }
  s += "  (ev: V read in the source, D derived from read figures, U recalled; sources in data/capacity/trunk_strength.yaml)\n";
  s += fmt::format(
      "\nBiering-Sorensen test (prone, trunk unsupported over a bench edge): {:.0f} % of maximal lumbar extension, held\n"
      "{:.0f} s by the three-compartment trunk parameters; healthy women {:.0f}-{:.0f} s ({})\n",
      100 * sorensen.demand, sorensen.endurance_s, sorensen.published_min_s, sorensen.published_max_s,
      sorensen.endurance_s >= sorensen.published_min_s && sorensen.endurance_s <= sorensen.published_max_s ? "within"
                                                                                                           : "OUTSIDE");
  return s;
}

}  // namespace spineload
