// Subject files (YAML): who she is and her stage.
#include "fuzz_support.hpp"
#include "subject/subject.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spineload;
  return fuzz::expect_input_errors_only([&] { (void)parse_subject_text(fuzz::text(data, size), "fuzz.yaml"); });
}
