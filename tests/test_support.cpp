#include "test_support.hpp"

namespace spineload::test {

const Model& default_model() {
  static const auto model = [] {
    const auto src = default_model_source();
    return build_model(*src, default_height_m(*src), default_mass_kg(*src));
  }();
  return *model;
}

std::shared_ptr<const Model> test_model(const std::string& name) {
  const auto src = load_model_source(source_path("tests/data/" + name));
  return build_model(*src, default_height_m(*src), default_mass_kg(*src));
}

PostureResult analyze_text(const Model& model, const std::string& yaml,
                           const RecruitmentOptions& options) {
  const Posture posture = parse_posture_text(model, yaml, "test.yaml");
  Data data(model);
  return analyze_posture(model, data, posture, options);
}

}  // namespace spineload::test
