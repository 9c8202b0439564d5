#include "tasks/infant.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fmt/format.h>
#include <algorithm>
#include <vector>

#include "common/bisect.hpp"
#include "common/errors.hpp"
#include "io/yaml_util.hpp"
#include "model/embedded_data.hpp"

namespace spineload {

namespace {

// z of a percentile (inverse normal), by bisection on the complementary error function:
// exact enough for interpolation between tabulated percentiles.
double z_of(double percentile) {
  return bisect([&](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)) * 100 < percentile; }, -5, 5, 80);
}

double interpolate(const std::vector<double>& x, const std::vector<double>& y, double v) {
  if (v <= x.front()) return y.front();
  if (v >= x.back()) return y.back();
  std::size_t i = 0;
  while (x[i + 1] < v) ++i;
  return y[i] + (v - x[i]) / (x[i + 1] - x[i]) * (y[i + 1] - y[i]);
}

// The WHO table parsed once into plain numbers: immutable, shared by every thread (a
// cohort asks for an infant's mass per subject; reading the YAML each time cost 0.4 ms).
struct GrowthTable {
  std::vector<double> months;
  std::vector<double> z;                           // of each percentile column, ascending
  std::vector<std::vector<double>> girls_kg, boys_kg;  // [column][month]
};

const GrowthTable& growth_table() {
  static const GrowthTable table = [] {
    const YAML::Node root = yaml::parse(std::string(embedded::infant_growth_yaml()), "tasks/infant_growth.yaml");
    GrowthTable t;
    t.months = root["months"].as<std::vector<double>>();
    std::vector<std::pair<double, std::string>> columns;
    for (const auto& kv : root["percentile_z"]) columns.emplace_back(kv.second.as<double>(), kv.first.as<std::string>());
    std::sort(columns.begin(), columns.end());
    for (const auto& [z, name] : columns) {
      t.z.push_back(z);
      t.girls_kg.push_back(root["girls"][name].as<std::vector<double>>());
      t.boys_kg.push_back(root["boys"][name].as<std::vector<double>>());
    }
    return t;
  }();
  return table;
}

}  // namespace

double infant_mass_kg(double age_months, InfantSex sex, double percentile) {
  if (!(age_months >= 0 && age_months <= 12))
    throw InputError("", 0, "infant_age_months", fmt::format("{} is outside the WHO table's 0-12 months", age_months));
  if (!(percentile >= 3 && percentile <= 97))
    throw InputError("", 0, "infant_percentile", fmt::format("{} is outside the tabulated 3rd-97th percentiles", percentile));
  const GrowthTable& t = growth_table();
  const auto& columns = sex == InfantSex::girl ? t.girls_kg : t.boys_kg;
  // Mass at this age in each percentile column, then interpolation across columns in z.
  std::vector<double> kgs;
  kgs.reserve(columns.size());
  for (const auto& c : columns) kgs.push_back(interpolate(t.months, c, age_months));
  return interpolate(t.z, kgs, z_of(percentile));
}

}  // namespace spineload
