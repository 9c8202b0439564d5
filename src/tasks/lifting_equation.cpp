#include "tasks/lifting_equation.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <vector>

#include "common/errors.hpp"
#include "io/yaml_util.hpp"
#include "model/embedded_data.hpp"

namespace spineload {

LiftingIndex niosh_lifting_index(const LiftGeometry& g) {
  static const YAML::Node data = yaml::parse(std::string(embedded::niosh_yaml()), "tasks/niosh.yaml");
  for (const auto& [name, v] : {std::pair{"horizontal_cm", g.horizontal_cm}, std::pair{"vertical_cm", g.vertical_cm},
                                std::pair{"distance_cm", g.distance_cm}, std::pair{"lifts_per_min", g.lifts_per_min},
                                std::pair{"duration_h", g.duration_h}, std::pair{"load_kg", g.load_kg}})
    if (!(v >= 0)) throw InputError("", 0, name, fmt::format("must not be negative (got {})", v));
  if (g.duration_h > 8) throw InputError("", 0, "duration_h", "the equation covers work of up to 8 hours");
  LiftingIndex r;
  r.LC_kg = data["load_constant_kg"].as<double>();
  r.HM = g.horizontal_cm > 63 ? 0.0 : 25.0 / std::max(25.0, g.horizontal_cm);
  r.VM = g.vertical_cm > 175 ? 0.0 : 1 - 0.003 * std::abs(g.vertical_cm - 75);
  // Applications Manual: D below 25 cm is set to 25; beyond 175 cm the lift is outside the
  // equation's range and DM = 0 (as VM beyond 175 cm and HM beyond 63 cm).
  r.DM = g.distance_cm > 175 ? 0.0 : 0.82 + 4.5 / std::max(g.distance_cm, 25.0);
  r.AM = std::abs(g.asymmetry_deg) > 135 ? 0.0 : 1 - 0.0032 * std::abs(g.asymmetry_deg);
  const bool high = g.vertical_cm >= 75;
  const std::string duration = g.duration_h <= 1 ? "short" : g.duration_h <= 2 ? "moderate" : "long";
  const auto freq = data["frequency_lifts_per_min"].as<std::vector<double>>();
  const auto fm = data["frequency_multiplier"][duration + (high ? "_high" : "_low")].as<std::vector<double>>();
  const double f = std::max(g.lifts_per_min, freq.front());
  if (f > freq.back()) {
    r.FM = 0;
  } else {
    std::size_t i = 0;
    while (i + 1 < freq.size() && freq[i + 1] < f) ++i;
    r.FM = i + 1 < freq.size() ? fm[i] + (f - freq[i]) / (freq[i + 1] - freq[i]) * (fm[i + 1] - fm[i]) : fm[i];
    // A listed zero means the combination is outside the equation; interpolation towards
    // a zero keeps it there.
    if (i + 1 < freq.size() && fm[i + 1] == 0 && f > freq[i]) r.FM = 0;
  }
  const char* c = g.coupling == Coupling::good ? "good" : g.coupling == Coupling::fair ? "fair" : "poor";
  r.CM = data["coupling_multiplier"][c][high ? "high" : "low"].as<double>();
  r.rwl_kg = r.LC_kg * r.HM * r.VM * r.DM * r.AM * r.FM * r.CM;
  r.lifting_index = r.rwl_kg > 0 ? g.load_kg / r.rwl_kg : std::numeric_limits<double>::infinity();
  return r;
}

}  // namespace spineload
