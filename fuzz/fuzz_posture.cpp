// Posture files (YAML) on the default model.
#include "fuzz_support.hpp"
#include "model/model.hpp"
#include "posture/posture.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spineload;
  static const auto model = build_static_model(*default_model_source(), 1.65, 62);
  return fuzz::expect_input_errors_only([&] { (void)parse_posture_text(*model, fuzz::text(data, size), "fuzz.yaml"); });
}
