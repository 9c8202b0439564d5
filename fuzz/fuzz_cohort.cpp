// Cohort files (YAML): distributions of subjects, tasks and what-if variants.
#include "cohort/cohort.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spineload;
  return fuzz::expect_input_errors_only([&] { (void)parse_cohort_text(fuzz::text(data, size), "fuzz.yaml"); });
}
