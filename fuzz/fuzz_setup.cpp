// OpenSim setup files (XML) of the tools spineload runs: inverse dynamics, static
// optimisation, joint reactions, analyze, with their external loads.
#include "fuzz_support.hpp"
#include "interop/setup.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spineload;
  return fuzz::expect_input_errors_only([&] { (void)read_setup_text(fuzz::text(data, size), "fuzz_Setup.xml"); });
}
