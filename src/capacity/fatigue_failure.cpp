#include "capacity/fatigue_failure.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>

#include "io/yaml_util.hpp"
#include "model/embedded_data.hpp"

namespace spineload {

FatigueFailureCurve lumbar_fatigue_failure_curve() {
  static const FatigueFailureCurve curve = [] {  // parsed once: constant data
    const std::string file = "capacity/fatigue.yaml";
    const YAML::Node root = yaml::parse(std::string(embedded::fatigue_yaml()), file);
    const YAML::Node n = yaml::require(root, "lumbar_fatigue_failure", file, "");
    return FatigueFailureCurve{
        yaml::as_double(yaml::require(n, "a_cycles", file, "lumbar_fatigue_failure"), file, "lumbar_fatigue_failure.a_cycles"),
        yaml::as_double(yaml::require(n, "b_per_percent", file, "lumbar_fatigue_failure"), file,
                        "lumbar_fatigue_failure.b_per_percent")};
  }();
  return curve;
}

double cycles_to_failure(const FatigueFailureCurve& curve, double fraction_of_strength) {
  return curve.a_cycles * std::exp(-curve.b_per_percent * 100 * fraction_of_strength);
}

double damage_per_cycle(const FatigueFailureCurve& curve, double fraction_of_strength) {
  return 1 / cycles_to_failure(curve, fraction_of_strength);
}

}  // namespace spineload
