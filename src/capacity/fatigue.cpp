#include "capacity/fatigue.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "io/yaml_util.hpp"
#include "model/embedded_data.hpp"

namespace spineload {

double back_extensor_demand(const Model& m, const FrameResult& f) {
  // The three-compartment trunk parameters were fitted to endurance at a share of maximal
  // trunk torque, so the target load is the largest share, over the lumbar levels (T12/L1 to
  // L5/S1), of the level's maximal extensor moment that the muscles must give there.
  double demand = 0;
  for (const DiscLoad& d : f.disc) {
    const std::string& level = m.joints[d.joint].name;
    if (level.front() != 'L' && level != "T12_L1") continue;
    if (d.extensor_capacity_Nm > 0) demand = std::max(demand, -d.muscle_flexion_moment_Nm / d.extensor_capacity_Nm);
  }
  return demand;
}

double back_extensor_demand(const Model& m, const PostureResult& r) {
  double demand = 0;
  for (const auto& f : r.frames) demand = std::max(demand, back_extensor_demand(m, f));
  return demand;
}


namespace {

YAML::Node fatigue_yaml() { return yaml::parse(std::string(embedded::fatigue_yaml()), "capacity/fatigue.yaml"); }

struct Rates {
  double ma, mr, mf;
};

// Xia & Frey-Law's controller C(t) and the compartment flows.
Rates derivative(const FatigueParameters& p, const FatigueState& s, double tl) {
  double c;
  if (s.active < tl) c = s.resting > tl - s.active ? p.LD_per_s * (tl - s.active) : p.LD_per_s * s.resting;
  else c = p.LR_per_s * (tl - s.active);
  const double recovery = tl <= 0 ? p.rest_recovery_multiplier * p.R_per_s : p.R_per_s;
  return {c - p.F_per_s * s.active, -c + recovery * s.fatigued, p.F_per_s * s.active - recovery * s.fatigued};
}

FatigueState add(const FatigueState& s, const Rates& d, double h) {
  return {s.active + h * d.ma, s.resting + h * d.mr, s.fatigued + h * d.mf};
}

}  // namespace

FatigueParameters trunk_fatigue_parameters() {
  const YAML::Node root = fatigue_yaml();
  const YAML::Node m = root["three_compartment"];
  FatigueParameters p;
  p.F_per_s = m["trunk"]["F_per_s"].as<double>();
  p.R_per_s = m["trunk"]["R_per_s"].as<double>();
  p.LD_per_s = m["LD_per_s"].as<double>();
  p.LR_per_s = m["LR_per_s"].as<double>();
  p.rest_recovery_multiplier = m["rest_recovery_multiplier"].as<double>();
  return p;
}

FatigueReference trunk_fatigue_reference() {
  const YAML::Node root = fatigue_yaml();
  FatigueReference r;
  r.target_loads = root["published_3cc_endurance_s"]["target_loads"].as<std::vector<double>>();
  r.endurance_3cc_s = root["published_3cc_endurance_s"]["trunk"].as<std::vector<double>>();
  r.power_b0 = root["endurance_power_law"]["trunk"]["b0"].as<double>();
  r.power_b1 = root["endurance_power_law"]["trunk"]["b1"].as<double>();
  return r;
}

void step_fatigue(const FatigueParameters& p, FatigueState& s, double tl, double dt_s) {
  constexpr double kSubstep = 0.01;
  const int n = std::max(1, static_cast<int>(std::ceil(dt_s / kSubstep)));
  const double h = dt_s / n;
  for (int i = 0; i < n; ++i) {
    const Rates k1 = derivative(p, s, tl);
    const Rates k2 = derivative(p, add(s, k1, h / 2), tl);
    const Rates k3 = derivative(p, add(s, k2, h / 2), tl);
    const Rates k4 = derivative(p, add(s, k3, h), tl);
    s.active += h / 6 * (k1.ma + 2 * k2.ma + 2 * k3.ma + k4.ma);
    s.resting += h / 6 * (k1.mr + 2 * k2.mr + 2 * k3.mr + k4.mr);
    s.fatigued += h / 6 * (k1.mf + 2 * k2.mf + 2 * k3.mf + k4.mf);
  }
}

double endurance_time_s(const FatigueParameters& p, double tl) {
  if (tl <= p.R_per_s / (p.F_per_s + p.R_per_s)) return std::numeric_limits<double>::infinity();
  return -std::log(1 - p.R_per_s * (1 - tl) / (p.F_per_s * tl)) / p.R_per_s;
}

}  // namespace spineload
