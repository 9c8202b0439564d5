// Marker files (.trc): the header's counts and units, marker names, frames.
#include "fuzz_support.hpp"
#include "io/trc.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spineload;
  return fuzz::expect_input_errors_only([&] { (void)read_trc_text(fuzz::text(data, size), "fuzz.trc"); });
}
