#include "tasks/infant.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fmt/format.h>
#include <map>
#include <vector>

#include "common/errors.hpp"
#include "io/yaml_util.hpp"
#include "model/embedded_data.hpp"

namespace spineload {

namespace {

// z of a percentile (inverse normal), by bisection on the complementary error function:
// exact enough for interpolation between tabulated percentiles.
double z_of(double percentile) {
  double lo = -5, hi = 5;
  for (int i = 0; i < 80; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) * 100 < percentile ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double interpolate(const std::vector<double>& x, const std::vector<double>& y, double v) {
  if (v <= x.front()) return y.front();
  if (v >= x.back()) return y.back();
  std::size_t i = 0;
  while (x[i + 1] < v) ++i;
  return y[i] + (v - x[i]) / (x[i + 1] - x[i]) * (y[i + 1] - y[i]);
}

}  // namespace

double infant_mass_kg(double age_months, InfantSex sex, double percentile) {
  if (!(age_months >= 0 && age_months <= 12))
    throw InputError("", 0, "infant_age_months", fmt::format("{} is outside the WHO table's 0-12 months", age_months));
  if (!(percentile >= 3 && percentile <= 97))
    throw InputError("", 0, "infant_percentile", fmt::format("{} is outside the tabulated 3rd-97th percentiles", percentile));
  static const YAML::Node root = yaml::parse(std::string(embedded::infant_growth_yaml()), "tasks/infant_growth.yaml");
  const auto months = root["months"].as<std::vector<double>>();
  const YAML::Node table = root[sex == InfantSex::girl ? "girls" : "boys"];
  // Mass at this age in each percentile column, then interpolation across columns in z.
  std::vector<std::pair<double, double>> columns;  // (z, kg)
  for (const auto& kv : root["percentile_z"])
    columns.emplace_back(kv.second.as<double>(),
                         interpolate(months, table[kv.first.as<std::string>()].as<std::vector<double>>(), age_months));
  std::sort(columns.begin(), columns.end());
  std::vector<double> zs, kgs;
  for (const auto& [z, kg] : columns) {
    zs.push_back(z);
    kgs.push_back(kg);
  }
  return interpolate(zs, kgs, z_of(percentile));
}

}  // namespace spineload
