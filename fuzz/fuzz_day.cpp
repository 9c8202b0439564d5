// Day schedules (YAML): tasks with their settings, counts and times.
#include "fuzz_support.hpp"
#include "tasks/task_runner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spineload;
  return fuzz::expect_input_errors_only([&] { (void)parse_day_schedule(fuzz::text(data, size), "fuzz.yaml"); });
}
