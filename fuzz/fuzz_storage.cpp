// OpenSim storage files (.sto, .mot): headers, labels, rows; then as a motion of a small
// knee model (tests/data/osim/knee_3x.osim), where times and values are checked against
// its coordinates before anything reaches Simbody.
#include "fuzz_support.hpp"
#include "interop/opensim_tools.hpp"
#include "interop/osim_import.hpp"
#include "io/storage.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spineload;
  static const ImportedModel knee = import_osim_file(SPINELOAD_SOURCE_DIR "/tests/data/osim/knee_3x.osim");
  return fuzz::expect_input_errors_only([&] {
    const Storage s = read_storage_text(fuzz::text(data, size), "fuzz.mot");
    MotionOptions options;
    options.lowpass_hz = s.data.rows() % 2 ? 6 : -1;  // both routes, chosen by the input
    (void)motion_from_storage(*knee.model, s, options, "fuzz.mot");
  });
}
