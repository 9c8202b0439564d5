// Task settings as the command line and the API give them: the first line is the task's
// id, each further line a "name=value" setting. Checked, then the task is posed (its
// posture and loads built; prediction is not run: that is analysis, not parsing).
#include <sstream>
#include <vector>

#include "fuzz_support.hpp"
#include "model/model.hpp"
#include "tasks/task_library.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spineload;
  static const auto model = build_static_model(*default_model_source(), 1.65, 62);
  std::istringstream in(fuzz::text(data, size));
  std::string id, line;
  std::getline(in, id);
  std::vector<std::string> settings;
  while (std::getline(in, line) && settings.size() < 64) settings.push_back(line);
  return fuzz::expect_input_errors_only([&] {
    check_task_settings(id, settings);
    (void)instantiate_task(*model, id, settings);
  });
}
