// OpenSim model files (.osim XML): bodies, joints, coordinates, muscles, their paths.
#include "fuzz_support.hpp"
#include "interop/osim_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spineload;
  return fuzz::expect_input_errors_only([&] { (void)import_osim_text(fuzz::text(data, size), "fuzz.osim"); });
}
