// The published tables of data/subject/pregnancy.yaml, parsed (subject stage internals,
// visible to tests that check them against their sources).
#pragma once
#include <Eigen/Core>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace spineload {

// A piecewise-linear table, held constant beyond its ends.
struct Table {
  std::vector<double> x, y;
  double at(double v) const {
    if (x.empty()) return 0;
    if (v <= x.front()) return y.front();
    if (v >= x.back()) return y.back();
    const auto it = std::upper_bound(x.begin(), x.end(), v);
    const std::size_t i = static_cast<std::size_t>(it - x.begin()) - 1;
    const double t = (v - x[i]) / (x[i + 1] - x[i]);
    return y[i] + t * (y[i + 1] - y[i]);
  }
};

struct SubjectData {
  std::vector<std::string> component_names;
  std::vector<double> component_weeks;
  std::map<std::string, Table> component_g;
  double fundal_cm_per_week = 1, fundal_max_cm = 36;
  Eigen::Vector3d symphysis_m = Eigen::Vector3d::Zero(), breasts_m = Eigen::Vector3d::Zero();
  double uterus_forward_growth = 0.25;
  double uterus_depth_ratio = 0.7, uterus_width_ratio = 0.75;
  double abdominal_wall_m = 0.02;  // in front of the uterus: the solid her hands and thighs meet
  std::vector<std::string> uterus_components, distributed_components;
  double fat_trunk = 0.5, fat_thighs = 0.35, fat_arms = 0.15;
  std::vector<std::string> trunk_bodies{"pelvis", "L5", "L4", "L3", "L2", "L1", "lower_thorax", "upper_thorax", "neck"};
  double involution_weeks = 6, retained_fat_52 = 0.3, fluid_loss_weeks = 2, lactating_breast_g = 600;
  double fundal_after_delivery_cm = 20, fundal_descent_cm_per_day = 1;  // postpartum fundal height
  double max_lumbar_extension_deg = 28;
  Table ird_preg, cap_preg, ird_pp, cap_pp;
  double caesarean_factor = 0.5, caesarean_weeks = 12;
  std::vector<std::string> abdominal_groups;
  Table relaxin_preg, relaxin_pp;
  double default_laxity = 0.2;
  double neuraxial_weeks = 2, neuraxial_stiffness = 0.9, neuraxial_extensor = 0.9;
  Table lactation_change;  // lumbar BMD change (%) against months of lactation
  double ya_bmd = 1.047, ya_sd = 0.11, weaning_rate = 0.8, non_lact_rate = 0.2,
         non_lact_max = 1.0;
  double ca_ear_adult = 800, ca_rda_adult = 1000, ca_ul_adult = 2500, ca_ear_teen = 1100, ca_rda_teen = 1300,
         ca_ul_teen = 3000;
  std::string calcium_evidence;
  double check_lower_trunk_kg_per_week = 0, check_abdomen_term_kg = 0;
};


}  // namespace spineload
